// SHOW DATABASES / TABLES / CREATE TABLE / COLUMNS and DESCRIBE, in GreptimeDB's result shapes.
import { databaseOptionLines, databaseOptions, databaseOptionsCell, ttlText } from './database_options.ts';
import { EddyError, StatusCode } from '../../errors.ts';
import { regionIdOf, sqlTypeName } from '../../schema.ts';
import type { ColumnSchema, TableSchema } from '../../schema.ts';
import { formatString, type Describe, type Show } from '../../sql/index.ts';
import type { QueryContext } from '../context.ts';
import type { Env } from '../expr/eval.ts';
import { evalExpr, toBool } from '../expr/eval.ts';
import { relNamer, sqlTypeText } from '../expr/names.ts';
import type { Rel } from '../plan/rel.ts';
import { stringRel, takeRel } from '../plan/rel.ts';
import { tableName } from './ddl.ts';
import { formatTimestamp, parseTimestampNs } from '../expr/time.ts';
import { INFORMATION_SCHEMA_TABLES, allDatabases, systemColumns } from './information_schema.ts';
import { showStatus, showTableStatus, showVariables } from './show_status.ts';
import { showProcessList } from './process.ts';
import type { SystemColumn } from './information_schema_spec.ts';
import { engineOf, isPhysical, physicalColumns, physicalIndexSchema, physicalOf, RETIRED_TAGS_KEY } from './metric.ts';
import { viewDefinition, viewOf } from './view.ts';
import { printPartitionExpr } from '../../partition.ts';
import { postgresForeignTable } from './show_foreign_table.ts';
import { compressionClause, indexClauses, indexRows } from './indexes.ts';
import { spatialIndexLines } from './spatial_ddl.ts';

