// Column indexes (INVERTED / FULLTEXT / SKIPPING INDEX): option checks as GreptimeDB does them, and the rows of
// SHOW INDEX and information_schema.statistics.
import { EddyError, StatusCode } from '../../errors.ts';
import type { ColumnIndexes, ColumnSchema, TableSchema } from '../../schema.ts';
import type { SqlOptions } from '../../sql/index.ts';
import { checkIndex } from '../../index/index.ts';

type Kind = 'INVERTED' | 'SKIPPING' | 'FULLTEXT';

const bad = (msg: string) => new EddyError(StatusCode.InvalidArguments, msg);

function checkRate(v: string, what: string): void {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0 || x > 1) throw bad(`Invalid ${what} option: Invalid false positive rate: ${v}, expected: 0.0 < rate <= 1.0`);
}

function checkGranularity(v: string, what: string): void {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw bad(`Invalid ${what} option: Invalid granularity: ${v}, expected: positive integer`);
}

function normalize(opts: SqlOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts)) out[k.toLowerCase()] = v;
  return out;
}

/** Validates index options for a column and returns the column with the index set. */
export function setIndex(col: ColumnSchema, kind: Kind, options: SqlOptions): ColumnSchema {
  const o = normalize(options);
  const idx: ColumnIndexes = { ...col.indexes };
  const colErr = (m: string) => bad(`Invalid column option, column name: ${col.name}, error: ${m}`);
  for (const v of Object.values(o)) if (/^-\d/.test(v)) throw bad(`Invalid expr as option value, error: ${v} not accepted`);
  if (kind === 'INVERTED') idx.inverted = true;
  else if (kind === 'FULLTEXT') {
    if (col.type !== 'string') throw colErr('FULLTEXT index only supports string type');
    for (const k of Object.keys(o)) if (!['analyzer', 'case_sensitive', 'backend', 'granularity', 'false_positive_rate'].includes(k)) throw colErr(`invalid FULLTEXT INDEX option: ${k}`);
    if (o.analyzer !== undefined && !['english', 'chinese'].includes(o.analyzer.toLowerCase())) throw bad(`Invalid fulltext option: ${o.analyzer}, expected: 'English' | 'Chinese'`);
    if (o.case_sensitive !== undefined && !['true', 'false'].includes(o.case_sensitive.toLowerCase())) throw bad(`Invalid fulltext option: ${o.case_sensitive}, expected: 'true' | 'false'`);
    if (o.backend !== undefined && !['bloom', 'tantivy'].includes(o.backend.toLowerCase())) throw bad(`Invalid fulltext option: ${o.backend}, expected: 'bloom' | 'tantivy'`);
    if (o.granularity !== undefined) checkGranularity(o.granularity, 'fulltext');
    if (o.false_positive_rate !== undefined) checkRate(o.false_positive_rate, 'fulltext');
    const backend = (o.backend ?? 'bloom').toLowerCase();
    // granularity and false_positive_rate size the bloom backend's filters: a tantivy index has them only if written
    const bloom = backend === 'bloom' ? { granularity: o.granularity ?? '10240', false_positive_rate: o.false_positive_rate ?? '0.01' } : {
      ...(o.granularity !== undefined ? { granularity: o.granularity } : {}),
      ...(o.false_positive_rate !== undefined ? { false_positive_rate: o.false_positive_rate } : {}),
    };
    const next = {
      analyzer: o.analyzer ? (o.analyzer.toLowerCase() === 'chinese' ? 'Chinese' : 'English') : 'English',
      case_sensitive: (o.case_sensitive ?? 'false').toLowerCase(),
      backend,
      ...bloom,
    };
    const prev = col.indexes?.fulltext;
    if (prev && (prev.analyzer !== next.analyzer || prev.case_sensitive !== next.case_sensitive)) {
      throw colErr(`Cannot change analyzer or case_sensitive if FULLTEXT index is set before. Previous analyzer: ${prev.analyzer}, previous case_sensitive: ${prev.case_sensitive}`);
    }
    idx.fulltext = next;
  } else {
    for (const k of Object.keys(o)) if (!['granularity', 'type', 'false_positive_rate'].includes(k)) throw colErr(`invalid SKIPPING INDEX option: ${k}`);
    if (o.granularity !== undefined) checkGranularity(o.granularity, 'skipping index');
    if (o.false_positive_rate !== undefined) checkRate(o.false_positive_rate, 'skipping index');
    if (o.type !== undefined && o.type.toUpperCase() !== 'BLOOM') throw bad(`Invalid skipping index option: Invalid type: ${o.type}, expected: 'BLOOM'`);
    idx.skipping = { granularity: o.granularity ?? '10240', type: 'BLOOM', false_positive_rate: o.false_positive_rate ?? '0.01' };
  }
  // the kind's own checks (column type, option ranges), after GreptimeDB's messages above
  checkIndex(kind.toLowerCase(), col, o);
  return { ...col, indexes: idx };
}

