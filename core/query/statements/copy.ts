// COPY TO / FROM: a table's rows (or a query's) written to a file on the node, and a file's rows inserted into a
// table, as GreptimeDB's COPY does. Formats csv and json (copy_format.ts); GreptimeDB's default, parquet, is refused
// by name. START_TIME / END_TIME keep the rows whose time index is in [start, end), both ways. FROM reads one file,
// or every file of a folder (a path ending in '/') whose name matches PATTERN (a regular expression), and inserts
// through INSERT.
import { EddyError, StatusCode } from '../../errors.ts';
import type { Copy, Expr, Insert, ObjectName } from '../../sql/index.ts';
import { parseSql } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { QState } from '../plan/select.ts';
import { runQuery } from '../plan/select.ts';
import { tableName } from './ddl.ts';
import { runInsert } from './insert.ts';
import { readRows, writeRows, type CopyFormat, type FileValue } from './copy_format.ts';
import { parseTimestampNs } from '../expr/time.ts';

const KNOWN: Record<Copy['direction'], string[]> = { TO: ['format', 'start_time', 'end_time', 'timestamp_format'], FROM: ['format', 'pattern', 'start_time', 'end_time'] };
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
  const files = await sourceFiles(s, ctx.files);
  const parts = await Promise.all(files.map(async (path) => {
    let bytes: Uint8Array;
    try { bytes = await ctx.files!.read(path); } catch (e) {
      throw new EddyError(StatusCode.InvalidArguments, `COPY FROM: cannot read '${path}': ${(e as Error).message}`);
    }
    return readRows(new TextDecoder().decode(bytes), format, path);
  }));
  const columns = parts[0]?.columns ?? [];
  if (parts.some((p) => p.columns.join('\u0001') !== columns.join('\u0001'))) throw new EddyError(StatusCode.InvalidArguments, `COPY FROM '${s.path}': the files do not have the same columns`);
  const unknown = columns.filter((c) => !schema.columns.some((x) => x.name === c));
  if (unknown.length) throw new EddyError(StatusCode.InvalidArguments, `COPY FROM '${s.path}': column ${unknown.join(', ')} is not in table ${table}`);
  const rows = inTimeRange(parts.flatMap((p) => p.rows), columns.indexOf(schema.timeIndex), s);
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

/** The files COPY FROM reads: the path itself, or a folder's files whose names match PATTERN (all without one). */
async function sourceFiles(s: Copy, files: NonNullable<QState['env']['qctx']['files']>): Promise<string[]> {
  let re: RegExp | undefined;
  try { re = s.options.pattern === undefined ? undefined : new RegExp(`^(?:${s.options.pattern})$`); } catch (e) {
    throw new PlanError(`COPY FROM: invalid pattern '${s.options.pattern}': ${(e as Error).message}`, s.pos, StatusCode.InvalidArguments);
  }
  if (!s.path.endsWith('/')) return [s.path];
  if (!files.list) throw new PlanError('COPY FROM a folder is not supported by this session', s.pos, StatusCode.Unsupported);
  let names: string[];
  try { names = await files.list(s.path); } catch (e) {
    throw new EddyError(StatusCode.InvalidArguments, `COPY FROM: cannot list '${s.path}': ${(e as Error).message}`);
  }
  return names.filter((f) => !re || re.test(f)).map((f) => s.path + f);
}

/** The rows whose time index value is in [START_TIME, END_TIME) (all rows without either option). */
function inTimeRange(rows: FileValue[][], tsAt: number, s: Copy): FileValue[][] {
  const bound = (k: 'start_time' | 'end_time'): bigint | null => {
    const t = s.options[k];
    if (t === undefined) return null;
    const ns = parseTimestampNs(t);
    if (ns === null) throw new PlanError(`COPY FROM: invalid ${k} '${t}'`, s.pos, StatusCode.InvalidArguments);
    return ns;
  };
  const lo = bound('start_time'), hi = bound('end_time');
  if ((lo === null && hi === null) || tsAt < 0) return rows;
  return rows.filter((r) => {
    const v = r[tsAt];
    const ns = typeof v === 'number' ? BigInt(Math.trunc(v)) * 1_000_000n : typeof v === 'bigint' ? v * 1_000_000n : typeof v === 'string' ? (/^-?\d+$/.test(v) ? BigInt(v) * 1_000_000n : parseTimestampNs(v)) : null;
    return ns !== null && (lo === null || ns >= lo) && (hi === null || ns < hi);
  });
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
  if (typeof v === 'number' || typeof v === 'bigint') return { type: 'number', value: String(v), pos: s.pos };
  return { type: 'string', value: v, pos: s.pos };
}
