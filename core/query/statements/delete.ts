// DELETE FROM t WHERE ...: find the matching rows' keys (tags + time index) and hand them to the context.
import { EddyError, StatusCode } from '../../errors.ts';
import type { Delete, Query } from '../../sql/index.ts';
import type { QState } from '../plan/select.ts';
import { runQuery } from '../plan/select.ts';
import { tableName } from './ddl.ts';
import { buildBatch } from './insert.ts';
import { getValue } from '../vector.ts';
import { isPhysical } from './metric.ts';

export async function runDelete(s: Delete, st: QState): Promise<number> {
  const ctx = st.env.qctx;
  const { db, table } = tableName(s.table, ctx);
  const schema = await ctx.getTable(db, table);
  if (!schema) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`);
  // GreptimeDB accepts DELETE on a physical metric table and deletes nothing
  if (isPhysical(schema)) return 0;
  if (schema.options.appendMode) throw new EddyError(StatusCode.InvalidArguments, 'Invalid request to region, reason: DELETE is not allowed under append mode');
  if (!ctx.delete) throw new EddyError(StatusCode.Unsupported, 'DELETE is not supported by this node');
  const keys = [...schema.primaryKey, schema.timeIndex];
  const pos = s.pos;
  const q: Query = {
    type: 'query', orderBy: [], pos,
    body: {
      type: 'select', distinct: false, groupBy: [], pos,
      projection: keys.map((k) => ({ expr: { type: 'column', path: [{ value: k, quote: '"', pos }], pos }, pos })),
      from: [{ type: 'table', name: s.table, pos }],
      ...(s.where ? { where: s.where } : {}),
    },
  };
  const rel = await runQuery(q, st);
  if (rel.len === 0) return 0;
  const cells = new Map<string, unknown[]>();
  keys.forEach((k, j) => {
    const c = rel.cols[j]!;
    const vals: unknown[] = [];
    for (let i = 0; i < rel.len; i++) vals.push(getValue(c, i));
    cells.set(k, vals);
  });
  const keySchema = { ...schema, columns: schema.columns.filter((c) => keys.includes(c.name)).map((c) => ({ ...c, nullable: true })) };
  const batch = buildBatch(keySchema, cells, rel.len, st.env);
  return ctx.delete(db, batch);
}
