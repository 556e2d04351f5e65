// Which indexes a table schema asks for: declared INVERTED / SKIPPING / FULLTEXT / SPATIAL indexes, and the default inverted
// index on the primary key. A kind that is not registered (not built in this build) is left out.
import { IndexOptionError } from '../errors.ts';
import type { ColumnSchema, TableSchema } from '../schema.ts';
import { indexKind } from './kind.ts';

/** One index a schema asks for: built per segment under `key`; a built entry with another key is stale. */
export interface IndexSpec {
  kind: string;
  columns: string[];
  /** Options as declared (lower-cased keys), checked by the kind. */
  options: Record<string, string>;
  key: string;
}

function keyOf(kind: string, columns: string[], options: Record<string, string>): string {
  const o = Object.keys(options).sort().map((k) => `${k}=${options[k]}`).join(',');
  const format = indexKind(kind)?.format;
  return `${kind}(${columns.join(',')})${o ? `{${o}}` : ''}${format !== undefined ? `@${format}` : ''}`;
}

export function indexSpec(kind: string, columns: string[], options: Record<string, string>): IndexSpec {
  return { kind, columns, options, key: keyOf(kind, columns, options) };
}

/** Options of a declared index that its kind reads (the SHOW CREATE TABLE record keeps others, e.g. type = 'BLOOM'). */
function declared(c: ColumnSchema): { kind: string; options: Record<string, string> }[] {
  const out: { kind: string; options: Record<string, string> }[] = [];
  const ix = c.indexes;
  if (!ix) return out;
  if (ix.inverted) out.push({ kind: 'inverted', options: {} });
  if (ix.skipping) out.push({ kind: 'skipping', options: { granularity: ix.skipping.granularity ?? '10240', false_positive_rate: ix.skipping.false_positive_rate ?? '0.01' } });
  if (ix.fulltext) out.push({ kind: 'fulltext', options: { ...ix.fulltext } });
  return out;
}

/**
 * The indexes of a table, as GreptimeDB picks them: every column's declared indexes; and when no column declares
 * an INVERTED INDEX, an inverted index on each string primary-key column (GreptimeDB's default). Kinds not
 * registered and columns of a type the kind cannot index (for the default only) are skipped.
 */
export function wantedIndexes(schema: TableSchema): IndexSpec[] {
  const out: IndexSpec[] = [];
  const anyInverted = schema.columns.some((c) => c.indexes?.inverted);
  if (!anyInverted) {
    for (const k of schema.primaryKey) {
      const c = schema.columns.find((x) => x.name === k);
      if (c && c.type === 'string') out.push(indexSpec('inverted', [k], {}));
    }
  }
  for (const c of schema.columns) {
    for (const d of declared(c)) {
      const kind = indexKind(d.kind);
      if (!kind || !kind.supports(c.type)) continue;
      out.push(indexSpec(d.kind, [c.name], d.options));
    }
  }
  // table-level SPATIAL INDEX (lat, lng): one index over the pair
  for (const s of schema.spatialIndexes ?? []) {
    const kind = indexKind('spatial');
    const types = [s.lat, s.lng].map((n) => schema.columns.find((x) => x.name === n)?.type);
    if (!kind || types.some((t) => !t || !kind.supports(t))) continue;
    out.push(indexSpec('spatial', [s.lat, s.lng], s.nodeSize !== undefined ? { node_size: String(s.nodeSize) } : {}));
  }
  return out;
}

const DECLARED_ON_ANY_TYPE = new Set(['inverted', 'skipping']);

/** Checks a declared index against its kind (column type, options); the DDL calls it before changing the schema. */
export function checkIndex(kindName: string, column: ColumnSchema, options: Record<string, string>): void {
  const kind = indexKind(kindName);
  if (!kind) return; // a kind this build does not implement is kept in the schema and not built
  // GreptimeDB takes an INVERTED or SKIPPING INDEX on any column type; EddyDB builds them on string columns and keeps
  // them declared on others (row-group min/max statistics prune those), so the same DDL works. FULLTEXT and SPATIAL
  // refuse a wrong type, as GreptimeDB does.
  if (!kind.supports(column.type) && !DECLARED_ON_ANY_TYPE.has(kindName)) {
    throw new IndexOptionError(`${kindName.toUpperCase()} INDEX is not supported on column ${column.name} of type ${column.type}: it indexes string columns`);
  }
  kind.options(options, column.name);
}
