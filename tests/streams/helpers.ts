// Test helpers for streams/: WriteBatch builders and time constants.
import type { Column, WriteBatch } from '../../core/index.ts';

export const SEC = 1_000_000_000n;
export const MIN = 60n * SEC;

export type RowObj = Record<string, string | number | bigint | boolean | null>;

/** Builds a batch: `tags` are string tag columns, `time` the time index (bigint ns), every other key a field. */
export function batchOf(table: string, rows: RowObj[], opts: { tags?: string[]; time?: string } = {}): WriteBatch {
  const tags = opts.tags ?? [];
  const time = opts.time ?? 'ts';
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  if (!names.includes(time)) names.push(time);
  const columns: Column[] = names.map((name) => {
    const vals = rows.map((r) => (name in r ? r[name]! : null));
    const valid = Uint8Array.from(vals, (v) => (v === null ? 0 : 1));
    if (name === time) {
      return { name, type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(vals, (v) => BigInt(v as bigint)), valid: null };
    }
    const sample = vals.find((v) => v !== null);
    const semantic = tags.includes(name) ? 'tag' : 'field';
    if (typeof sample === 'number') return { name, type: 'float64', semantic, values: Float64Array.from(vals, (v) => (v === null ? 0 : Number(v))), valid };
    if (typeof sample === 'boolean') return { name, type: 'boolean', semantic, values: Uint8Array.from(vals, (v) => (v ? 1 : 0)), valid };
    return { name, type: 'string', semantic, values: vals.map((v) => (v === null ? null : String(v))), valid };
  });
  return { table, rows: rows.length, columns };
}

export function ts(text: string): bigint {
  return BigInt(Date.parse(text.replace(' ', 'T') + 'Z')) * 1_000_000n;
}