function likeFilter(rel: Rel, like: string | undefined): Rel {
  if (like === undefined) return rel;
  const re = new RegExp('^' + like.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.') + '$', 's');
  const keep: number[] = [];
  for (let i = 0; i < rel.len; i++) if (re.test(String(rel.cols[0]!.v[i]))) keep.push(i);
  return takeRel(rel, keep);
}

function whereFilter(rel: Rel, s: Show, env: Env): Rel {
  if (!s.where) return rel;
  const m = toBool(evalExpr(s.where, { rel, env, namer: relNamer(rel) }));
  const keep: number[] = [];
  for (let i = 0; i < rel.len; i++) if (m.v[i] && (!m.valid || m.valid[i])) keep.push(i);
  return takeRel(rel, keep);
}

export function defaultText(c: ColumnSchema): string {
  if (c.defaultExpr !== undefined) return c.defaultExpr;
  if (c.defaultValue === undefined || c.defaultValue === null) return '';
  if (typeof c.defaultValue === 'number' && (c.type === 'float64') && Number.isInteger(c.defaultValue)) return c.defaultValue.toFixed(1);
  return String(c.defaultValue);
}

export function typeName(c: ColumnSchema): string {
  return sqlTypeName(c.type, c.unit, c.sqlType);
}

async function needTable(ctx: QueryContext, db: string, table: string): Promise<TableSchema> {
  const t = await ctx.getTable(db, table);
  if (!t) throw new EddyError(StatusCode.TableNotFound, `Table not found: ${table}`);
  return t;
}

/** An information_schema table as a TableSchema of FIELD columns, for DESC and SHOW COLUMNS. */
async function systemTable(ctx: QueryContext, db: string, table: string): Promise<TableSchema | null> {
  if (db.toLowerCase() !== 'information_schema') return null;
  const cols = await systemColumns(table.toLowerCase(), ctx);
  if (!cols) return null;
  const columns: ColumnSchema[] = cols.map((c: SystemColumn) => ({ name: c.name, type: 'string', sqlType: c.type, semantic: 'field', nullable: c.nullable }));
  return { db, name: table.toLowerCase(), id: 0, version: 0, columns, timeIndex: '', primaryKey: [], options: {}, regions: 0, createdAt: 0 };
}

export async function describeTable(s: Describe, ctx: QueryContext): Promise<Rel> {
  const { db, table } = tableName(s.table, ctx);
  const t = (await systemTable(ctx, db, table)) ?? (await needTable(ctx, db, table));
  const columns = isPhysical(t) ? await physicalColumns(t, ctx) : t.columns;
  return stringRel(['Column', 'Type', 'Key', 'Null', 'Default', 'Semantic Type'], columns.map((c) => [
    c.name, typeName(c), c.semantic === 'field' ? '' : 'PRI', c.nullable ? 'YES' : 'NO', defaultText(c), c.semantic.toUpperCase(),
  ]));
}


const SIZE_UNITS: [string, number][] = [['PiB', 2 ** 50], ['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];

/**
 * A size option ('128MiB', '1KB', '4096') as GreptimeDB's ReadableSize prints it: in the largest binary unit it
 * reaches, one decimal ('128.0MiB', '1.0KiB'), or bytes ('512B'). K, KB and KiB are all 1024. Text it cannot read
 * stays as written.
 */
export function readableSize(text: string): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?\s*$/i.exec(text);
  if (!m || (m[3] === undefined && m[2] === '' && !/^\s*\d+\s*$/.test(text))) return text;
  const scale = m[2] ? 2 ** (10 * ('kmgtp'.indexOf(m[2].toLowerCase()) + 1)) : 1;
  const bytes = Math.floor(Number(m[1]) * scale);
  const unit = SIZE_UNITS.find(([, size]) => bytes >= size);
  return unit ? `${(bytes / unit[1]).toFixed(1)}${unit[0]}` : `${bytes}B`;
}

/** `dbTtl`: the database's ttl option, which a table without its own shows as GreptimeDB does. */
function optionLines(t: TableSchema, dbTtl?: string): string[] {
  const extra = { ...(t.options.extra ?? {}) };
  delete extra[RETIRED_TAGS_KEY];
  if (t.options.appendMode) extra.append_mode = 'true';
  if (extra.ttl === undefined && dbTtl !== undefined && physicalOf(t) === undefined) extra.ttl = dbTtl;
  if (extra.ttl !== undefined) extra.ttl = ttlText(extra.ttl);
  if (extra.write_buffer_size !== undefined) extra.write_buffer_size = readableSize(extra.write_buffer_size);
  if (Object.keys(extra).some((k) => k.startsWith('compaction.twcs.')) && extra['compaction.type'] === undefined) extra['compaction.type'] = 'twcs';
  // dotted keys are quoted, as GreptimeDB prints them
  return Object.keys(extra).sort().map((k) => `  ${k.includes('.') ? `'${k}'` : k} = ${formatString(extra[k]!)}`);
}

function defaultSql(c: ColumnSchema): string {
  if (c.defaultExpr !== undefined) return ` DEFAULT ${c.defaultExpr}`;
  if (c.defaultValue === undefined) return '';
  if (c.defaultValue === null) return ' DEFAULT NULL';
  if (typeof c.defaultValue === 'string') {
    if (c.type === 'timestamp' && c.sqlType !== 'Date') {
      const ns = parseTimestampNs(c.defaultValue);
      if (ns !== null) return ` DEFAULT '${formatTimestamp(ns).replace('T', ' ').replace(/\.0+$/, '')}+0000'`;
    }
    return ` DEFAULT '${c.defaultValue}'`;
  }
  return ` DEFAULT ${String(c.defaultValue)}`;
}

/** `PARTITION ON COLUMNS ("c") (\n  rule,\n  ...\n)` of a partitioned table, '' for one region. */
function partitionText(t: TableSchema): string {
  const p = t.partition;
  if (!p || p.exprs.length === 0) return '';
  return `PARTITION ON COLUMNS (${p.columns.map((c) => `"${c}"`).join(', ')}) (\n${p.exprs.map((e) => `  ${printPartitionExpr(e)}`).join(',\n')}\n)`;
}

export function showCreateTable(t: TableSchema, columns: ColumnSchema[] = t.columns, dbTtl?: string): string {
  const lines: string[] = [];
  for (const c of columns) {
    if (c.name === '__table_id' || c.name === '__tsid') continue;
    lines.push(`  "${c.name}" ${sqlTypeText(typeName(c))} ${c.nullable ? 'NULL' : 'NOT NULL'}${defaultSql(c)}${c.comment !== undefined ? ` COMMENT ${formatString(c.comment)}` : ''}${indexClauses(c)}${compressionClause(c)}`);
  }
  lines.push(`  TIME INDEX ("${t.timeIndex}")`);
  const pk = columns.filter((c) => c.semantic === 'tag' && !c.name.startsWith('__')).map((c) => c.name);
  const keys = [...t.primaryKey, ...pk.filter((k) => !t.primaryKey.includes(k))];
  if (keys.length) lines.push(`  PRIMARY KEY (${keys.map((k) => `"${k}"`).join(', ')})`);
  lines.push(...spatialIndexLines(t));
  // the PARTITION ON COLUMNS clause takes the blank line between the column list and ENGINE
  let s = `CREATE TABLE IF NOT EXISTS "${t.name}" (\n${lines.join(',\n')}\n)\n${partitionText(t)}\nENGINE=${engineOf(t)}\n`;
  const opts = optionLines(t, dbTtl);
  if (opts.length) s += `WITH(\n${opts.join(',\n')}\n)`;
  return s.trimEnd();
}

export async function runShow(s: Show, env: Env): Promise<Rel> {
  const ctx = env.qctx;
  const db = s.database ? s.database.map((p) => p.value).join('.') : ctx.db;
  switch (s.kind) {
    case 'DATABASES': {
      const dbs = await allDatabases(ctx);
      const cells = s.full ? await Promise.all(dbs.map(async (d) => databaseOptionsCell(await databaseOptions(ctx, d)))) : [];
      const rel = s.full ? stringRel(['Database', 'Options'], dbs.map((d, i) => [d, cells[i]!])) : stringRel(['Database'], dbs.map((d) => [d]));
      return whereFilter(likeFilter(rel, s.like), s, env);
    }
    case 'TABLES': {
      const system = db.toLowerCase() === 'information_schema';
      const names = system ? [...INFORMATION_SCHEMA_TABLES] : await listTablesChecked(ctx, db);
      const types = new Map<string, string>();
      for (const n of names) types.set(n, system ? 'LOCAL TEMPORARY' : viewOfTable(await ctx.getTable(db, n)) ? 'VIEW' : 'BASE TABLE');
      // public also holds the system table numbers (FROM public.numbers), as in GreptimeDB
      if (db === 'public' && !types.has('numbers')) { names.push('numbers'); types.set('numbers', 'LOCAL TEMPORARY'); }
      names.sort();
      const col = `Tables_in_${db}`;
      // WHERE may name the table column `Tables` (GreptimeDB's own name for it) or Tables_in_<db>
      const all = stringRel(['Tables', 'Table_type', col], names.map((n) => [n, types.get(n)!, n]));
      const kept = whereFilter(likeFilter(all, s.like), s, env);
      const rows = Array.from({ length: kept.len }, (_, i) => String(kept.cols[0]!.v[i]));
      return s.full ? stringRel([col, 'Table_type'], rows.map((n) => [n, types.get(n)!])) : stringRel([col], rows.map((n) => [n]));
    }
    case 'VIEWS': {
      const names: string[] = [];
      for (const n of await listTablesChecked(ctx, db)) if (viewOfTable(await ctx.getTable(db, n))) names.push(n);
      names.sort();
      return whereFilter(likeFilter(stringRel(['Views'], names.map((n) => [n])), s.like), s, env);
    }
    case 'CREATE TABLE': {
      const { db: d, table } = tableName(s.target!, ctx);
      if (d.toLowerCase() === 'information_schema' || (table === 'numbers' && !(await ctx.getTable(d, table)))) {
        throw new EddyError(StatusCode.Unsupported, `Show create table only for base table. greptime.${d.toLowerCase() === 'information_schema' ? 'information_schema' : 'public'}.${table} is TEMPORARY`);
      }
      const t = await needTable(ctx, d, table);
      // a physical metric table shows its logical tables' tags (with the skipping index 'index.type' gives them)
      const columns = isPhysical(t) ? (await physicalIndexSchema(t, ctx)).columns : t.columns;
      if (s.variant !== undefined) {
        if (s.variant !== 'POSTGRES_FOREIGN_TABLE') throw new EddyError(StatusCode.Unsupported, `Unsupported SHOW CREATE TABLE variant: ${s.variant}, expected POSTGRES_FOREIGN_TABLE`);
        return stringRel(['Table', 'Create Table'], [[t.name, postgresForeignTable(t, columns, typeName)]]);
      }
      const dbTtl = (await databaseOptions(ctx, t.db)).ttl;
      return stringRel(['Table', 'Create Table'], [[t.name, showCreateTable(t, columns, dbTtl)]]);
    }
    case 'CREATE VIEW': {
      const { db: d, table } = tableName(s.target!, ctx);
      const t = await ctx.getTable(d, table);
      if (!t || !viewOf(t)) throw new EddyError(StatusCode.TableNotFound, `View not found: ${table}`);
      return stringRel(['View', 'Create View'], [[t.name, viewDefinition(t)]]);
    }
    case 'CREATE DATABASE': {
      const name = s.target!.map((p) => p.value).join('.');
      if (!(await allDatabases(ctx)).includes(name)) throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${name}`);
      const opts = databaseOptionLines(await databaseOptions(ctx, name));
      return stringRel(['Database', 'Create Database'], [[name, `CREATE DATABASE IF NOT EXISTS ${name}${opts.length ? `\nWITH(\n${opts.join(',\n')}\n)` : ''}`]]);
    }
    case 'COLUMNS': {
      const { db: d, table } = tableName(s.target!, ctx);
      const t = (await systemTable(ctx, s.database ? db : d, table)) ?? (await needTable(ctx, s.database ? db : d, table));
      const cols = [...t.columns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const key = (c: ColumnSchema) => (c.semantic === 'tag' ? 'PRI' : c.semantic === 'timestamp' ? 'TIME INDEX' : '');
      const sqlType = (c: ColumnSchema) => sqlTypeText(typeName(c)).toLowerCase();
      const rel = s.full
        ? stringRel(['Field', 'Type', 'Collation', 'Null', 'Key', 'Default', 'Comment', 'Privileges', 'Extra', 'Greptime_type'],
          cols.map((c) => [c.name, sqlType(c), c.type === 'string' ? 'utf8_bin' : '', c.nullable ? 'YES' : 'NO', key(c), defaultText(c), c.comment ?? '', 'select,insert', '', typeName(c)]))
        : stringRel(['Field', 'Type', 'Null', 'Key', 'Default', 'Extra', 'Greptime_type'],
          cols.map((c) => [c.name, sqlType(c), c.nullable ? 'YES' : 'NO', key(c), defaultText(c), '', typeName(c)]));
      return whereFilter(likeFilter(rel, s.like), s, env);
    }
    case 'INDEX': {
      if (!s.target) throw new EddyError(StatusCode.InvalidSyntax, "Unexpected token while parsing SQL statement, expected: '{FROM | IN} table', found: ;");
      if (s.like !== undefined) throw new EddyError(StatusCode.Unsupported, 'SQL statement is not supported, keyword: like');
      const { db: d, table } = tableName(s.target, ctx);
      const own = await needTable(ctx, s.database ? db : d, table);
      const t = isPhysical(own) ? await physicalIndexSchema(own, ctx) : own;
      const names = ['Table', 'Non_unique', 'Key_name', 'Seq_in_index', 'Column_name', 'Collation', 'Cardinality', 'Sub_part', 'Packed', 'Null', 'Index_type', 'Comment', 'Index_comment', 'Visible', 'Expression'];
      const types = names.map((n) => (n === 'Non_unique' || n === 'Seq_in_index' ? 'Int64' : 'String'));
      const rows = indexRows(t).map((r) => [t.name, r.nonUnique, r.key, r.seq, r.column, 'A', null, null, null, r.type === 'TIME' ? '' : r.nullable ? 'YES' : '', r.type, '', r.comment ?? '', 'YES', null]);
      return whereFilter(stringRel(names, rows, types), s, env);
    }
    case 'CHARSET': {
      const rel = stringRel(['Charset', 'Description', 'Default collation', 'Maxlen'], [['utf8', 'UTF-8 Unicode', 'utf8_bin', 4]], ['String', 'String', 'String', 'Int64']);
      return whereFilter(likeFilter(rel, s.like), s, env);
    }
    case 'COLLATION': {
      const rel = stringRel(['Collation', 'Charset', 'Id', 'Default', 'Compiled', 'Sortlen'], [['utf8_bin', 'utf8', 1, 'Yes', 'Yes', 1]], ['String', 'String', 'Int64', 'String', 'String', 'Int64']);
      return whereFilter(likeFilter(rel, s.like), s, env);
    }
    case 'REGION': {
      const { db: d, table } = tableName(s.target!, ctx);
      const t = await needTable(ctx, s.database ? db : d, table);
      const peers = ctx.regionPeers ? await ctx.regionPeers() : null;
      const rows = Array.from({ length: t.regions }, (_, n) => {
        const id = regionIdOf(t.id, n);
        const p = peers?.get(id);
        return [t.name, id, p?.peerId ?? 0, p && !p.isLeader ? 'No' : 'Yes'];
      });
      return whereFilter(stringRel(['Table', 'Region', 'Peer', 'Leader'], rows, ['String', 'UInt64', 'UInt64', 'String']), s, env);
    }
    case 'VARIABLES': return whereFilter(likeFilter(showVariables(s, ctx), s.like), s, env);
    case 'STATUS': return whereFilter(likeFilter(showStatus(), s.like), s, env);
    case 'TABLE STATUS': return whereFilter(likeFilter(await showTableStatus(ctx, db), s.like), s, env);
    case 'PROCESSLIST': return showProcessList(ctx, s.full);
    default:
      return stringRel([], []);
  }
}

function viewOfTable(t: TableSchema | null): boolean {
  return t !== null && viewOf(t) !== undefined;
}

async function listTablesChecked(ctx: QueryContext, db: string): Promise<string[]> {
  const dbs = await ctx.listDatabases();
  if (!dbs.includes(db)) throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${db}`);
  return [...(await ctx.listTables(db))];
}
