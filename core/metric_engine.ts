// The metric engine's storage model: logical tables' rows live in their physical table's regions, keyed by __table_id.
// Pure: the physical region schema, and the rewriting of logical batches, scans and key batches into physical ones.
import type { Column, WriteBatch } from './batch.ts';
import { InvalidArgumentError } from './errors.ts';
import { splitBatch } from './partition.ts';
import type { ColumnSchema, TableSchema } from './schema.ts';

/** WITH ("physical_metric_table" = ""): a physical table. */
export const PHYSICAL_KEY = 'physical_metric_table';
/** WITH ("on_physical_table" = "phy"): a logical table on phy. */
export const LOGICAL_KEY = 'on_physical_table';
/**
 * Hidden option of a physical table: every tag a logical table on it ever had, comma separated, in the order they were
 * added (the region's primary key only grows at its end). Kept after a logical table is dropped: its rows stay keyed by them.
 */
export const PHYSICAL_TAGS_KEY = 'metric_engine.retired_tags';
/** The tag that tells logical tables' rows apart in the physical regions (GreptimeDB's name); first in the key. */
export const TABLE_ID_COLUMN = '__table_id';
/** The physical table Prometheus remote write uses when none is named (GreptimeDB's default). */
export const DEFAULT_PHYSICAL_TABLE = 'greptime_physical_table';

export function physicalOf(t: TableSchema): string | undefined {
  return t.options.extra?.[LOGICAL_KEY];
}

export function isPhysical(t: TableSchema): boolean {
  return t.options.extra?.[PHYSICAL_KEY] !== undefined;
}

/** Tags of the logical tables (live and dropped) recorded on a physical table, in the order they were added. */
export function physicalTags(phy: TableSchema): string[] {
  return phy.options.extra?.[PHYSICAL_TAGS_KEY]?.split(',').filter((x) => x !== '') ?? [];
}

const knownNames = new WeakMap<TableSchema, Set<string>>();

/** The physical table with these tags recorded (version bumped), or the same object when it has them all. */
export function withPhysicalTags(phy: TableSchema, tags: string[]): TableSchema {
  // asked on every write to a logical table: the known names are kept per (immutable) schema object
  let own = knownNames.get(phy);
  if (!own) { own = new Set([...phy.columns.map((c) => c.name), ...physicalTags(phy)]); knownNames.set(phy, own); }
  let add: string[] | null = null;
  for (const t of tags) if (!own.has(t) && !add?.includes(t)) (add ??= []).push(t);
  if (add === null) return phy;
  const have = physicalTags(phy);
  for (const t of add) if (t.includes(',')) throw new InvalidArgumentError(`tag name '${t}' of a metric table may not contain ','`);
  const extra = { ...phy.options.extra, [PHYSICAL_TAGS_KEY]: [...have, ...add].join(',') };
  return { ...phy, version: phy.version + 1, options: { ...phy.options, extra } };
}

const regionSchemas = new WeakMap<TableSchema, TableSchema>();

/**
 * The schema a table's regions store. A physical table's regions key rows by (__table_id, its own tags, every logical
 * tag in the order added): __table_id first, so one logical table's rows are one range of the series order; a logical
 * table's rows have null in other tables' tags (absent in the batch). Any other table: itself.
 */
export function regionSchema(s: TableSchema): TableSchema {
  // idempotent: a region schema passes through the supervisor and the router more than once
  if (!isPhysical(s) || s.primaryKey[0] === TABLE_ID_COLUMN) return s;
  const hit = regionSchemas.get(s);
  if (hit) return hit;
  const own = new Set(s.columns.map((c) => c.name));
  const tags = physicalTags(s).filter((t) => !own.has(t));
  const tagCol = (name: string): ColumnSchema => ({ name, type: 'string', semantic: 'tag', nullable: true });
  const out: TableSchema = {
    ...s,
    columns: [tagCol(TABLE_ID_COLUMN), ...s.columns, ...tags.map(tagCol)],
    primaryKey: [TABLE_ID_COLUMN, ...s.primaryKey, ...tags],
  };
  regionSchemas.set(s, out);
  return out;
}

/** A constant string column (dictionary form: one code per row, one string). */
function constColumn(name: string, value: string, rows: number): Column {
  return { name, type: 'string', semantic: 'tag', values: new Int32Array(rows), valid: null, dict: [value] };
}

/**
 * A logical table's batch (conformed to its schema) as a batch of the physical table: __table_id added, the time
 * column named as the physical one. Other logical tables' tags are left out, so they are null in these rows.
 */
// The batch's series hint stays behind: its numbers do not include the logical table's id, which a DROP and CREATE changes.
export function toPhysicalBatch(logical: TableSchema, phy: TableSchema, batch: WriteBatch): WriteBatch {
  const columns: Column[] = [constColumn(TABLE_ID_COLUMN, String(logical.id), batch.rows)];
  for (const c of batch.columns) {
    if (c.name === TABLE_ID_COLUMN) throw new InvalidArgumentError(`column name ${TABLE_ID_COLUMN} is reserved by the metric engine`);
    columns.push(c.semantic === 'timestamp' && c.name !== phy.timeIndex ? { ...c, name: phy.timeIndex } : c);
  }
  return { table: phy.name, rows: batch.rows, columns };
}

