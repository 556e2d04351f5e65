// COPY TO / FROM: a table's rows (or a query's) written to a file on the node, and a file's rows inserted into a
// table, as GreptimeDB's COPY does. Formats csv and json (copy_format.ts); GreptimeDB's default, parquet, is refused
// by name. TO takes START_TIME / END_TIME (a table's time range, start inclusive); FROM inserts through INSERT.
import { EddyError, StatusCode } from '../../errors.ts';
import type { Copy, Expr, Insert, ObjectName } from '../../sql/index.ts';
import { parseSql } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { QState } from '../plan/select.ts';
import { runQuery } from '../plan/select.ts';
import { tableName } from './ddl.ts';
import { runInsert } from './insert.ts';
import { readRows, writeRows, type CopyFormat, type FileValue } from './copy_format.ts';

const KNOWN: Record<Copy['direction'], string[]> = { TO: ['format', 'start_time', 'end_time', 'timestamp_format'], FROM: ['format', 'pattern'] };
/** Rows per INSERT when a file is read in. */
const CHUNK = 4096;

function formatOf(s: Copy): CopyFormat {
  for (const k of Object.keys(s.options)) {
    if (!KNOWN[s.direction].includes(k)) throw new PlanError(`COPY ${s.direction}: unknown option '${k}' (options: ${KNOWN[s.direction].join(', ')})`, s.pos, StatusCode.InvalidArguments);
  }
  const f = (s.options.format ?? 'parquet').toLowerCase();
  if (f === 'csv' || f === 'json') return f;
  if (f === 'parquet' || f === 'orc') throw new PlanError(`COPY format '${f}' is not supported yet: use WITH (format = 'csv') or 'json'`, s.pos, StatusCode.Unsupported);
  throw new PlanError(`COPY: unknown format '${s.options.format}' (formats: csv, json)`, s.pos, StatusCode.InvalidArguments);
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Runs COPY; the number of rows written to or read from the file. */
export async function runCopy(s: Copy, st: QState): Promise<number> {
  const ctx = st.env.qctx;
  const format = formatOf(s);
  if (!ctx.files) throw new PlanError('COPY needs access to the node\'s files, which this session does not have (none with authentication on)', s.pos, StatusCode.Unsupported);
  if (Object.keys(s.connection).length) throw new PlanError('COPY CONNECTION (object stores) is not supported: give a path on the node', s.pos, StatusCode.Unsupported);
  if (s.direction === 'TO') {
    const query = s.query ?? await tableQuery(s, s.table!, st);
    const rel = await runQuery(query, st);
    await ctx.files.write(s.path, new TextEncoder().encode(writeRows(rel, format)));
    return rel.len;
  }
  const { db, table } = tableName(s.table!, ctx);
  const schema = await ctx.getTable(db, table);
  if (!schema) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`);
  let bytes: Uint8Array;
  try { bytes = await ctx.files.read(s.path); } catch (e) {
    throw new EddyError(StatusCode.InvalidArguments, `COPY FROM: cannot read '${s.path}': ${(e as Error).message}`);
  }
  const { columns, rows } = readRows(new TextDecoder().decode(bytes), format, s.path);
  const unknown = columns.filter((c) => !schema.columns.some((x) => x.name === c));
  if (unknown.length) throw new EddyError(StatusCode.InvalidArguments, `COPY FROM '${s.path}': column ${unknown.join(', ')} is not in table ${table}`);
  let n = 0;
  for (let at = 0; at < rows.length; at += CHUNK) {
    const ins: Insert = {
      type: 'insert', replace: false, table: s.table!, columns: columns.map((value) => ({ value, quote: '"', pos: s.pos })),
      source: { type: 'query', body: { type: 'values', rows: rows.slice(at, at + CHUNK).map((r) => r.map((v) => literal(v, s))), pos: s.pos }, orderBy: [], pos: s.pos },
      span: s.span, pos: s.pos,
    };
    n += await runInsert(ins, st);
  }
  return n;
}

/** SELECT * FROM the table, within START_TIME / END_TIME on its time index when given. */
async function tableQuery(s: Copy, name: ObjectName, st: QState) {
  const ctx = st.env.qctx;
  const { db, table } = tableName(name, ctx);
  const schema = await ctx.getTable(db, table);
  if (!schema) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`);
  const ts = quoteIdent(schema.timeIndex);
  const where = [
    ...(s.options.start_time ? [`${ts} >= ${quoteText(s.options.start_time)}`] : []),
    ...(s.options.end_time ? [`${ts} < ${quoteText(s.options.end_time)}`] : []),
  ];
  const [q] = parseSql(`SELECT * FROM ${quoteIdent(db)}.${quoteIdent(table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`);
  return (q as Extract<typeof q, { type: 'query' }>).query;
}

function literal(v: FileValue, s: Copy): Expr {
  if (v === null) return { type: 'null', pos: s.pos };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, pos: s.pos };
  if (typeof v === 'number') return { type: 'number', value: String(v), pos: s.pos };
  return { type: 'string', value: v, pos: s.pos };
}
