// information_schema rows that describe the catalog: tables, columns, key_column_usage, table_constraints, partitions, views.
import type { ColumnSchema, TableSchema } from '../../schema.ts';
import { printPartitionExpr } from '../../partition.ts';
import { regionIdOf, sqlTypeName } from '../../schema.ts';
import type { QueryContext } from '../context.ts';
import { sqlTypeText } from '../expr/names.ts';
import { engineOf } from './metric.ts';
import { viewDefinition, viewOf } from './view.ts';
import { INFORMATION_SCHEMA_SPEC, OTHER_TABLE_IDS, typeFacts, type SystemColumn } from './information_schema_spec.ts';

export type Row = unknown[];

/** Every user table once, with its database: the walk each catalog table makes. */
export async function eachTable(ctx: QueryContext, fn: (db: string, t: TableSchema) => void): Promise<void> {
  for (const d of [...(await ctx.listDatabases())].sort()) {
    for (const name of [...(await ctx.listTables(d))].sort()) {
      const t = await ctx.getTable(d, name);
      if (t) fn(d, t);
    }
  }
}

const NUMBERS_COLUMNS: SystemColumn[] = [{ name: 'number', type: 'UInt32', nullable: false }];

export async function tablesRows(ctx: QueryContext, systemTables: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const base = (db: string, name: string, type: string, id: number | null, engine: string | null, extra: Partial<Record<string, unknown>> = {}): Row => [
    'greptime', db, name, type, id, extra.data ?? 0, 0, extra.index ?? 0, 0, extra.avg ?? 0, engine, 11, 'Fixed', extra.rows ?? 0, 0, null,
    extra.created ?? null, null, null, 'utf8_bin', 0, extra.options ?? '', extra.comment ?? null, type === 'LOCAL TEMPORARY' ? 'Y' : 'N',
  ];
  for (const t of systemTables) rows.push(base('information_schema', t, 'LOCAL TEMPORARY', INFORMATION_SCHEMA_SPEC[t]?.id ?? OTHER_TABLE_IDS[t] ?? null, null));
  rows.push(base('public', 'numbers', 'LOCAL TEMPORARY', 2, 'test_engine'));
  await eachTable(ctx, (d, t) => {
    const view = viewOf(t) !== undefined;
    rows.push(base(d, t.name, view ? 'VIEW' : 'BASE TABLE', t.id, view ? null : engineOf(t), {
      created: BigInt(Math.round(t.createdAt)) * 1_000_000n, options: createOptions(t), comment: t.options.extra?.comment ?? null,
    }));
  });
  return rows;
}

function createOptions(t: TableSchema): string {
  const extra = { ...(t.options.extra ?? {}) };
  delete extra.comment;
  for (const k of Object.keys(extra)) if (k.startsWith('__')) delete extra[k];
  return Object.keys(extra).sort().map((k) => `${k}=${extra[k]}`).join(' ');
}

function typeOf(c: ColumnSchema): string {
  return sqlTypeName(c.type, c.unit, c.sqlType);
}

/** GreptimeDB's lower-case SQL spelling of a type (information_schema.columns data_type / column_type). */
export function sqlSpelling(t: string): string {
  return sqlTypeText(t).toLowerCase();
}

function columnRow(db: string, table: string, pos: number, name: string, type: string, semantic: string, key: string, nullable: boolean, dflt: string | null, comment: string | null = null): Row {
  const f = typeFacts(type);
  const sql = sqlSpelling(type);
  return ['greptime', db, table, name, pos, f.charLen, f.charLen, f.precision, f.scale, f.datetime, f.charset ? 'utf8' : null, f.charset ? 'utf8_bin' : null,
    key, '', 'select,insert', '', type, sql, semantic, dflt, nullable ? 'Yes' : 'No', sql, comment, null];
}

function defaultOf(c: ColumnSchema): string | null {
  if (c.defaultExpr !== undefined) return c.defaultExpr;
  if (c.defaultValue === undefined) return null;
  if (c.defaultValue === null) return 'NULL';
  return typeof c.defaultValue === 'string' ? `'${c.defaultValue}'` : String(c.defaultValue);
}

