// GreptimeDB's metric engine, as the catalog sees it: a physical table (WITH physical_metric_table) and logical
// tables on it (WITH on_physical_table). Each logical table keeps its rows in its own regions; the physical table
// shows the union of their tags, and its column list is derived, never stored.
import { EddyError, StatusCode } from '../index.ts';
import type { ColumnSchema, TableSchema } from '../index.ts';
import type { QueryContext } from './context.ts';
import { columnDt } from './scan.ts';

export const PHYSICAL_KEY = 'physical_metric_table';
export const LOGICAL_KEY = 'on_physical_table';

export function physicalOf(t: TableSchema): string | undefined {
  return t.options.extra?.[LOGICAL_KEY];
}

export function isPhysical(t: TableSchema): boolean {
  return t.options.extra?.[PHYSICAL_KEY] !== undefined;
}

export function engineOf(t: TableSchema): 'metric' | 'mito' {
  return isPhysical(t) || physicalOf(t) !== undefined ? 'metric' : 'mito';
}

/** Logical tables use the metric engine's column order: tags by name, then the time index, then fields. */
export function orderLogical(cols: ColumnSchema[]): ColumnSchema[] {
  const tags = cols.filter((c) => c.semantic === 'tag').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...tags, ...cols.filter((c) => c.semantic === 'timestamp'), ...cols.filter((c) => c.semantic === 'field')];
}

export async function logicalTables(ctx: QueryContext, db: string, physical: string): Promise<TableSchema[]> {
  const out: TableSchema[] = [];
  for (const n of await ctx.listTables(db)) {
    const t = await ctx.getTable(db, n);
    if (t && physicalOf(t) === physical) out.push(t);
  }
  return out.sort((a, b) => a.id - b.id);
}

const typeText = (c: ColumnSchema) => `${columnDt(c)}(${columnDt(c)}Type)`;

/** Checks a logical table draft against its physical table and orders its columns. */
export async function prepareLogical(draft: Omit<TableSchema, 'id'>, ctx: QueryContext): Promise<Omit<TableSchema, 'id'>> {
  const phyName = physicalOf(draft as TableSchema)!;
  const phy = await ctx.getTable(draft.db, phyName);
  if (!phy) throw new EddyError(StatusCode.TableNotFound, `Table not found: ${phyName}`);
  if (!isPhysical(phy)) throw new EddyError(StatusCode.InvalidArguments, `Table ${phyName} is not a physical metric table`);
  const pTs = phy.columns.find((c) => c.semantic === 'timestamp')!;
  const ts = draft.columns.find((c) => c.semantic === 'timestamp')!;
  if (ts.unit !== pTs.unit) {
    const unitName = { s: 'Second', ms: 'Millisecond', us: 'Microsecond', ns: 'Nanosecond' } as const;
    throw new EddyError(StatusCode.InvalidArguments, `Unexpected request: Metric has differenttime unit (${unitName[ts.unit ?? 'ms']}) than the physical region (${unitName[pTs.unit ?? 'ms']})`);
  }
  const pFields = phy.columns.filter((c) => c.semantic === 'field');
  for (const c of draft.columns) {
    if (c.semantic === 'field') {
      const pf = pFields.find((f) => f.name === c.name);
      if (!pf) throw new EddyError(StatusCode.InvalidArguments, `Adding field column ${c.name} to physical table`);
      if (columnDt(pf) !== columnDt(c)) throw new EddyError(StatusCode.InvalidArguments, `Column type mismatch. Expect ${typeText(pf)}, got ${typeText(c)}`);
    } else if (c.semantic === 'tag' && c.type !== 'string') {
      throw new EddyError(StatusCode.InvalidArguments, `Column type mismatch. Expect String(StringType), got ${typeText(c)}`);
    }
  }
  // the physical TTL applies to the logical table's rows, in its own regions too
  const options = phy.options.ttlMs !== undefined && draft.options.ttlMs === undefined ? { ...draft.options, ttlMs: phy.options.ttlMs } : draft.options;
  return { ...draft, options, columns: orderLogical(draft.columns), regions: 1 };
}

/** The physical table's columns as DESC shows them: its own, then __table_id, __tsid and every logical tag. */
export async function physicalColumns(phy: TableSchema, ctx: QueryContext): Promise<ColumnSchema[]> {
  const logical = await logicalTables(ctx, phy.db, phy.name);
  if (!logical.length) return phy.columns;
  const own = new Set(phy.columns.map((c) => c.name));
  const tags = new Map<string, ColumnSchema>();
  for (const t of logical) for (const c of t.columns) if (c.semantic === 'tag' && !own.has(c.name) && !tags.has(c.name)) tags.set(c.name, c);
  const sorted = [...tags.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    ...phy.columns,
    { name: '__table_id', type: 'uint64', sqlType: 'UInt32', semantic: 'tag', nullable: false },
    { name: '__tsid', type: 'uint64', semantic: 'tag', nullable: false },
    ...sorted,
  ];
}

/** The TTL that applies to a table's rows: its own, else (for a logical table) its physical table's. */
export async function effectiveTtl(t: TableSchema, ctx: QueryContext): Promise<{ ms?: number; instant: boolean }> {
  const own = t.options.extra?.ttl;
  if (own !== undefined) return { ms: t.options.ttlMs, instant: own.trim().toLowerCase() === 'instant' };
  const phyName = physicalOf(t);
  const phy = phyName ? await ctx.getTable(t.db, phyName) : null;
  if (!phy) return { ms: t.options.ttlMs, instant: false };
  return { ms: phy.options.ttlMs, instant: phy.options.extra?.ttl?.trim().toLowerCase() === 'instant' };
}
