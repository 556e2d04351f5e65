// GreptimeDB's metric engine, as SQL sees it: a physical table (WITH physical_metric_table) and logical tables on it
// (WITH on_physical_table). Logical tables keep their rows in the physical table's regions (core/metric_engine.ts);
// the physical table shows the union of their tags, and its column list is derived, never stored.
import { EddyError, StatusCode } from '../../errors.ts';
import { LOGICAL_KEY, PHYSICAL_KEY, PHYSICAL_TAGS_KEY, TABLE_ID_COLUMN, isPhysical, physicalOf, physicalTags, withPhysicalTags } from '../../metric_engine.ts';
import type { ColumnSchema, TableSchema } from '../../schema.ts';
import type { QueryContext } from '../context.ts';
import type { RecordBatch } from 'apache-arrow';
import { batchesToRel, columnDt } from '../plan/scan.ts';
import { takeRel, type Rel } from '../plan/rel.ts';
import { fromValues, getValue, int64Vec, type Vec } from '../vector.ts';

export { LOGICAL_KEY, PHYSICAL_KEY, isPhysical, physicalOf };

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
  // the physical TTL and append mode apply to the logical table's rows, in its own regions too
  const options = { ...draft.options };
  if (phy.options.ttlMs !== undefined && options.ttlMs === undefined) options.ttlMs = phy.options.ttlMs;
  if (phy.options.appendMode) options.appendMode = true;
  // no region of its own: its rows go to the physical table's regions
  return { ...draft, options, columns: orderLogical(draft.columns), regions: 0 };
}

/** Option of a physical table naming every tag of its logical tables, dropped ones' too (never shown: SHOW CREATE skips it). */
export const RETIRED_TAGS_KEY = PHYSICAL_TAGS_KEY;

const retiredTags = physicalTags;

/**
 * Records a logical table's tags on its physical table (creation, ALTER ADD COLUMN, before a DROP): the physical
 * regions' key only ever grows, as in GreptimeDB's metric engine.
 */
export async function retireLogical(t: TableSchema, ctx: QueryContext): Promise<void> {
  const phyName = physicalOf(t);
  if (!phyName || !(await ctx.getTable(t.db, phyName))) return;
  const tags = t.columns.filter((c) => c.semantic === 'tag').map((c) => c.name);
  await ctx.alterTable(t.db, phyName, (o) => withPhysicalTags(o, tags));
}

/** The physical table's columns as DESC shows them: its own, then __table_id, __tsid and every logical tag, dropped tables' too. */
export async function physicalColumns(phy: TableSchema, ctx: QueryContext): Promise<ColumnSchema[]> {
  const logical = await logicalTables(ctx, phy.db, phy.name);
  const retired = retiredTags(phy);
  if (!logical.length && !retired.length) return phy.columns;
  const own = new Set(phy.columns.map((c) => c.name));
  const tags = new Map<string, ColumnSchema>();
  for (const t of logical) for (const c of t.columns) if (c.semantic === 'tag' && !own.has(c.name) && !tags.has(c.name)) tags.set(c.name, c);
  for (const n of retired) if (!own.has(n) && !tags.has(n)) tags.set(n, { name: n, type: 'string', semantic: 'tag', nullable: true });
  const sorted = [...tags.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    ...phy.columns,
    { name: '__table_id', type: 'uint64', sqlType: 'UInt32', semantic: 'tag', nullable: false },
    { name: '__tsid', type: 'uint64', semantic: 'tag', nullable: false },
    ...sorted,
  ];
}

/**
 * A physical table as SHOW INDEX sees it: keyed by (its own tags, __table_id, __tsid, the logical tables' tags);
 * with 'index.type' = 'skipping' every tag but __tsid has a skipping index, sized by 'index.granularity' and
 * 'index.false_positive_rate'.
 */