/** information_schema.columns; `system` lists the columns of each information_schema table. */
export async function columnsRows(ctx: QueryContext, system: [string, SystemColumn[]][]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [table, cols] of system) cols.forEach((c, i) => rows.push(columnRow('information_schema', table, i + 1, c.name, c.type, 'FIELD', '', c.nullable, null)));
  rows.push(columnRow('public', 'numbers', 1, 'number', NUMBERS_COLUMNS[0]!.type, 'TAG', 'PRI', false, null));
  await eachTable(ctx, (d, t) => {
    t.columns.forEach((c, i) => {
      if (c.name === '__table_id' || c.name === '__tsid') return;
      const semantic = c.semantic === 'tag' ? 'TAG' : c.semantic === 'timestamp' ? 'TIMESTAMP' : 'FIELD';
      const key = c.semantic === 'tag' ? 'PRI' : c.semantic === 'timestamp' ? 'TIME INDEX' : '';
      rows.push(columnRow(d, t.name, i + 1, c.name, typeOf(c), semantic, key, c.nullable, defaultOf(c), c.comment ?? null));
    });
  });
  return rows;
}

/** key_column_usage: the time index, and per key or indexed column its constraints joined (PRIMARY, INVERTED INDEX, ...). */
export async function keyColumnUsageRows(ctx: QueryContext): Promise<Row[]> {
  const rows: Row[] = [];
  const row = (d: string, t: string, name: string, column: string, pos: number, kind: string): Row =>
    ['def', d, name, 'def', 'greptime', d, t, column, pos, null, null, null, null, kind];
  rows.push(row('public', 'numbers', 'PRIMARY', 'number', 1, 'greptime-primary-key-v1'));
  await eachTable(ctx, (d, t) => {
    if (viewOf(t)) return;
    t.columns.forEach((c, i) => {
      if (c.semantic === 'timestamp') rows.push(row(d, t.name, 'TIME INDEX', c.name, 1, ''));
      const names: string[] = [], kinds: string[] = [];
      if (t.primaryKey.includes(c.name) || c.semantic === 'tag') { names.push('PRIMARY'); kinds.push('greptime-primary-key-v1'); }
      if (c.indexes?.inverted) { names.push('INVERTED INDEX'); kinds.push('greptime-inverted-index-v1'); }
      if (c.indexes?.fulltext) { names.push('FULLTEXT INDEX'); kinds.push(c.indexes.fulltext.backend === 'tantivy' ? 'greptime-fulltext-index-v1' : 'greptime-fulltext-index-bloom'); }
      if (c.indexes?.skipping) { names.push('SKIPPING INDEX'); kinds.push('greptime-bloom-filter-v1'); }
      if (names.length) rows.push(row(d, t.name, names.join(', '), c.name, i + 1, kinds.join(', ')));
    });
  });
  return rows;
}

/** table_constraints: each table's time index and, when it has one, its primary key. */
export async function tableConstraintsRows(ctx: QueryContext): Promise<Row[]> {
  // the system table public.numbers is keyed by its one column, as key_column_usage says
  const rows: Row[] = [['def', 'public', 'PRIMARY', 'public', 'numbers', 'PRIMARY KEY', 'YES']];
  await eachTable(ctx, (d, t) => {
    if (viewOf(t)) return;
    rows.push(['def', d, 'TIME INDEX', d, t.name, 'TIME INDEX', 'YES']);
    if (t.columns.some((c) => c.semantic === 'tag')) rows.push(['def', d, 'PRIMARY', d, t.name, 'PRIMARY KEY', 'YES']);
  });
  return rows;
}

/**
 * partitions: one row per region (p0, p1, ...), method RANGE; as GreptimeDB fills them, partition_expression is the
 * PARTITION ON COLUMNS list and partition_description the region's rule (`host < 'm'`).
 */
export async function partitionsRows(ctx: QueryContext): Promise<Row[]> {
  const rows: Row[] = [];
  await eachTable(ctx, (d, t) => {
    if (viewOf(t)) return;
    for (let n = 0; n < t.regions; n++) {
      const expr = t.partition?.exprs[n];
      const columns = t.partition?.columns.length ? t.partition.columns.join(', ') : null;
      rows.push(['greptime', d, t.name, `p${n}`, null, n + 1, null, 'RANGE', null, columns, null, expr ? printPartitionExpr(expr) : null,
        null, null, null, null, null, null, BigInt(Math.round(t.createdAt)) * 1_000_000n, null, null, null, null, null, null, regionIdOf(t.id, n)]);
    }
  });
  return rows;
}

export async function viewsRows(ctx: QueryContext): Promise<Row[]> {
  const rows: Row[] = [];
  await eachTable(ctx, (d, t) => {
    // the statement as SHOW CREATE VIEW prints it
    if (viewOf(t) !== undefined) rows.push(['greptime', d, t.name, viewDefinition(t), null, null, null, null, null, null]);
  });
  return rows;
}
