// information_schema.index_status (EddyDB's, GreptimeDB has none): per table and index, whether every segment has
// its index file yet (building / ready), the segments and rows it covers and its size, summed over the regions.
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';

/** One index of one table, summed over its regions (the node asks each region's stats). */
export interface IndexStatusRow {
  db: string;
  table: string;
  kind: string;
  column: string;
  /** building: some segment lacks the index file; ready: every segment has it. */
  state: 'building' | 'ready';
  regions: number;
  segments: number;
  segmentsCovered: number;
  rowsCovered: number;
  bytes: number;
  lastError: string | null;
}

const NAMES = ['table_catalog', 'table_schema', 'table_name', 'index_name', 'index_type', 'column_name', 'state', 'regions', 'segments', 'segments_covered', 'rows_covered', 'index_bytes', 'last_error'];
const TYPES = ['String', 'String', 'String', 'String', 'String', 'String', 'String', 'Int64', 'Int64', 'Int64', 'Int64', 'Int64', 'String'];

export async function indexStatusRel(ctx: QueryContext): Promise<Rel> {
  const rows = ctx.indexStatus ? await ctx.indexStatus() : [];
  const data = rows
    .sort((a, b) => `${a.db}.${a.table}.${a.kind}.${a.column}`.localeCompare(`${b.db}.${b.table}.${b.kind}.${b.column}`))
    .map((r) => ['greptime', r.db, r.table, `${r.kind.toUpperCase()}_INDEX_${r.column}`, r.kind.toUpperCase(), r.column, r.state, r.regions, r.segments, r.segmentsCovered, r.rowsCovered, r.bytes, r.lastError]);
  return {
    fields: NAMES.map((name, j) => ({ name, dt: TYPES[j]! })),
    cols: NAMES.map((_n, j) => fromValues(TYPES[j]!, data.map((r) => r[j] ?? null))),
    len: data.length,
  };
}