export async function physicalIndexSchema(phy: TableSchema, ctx: QueryContext): Promise<TableSchema> {
  const all = await physicalColumns(phy, ctx);
  if (all === phy.columns) return phy;
  const extra = phy.options.extra ?? {};
  const skipping = extra['index.type']?.toLowerCase() === 'skipping'
    ? { granularity: extra['index.granularity'] ?? '10240', type: 'BLOOM', false_positive_rate: extra['index.false_positive_rate'] ?? '0.01' }
    : undefined;
  const columns = all.map((c) => (skipping && c.semantic === 'tag' && c.name !== '__tsid' ? { ...c, indexes: { ...c.indexes, skipping } } : c));
  const rest = columns.filter((c) => c.semantic === 'tag' && !phy.primaryKey.includes(c.name)).map((c) => c.name);
  return { ...phy, columns, primaryKey: [...phy.primaryKey, ...rest] };
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

// The metric engine keys rows by (table id, __tsid, time): __tsid hashes a row's non-null tag names and values
// with FxHash (64-bit, as the fxhash crate computes it), so scans of a logical table come in __tsid order.
const FX_SEED = 0x517cc1b727220a95n, U64 = (1n << 64n) - 1n;
const fxWord = (h: bigint, w: bigint): bigint => (((((h << 5n) | (h >> 59n)) & U64) ^ w) * FX_SEED) & U64;
function fxStr(h: bigint, s: string): bigint {
  const b = Buffer.from(s);
  let i = 0;
  for (; b.length - i >= 8; i += 8) h = fxWord(h, b.readBigUInt64LE(i));
  if (b.length - i >= 4) { h = fxWord(h, BigInt(b.readUInt32LE(i))); i += 4; }
  for (; i < b.length; i++) h = fxWord(h, BigInt(b[i]!));
  return fxWord(h, 0xffn);
}

/** __tsid of one row's tags (name order); null tags are left out of both the names and the values. */
export function tsidOf(tags: [string, string | null][]): bigint {
  let names = 0n;
  for (const [k, v] of tags) if (v !== null) names = fxStr(names, k);
  let h = fxWord(0n, names);
  for (const [, v] of tags) if (v !== null) h = fxStr(h, v);
  return h;
}

/** A logical table's scanned rows in the metric engine's order: by __tsid, each series in scan (time) order. */
export function tsidOrder(r: Rel, schema: TableSchema): Rel {
  const tagNames = schema.primaryKey.filter((n) => n !== schema.timeIndex).sort();
  const cols = tagNames.map((n) => r.fields.findIndex((f) => f.name === n));
  if (r.len < 2 || cols.some((j) => j < 0)) return r;
  // Scans come series by series: rows are taken as runs of equal tags, hashed once per run and ordered run by run.
  const memo = new Map<string, bigint>();
  const runs: { start: number; end: number; id: bigint }[] = [];
  let prev: (string | null)[] | null = null;
  for (let i = 0; i < r.len; i++) {
    const vals = cols.map((j) => { const v = getValue(r.cols[j]!, i); return v === null ? null : String(v); });
    if (prev && vals.every((v, k) => v === prev![k])) { runs[runs.length - 1]!.end = i + 1; continue; }
    prev = vals;
    const key = JSON.stringify(vals);
    let id = memo.get(key);
    if (id === undefined) { id = tsidOf(tagNames.map((n, k) => [n, vals[k]!])); memo.set(key, id); }
    runs.push({ start: i, end: i + 1, id });
  }
  runs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.start - b.start));
  const idx = new Array<number>(r.len);
  let at = 0;
  for (const run of runs) for (let i = run.start; i < run.end; i++) idx[at++] = i;
  return takeRel(r, idx);
}

/**
 * A physical table's scanned rows as GreptimeDB shows them: its DESC columns, __table_id as a number, __tsid computed
 * from each row's non-null tags, ordered by (__table_id, __tsid), each series in scan (time) order.
 */
export function physicalRel(batches: RecordBatch[], phy: TableSchema, shown: ColumnSchema[], qualifier: string): Rel {
  const stored = shown.filter((c) => c.name !== '__tsid').map((c) => (c.name === TABLE_ID_COLUMN ? { ...c, type: 'string' as const, sqlType: undefined } : c));
  const r = batchesToRel(batches, { ...phy, columns: stored }, qualifier);
  const at = (name: string) => r.fields.findIndex((f) => f.name === name);
  const idCol = r.cols[at(TABLE_ID_COLUMN)]!;
  const tagNames = shown.filter((c) => c.semantic === 'tag' && c.name !== TABLE_ID_COLUMN && c.name !== '__tsid').map((c) => c.name).sort();
  const tagCols = tagNames.map((n) => r.cols[at(n)]!);
  const ids = new Float64Array(r.len), tsids = new BigUint64Array(r.len);
  const memo = new Map<string, bigint>();
  for (let i = 0; i < r.len; i++) {
    ids[i] = Number(getValue(idCol, i) ?? 0);
    const vals = tagCols.map((c) => { const v = getValue(c, i); return v === null ? null : String(v); });
    const key = JSON.stringify(vals);
    let h = memo.get(key);
    if (h === undefined) { h = tsidOf(tagNames.map((n, k) => [n, vals[k]!])); memo.set(key, h); }
    tsids[i] = h;
  }
  const cols = shown.map((c): Vec => {
    if (c.name === '__tsid') return int64Vec(columnDt(c), tsids);
    if (c.name === TABLE_ID_COLUMN) return fromValues(columnDt(c), Array.from(ids));
    return r.cols[at(c.name)]!;
  });
  const fields = shown.map((c) => ({ name: c.name, qualifier, dt: columnDt(c) }));
  const idx = Array.from({ length: r.len }, (_, i) => i)
    .sort((a, b) => ids[a]! - ids[b]! || (tsids[a]! < tsids[b]! ? -1 : tsids[a]! > tsids[b]! ? 1 : a - b));
  return takeRel({ fields, cols, len: r.len }, idx);
}