export function unsetIndex(col: ColumnSchema, kind: Kind): ColumnSchema {
  const idx: ColumnIndexes = { ...col.indexes };
  if (kind === 'INVERTED') delete idx.inverted;
  else if (kind === 'FULLTEXT') delete idx.fulltext;
  else delete idx.skipping;
  if (idx.auto) {
    idx.auto = idx.auto.filter((k) => k.toUpperCase() !== kind);
    if (idx.auto.length === 0) delete idx.auto;
  }
  const { indexes: _drop, ...rest } = col;
  return idx.inverted || idx.fulltext || idx.skipping ? { ...rest, indexes: idx } : rest;
}

/**
 * A column's COMPRESSION WITH options, checked as GreptimeDB checks them: type 'zstd' (the default), level an integer
 * in 1..=22, page_size a positive size ('8MiB', '64KiB'); any other key is an error.
 */
export function compressionOptions(column: string, type: string, o: Record<string, string>): Record<string, string> {
  const bad = (m: string) => new EddyError(StatusCode.InvalidArguments, `Invalid compression option: ${m}`);
  if (type === 'Json') throw bad(`compression options are not supported on column ${column} of type Json`);
  const out: Record<string, string> = {};
  for (const [k0, v] of Object.entries(o)) {
    const k = k0.toLowerCase();
    if (k === 'type') { if (v.toLowerCase() !== 'zstd') throw bad(`invalid type: ${v}, expected: 'zstd'`); out.type = 'zstd'; }
    else if (k === 'level') { if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 22) throw bad(`invalid level: ${v}, expected: an integer in 1..=22`); out.level = String(Number(v)); }
    else if (k === 'page_size') { if (!/^\s*[1-9]\d*\s*(b|kib|kb|mib|mb|gib|gb)?\s*$/i.test(v)) throw bad(`invalid page_size: ${v}, expected: a positive size such as '8MiB'`); out.page_size = v; }
    else throw new EddyError(StatusCode.InvalidArguments, `Invalid column option, column name: ${column}, error: invalid COMPRESSION option: ${k0}`);
  }
  out.type ??= 'zstd';
  return out;
}

const withText = (o: Record<string, string>) => `WITH(${Object.keys(o).sort().map((k) => `${k} = '${o[k]}'`).join(', ')})`;

/** The index clauses of a column in SHOW CREATE TABLE. */
export function indexClauses(c: ColumnSchema): string {
  const ix = c.indexes;
  if (!ix) return '';
  let s = '';
  if (ix.fulltext) s += ` FULLTEXT INDEX ${withText(ix.fulltext)}`;
  if (ix.skipping) s += ` SKIPPING INDEX ${withText(ix.skipping)}`;
  if (ix.inverted) s += ' INVERTED INDEX';
  return s;
}

/** The COMPRESSION clause of a column in SHOW CREATE TABLE ('' without one). */
export function compressionClause(c: ColumnSchema): string {
  return c.compression ? ` COMPRESSION ${withText(c.compression)}` : '';
}

export interface IndexRow { key: string; seq: number; column: string; nonUnique: number; nullable: boolean; type: string; greptimeType: string; /** 'automatic (smart index)' for an index the smart index created. */ comment?: string }

/** One row per index and column, ordered by index name then position, as SHOW INDEX lists them. */
export function indexRows(t: TableSchema): IndexRow[] {
  const rows: IndexRow[] = [];
  t.primaryKey.forEach((k, i) => {
    const c = t.columns.find((x) => x.name === k);
    rows.push({ key: 'PRIMARY', seq: i + 1, column: k, nonUnique: 0, nullable: c?.nullable ?? true, type: 'PRIMARY', greptimeType: 'dense' });
  });
  rows.push({ key: 'TIME INDEX', seq: 1, column: t.timeIndex, nonUnique: 1, nullable: false, type: 'TIME', greptimeType: '' });
  for (const c of t.columns) {
    const ix = c.indexes;
    if (!ix) continue;
    if (ix.inverted) rows.push({ key: `INVERTED_INDEX_${c.name}`, seq: 1, column: c.name, nonUnique: 1, nullable: c.nullable, type: 'INVERTED', greptimeType: 'inverted' });
    const auto = (k: 'skipping' | 'fulltext') => (ix.auto?.includes(k) ? 'automatic (smart index)' : '');
    if (ix.fulltext) rows.push({ key: `FULLTEXT_INDEX_${c.name}`, seq: 1, column: c.name, nonUnique: 1, nullable: c.nullable, type: 'FULLTEXT', greptimeType: `fulltext_${ix.fulltext.backend ?? 'bloom'}`, comment: auto('fulltext') });
    if (ix.skipping) rows.push({ key: `SKIPPING_INDEX_${c.name}`, seq: 1, column: c.name, nonUnique: 1, nullable: c.nullable, type: 'SKIPPING', greptimeType: 'bloom_filter', comment: auto('skipping') });
  }
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
}
