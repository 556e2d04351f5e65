// Flow rows -> a WriteBatch for the sink table (upserts keyed by the sink's tags and time index).
import { allocValues } from '../core/index.ts';
import type { Column, DataType, WriteBatch } from '../core/index.ts';
import type { FlowPlan, FlowRow, FlowValue } from './types.ts';

function typeOf(vals: FlowValue[], timestamp: boolean): DataType {
  if (timestamp) return 'timestamp';
  const v = vals.find((x) => x !== null);
  if (typeof v === 'bigint') return 'timestamp';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string' || v === undefined) return v === undefined ? 'float64' : 'string';
  return 'float64';
}

/**
 * The non-deleted rows as one batch for the sink table; deleted rows are returned apart (their keys), for the
 * caller to delete. Types follow the values (numbers are float64, tags strings when they are strings).
 */
export function toSinkBatch(plan: FlowPlan, rows: FlowRow[]): { batch: WriteBatch; deleted: FlowRow[] } {
  const live = rows.filter((r) => !r.deleted);
  const deleted = rows.filter((r) => r.deleted);
  const columns: Column[] = plan.columns.map((c) => {
    const vals = live.map((r) => r.values[c.name] ?? null);
    const type = typeOf(vals, c.role === 'timestamp' || c.auto === 'update_at');
    const values = allocValues(type, live.length);
    const valid = new Uint8Array(live.length);
    vals.forEach((v, i) => {
      if (v === null) return;
      valid[i] = 1;
      if (type === 'timestamp') (values as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
      else if (type === 'boolean') (values as Uint8Array)[i] = v ? 1 : 0;
      else if (type === 'string') (values as (string | null)[])[i] = String(v);
      else (values as Float64Array)[i] = Number(v);
    });
    return { name: c.name, type, semantic: c.role, values, valid: valid.every((x) => x === 1) ? null : valid };
  });
  return { batch: { table: plan.sinkTable, rows: live.length, columns }, deleted };
}