/** A physical column's name as the logical table calls it (only the time index may differ). */
export function logicalName(logical: TableSchema, phy: TableSchema, physicalName: string): string {
  return physicalName === phy.timeIndex ? logical.timeIndex : physicalName;
}

/** A logical column's name in the physical table. */
export function physicalName(logical: TableSchema, phy: TableSchema, name: string): string {
  return name === logical.timeIndex ? phy.timeIndex : name;
}

/** What a scan of a logical table asks of the physical regions: its table id as a tag filter, its columns only. */
export function toPhysicalScan<S extends { columns?: string[]; tagFilter?: Record<string, (string | null)[]> }>(
  logical: TableSchema, phy: TableSchema, spec: S,
): S {
  const cols = spec.columns ?? logical.columns.map((c) => c.name);
  const tagFilter: Record<string, (string | null)[]> = {};
  for (const [k, v] of Object.entries(spec.tagFilter ?? {})) tagFilter[physicalName(logical, phy, k)] = v;
  tagFilter[TABLE_ID_COLUMN] = [String(logical.id)];
  return { ...spec, columns: cols.map((n) => physicalName(logical, phy, n)), tagFilter };
}

/** The physical table remote write creates on first use: GreptimeDB's columns, no tags of its own, one region. */
export function defaultPhysicalDraft(db: string, name: string, now: number): Omit<TableSchema, 'id'> {
  return {
    db, name, version: 1,
    columns: [
      { name: 'greptime_timestamp', type: 'timestamp', unit: 'ms', semantic: 'timestamp', nullable: false },
      { name: 'greptime_value', type: 'float64', semantic: 'field', nullable: true },
    ],
    timeIndex: 'greptime_timestamp', primaryKey: [],
    options: { extra: { [PHYSICAL_KEY]: '' } },
    regions: 1, createdAt: now,
  };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A logical table made by a write on a physical table: one string tag per tag of the batch (by name), the physical
 * time index, and the batch's fields, each of which the physical table must have (with its type). No region.
 */
export function logicalDraftFromBatch(db: string, batch: WriteBatch, phy: TableSchema, now: number): Omit<TableSchema, 'id'> {
  const tags: ColumnSchema[] = [], fields: ColumnSchema[] = [];
  for (const c of batch.columns) {
    if (c.semantic === 'timestamp') continue;
    if (c.name === TABLE_ID_COLUMN) throw new InvalidArgumentError(`column name ${TABLE_ID_COLUMN} is reserved by the metric engine`);
    if (c.semantic === 'tag') { tags.push({ name: c.name, type: 'string', semantic: 'tag', nullable: true }); continue; }
    const pf = phy.columns.find((p) => p.name === c.name && p.semantic === 'field');
    if (!pf) throw new InvalidArgumentError(`table ${batch.table} on physical table ${phy.name}: field '${c.name}' is not a field of the physical table`);
    fields.push({ ...pf });
  }
  const ts = phy.columns.find((c) => c.name === phy.timeIndex)!;
  const options: TableSchema['options'] = { extra: { [LOGICAL_KEY]: phy.name } };
  if (phy.options.ttlMs !== undefined) options.ttlMs = phy.options.ttlMs;
  if (phy.options.appendMode) options.appendMode = true;
  return {
    db, name: batch.table, version: 1,
    columns: [...tags.sort(byName), { ...ts }, ...fields],
    timeIndex: phy.timeIndex, primaryKey: tags.map((t) => t.name),
    options, regions: 0, createdAt: now,
  };
}

/**
 * One logical table's rows of a physical batch (a WAL record of a physical region, read by a flow), with its columns
 * as it names them; null when the batch has none of its rows.
 */
export function fromPhysicalBatch(logical: TableSchema, phy: TableSchema, batch: WriteBatch): WriteBatch | null {
  const idCol = batch.columns.find((c) => c.name === TABLE_ID_COLUMN);
  if (!idCol) return null;
  const want = String(logical.id);
  const idx = new Int32Array(batch.rows);
  let hits = 0;
  for (let i = 0; i < batch.rows; i++) {
    const v = idCol.valid && idCol.valid[i] === 0 ? null : idCol.dict ? idCol.dict[(idCol.values as Int32Array)[i]!] : (idCol.values as (string | null)[])[i];
    if (v === want) hits++;
    else idx[i] = 1;
  }
  if (hits === 0) return null;
  const mine = hits === batch.rows ? batch : splitBatch(batch, idx, 2)[0]!;
  const keep = new Set(logical.columns.map((c) => physicalName(logical, phy, c.name)));
  const columns = mine.columns.filter((c) => keep.has(c.name)).map((c) => (c.name === phy.timeIndex && c.name !== logical.timeIndex ? { ...c, name: logical.timeIndex } : c));
  return { table: logical.name, rows: mine.rows, columns };
}
