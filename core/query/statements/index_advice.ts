// information_schema.index_advice (EddyDB's): the smart index's view of each candidate (table, column, index kind):
// the queries it observed in the window, rows read and kept, the estimated benefit, and its last decision with why.
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';

export interface IndexAdviceRow {
  db: string;
  table: string;
  column: string;
  /** skipping | fulltext */
  kind: string;
  queries: number;
  rowsRead: number;
  rowsKept: number;
  /** Rows the window's queries would not have read with the index (estimate). */
  benefit: number;
  /** create | drop | observe */
  decision: string;
  /** none | declared | auto */
  existing: string;
  reason: string;
  /** When the decision was taken (ms since the epoch, the node's clock). */
  at: number;
}

const NAMES = ['table_catalog', 'table_schema', 'table_name', 'column_name', 'index_type', 'observed_queries', 'rows_read', 'rows_kept', 'estimated_benefit_rows', 'decision', 'existing', 'reason', 'decided_at'];
const TYPES = ['String', 'String', 'String', 'String', 'String', 'Int64', 'Int64', 'Int64', 'Int64', 'String', 'String', 'String', 'TimestampMillisecond'];

export async function indexAdviceRel(ctx: QueryContext): Promise<Rel> {
  const rows = ctx.indexAdvice ? await ctx.indexAdvice() : [];
  const data = rows
    .sort((a, b) => `${a.db}.${a.table}.${a.column}.${a.kind}`.localeCompare(`${b.db}.${b.table}.${b.column}.${b.kind}`))
    .map((r) => ['greptime', r.db, r.table, r.column, r.kind.toUpperCase(), r.queries, r.rowsRead, r.rowsKept, r.benefit, r.decision, r.existing, r.reason, BigInt(Math.round(r.at))]);
  return {
    fields: NAMES.map((name, j) => ({ name, dt: TYPES[j]! })),
    cols: NAMES.map((_n, j) => fromValues(TYPES[j]!, data.map((r) => r[j] ?? null))),
    len: data.length,
  };
}
