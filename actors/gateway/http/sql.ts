// GET|POST /v1/sql: GreptimeDB-compatible SQL over HTTP with json, csv and arrow output.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EddyError, StatusCode, httpStatusOf, systemClock, toWireError, type Clock } from '../../../core/index.ts';
import type { QueryContext } from '../../../core/query/index.ts';
import {
  ARROW_FILE_TYPE, ARROW_STREAM_TYPE, checkTimeZone, executeSql, outputsCsvBytes, outputsCsvChunks, outputsJsonBytes, outputsJsonChunks, relToArrow,
  relToArrowChunks, relToArrowFile, relToArrowFileChunks, limitOutput, epochUnit, outputJsonDataChunks, outputNullText,
  outputsInfluxV1Bytes, outputTableText, type ArrowCompression, type CsvHeader, type QueryOutput,
} from '../../../core/query/index.ts';
import { registerCodecs } from '../../../storage/index.ts';

export interface SqlReply {
  status: number; body?: string | Uint8Array; contentType?: string; headers?: Record<string, string>; stream?: (res: ServerResponse) => void;
}

/** Results with more rows than this are sent as a chunked body written while it is sent (JSON, CSV and Arrow alike). */
export const STREAM_ROWS = 50_000;

/** GreptimeDB's CSV formats (the `format` parameter, case-insensitive) and their header lines. */
const CSV_FORMATS: Record<string, CsvHeader> = { csv: 'none', csvwithnames: 'names', csvwithnamesandtypes: 'types' };


/** GreptimeDB's `compression` parameter of `format=arrow`: the IPC body codec. */
function arrowCompressionOf(v: string | null): ArrowCompression {
  const c = (v ?? '').trim().toLowerCase();
  if (c === '' || c === 'none') return null;
  if (c === 'zstd' || c === 'lz4') return c;
  throw new EddyError(StatusCode.InvalidArguments, `compression '${v}' is not supported for format=arrow: use zstd, lz4 or none`);
}

/**
 * format=arrow as GreptimeDB answers it: one statement's records as an Arrow IPC file (compressed when asked),
 * an empty body for a statement that changed rows, an error for several statements. format=arrow_stream (EddyDB's
 * own) sends the IPC stream format instead, for readers that consume batches as they arrive.
 */
function arrowReply(outputs: QueryOutput[], format: 'arrow' | 'arrow_stream', compression: ArrowCompression, elapsed: number, stream: (rows: number, contentType: string, whole: () => Uint8Array, chunks: () => Iterator<Uint8Array>) => SqlReply): SqlReply {
  if (outputs.length > 1) throw new EddyError(StatusCode.InvalidArguments, `cannot output multi-statements result in ${format} format`);
  const headers = { 'x-greptime-format': format, 'x-greptime-execution-time': String(elapsed) };
  const out = outputs[0];
  if (!out || out.kind !== 'records') return { status: 200, body: new Uint8Array(0), contentType: format === 'arrow' ? ARROW_FILE_TYPE : ARROW_STREAM_TYPE, headers };
  const rel = out.rel;
  const r = format === 'arrow'
    ? stream(rel.len, ARROW_FILE_TYPE, () => relToArrowFile(rel, compression), () => relToArrowFileChunks(rel, compression))
    : stream(rel.len, ARROW_STREAM_TYPE, () => relToArrow(rel), () => relToArrowChunks(rel));
  return { ...r, headers };
}

/** Every `format` GreptimeDB's /v1/sql answers, and EddyDB's arrow_stream. */
const FORMATS = new Set(['greptimedb_v1', 'json', 'csv', 'csvwithnames', 'csvwithnamesandtypes', 'arrow', 'arrow_stream', 'table', 'influxdb_v1', 'null']);
/** The formats `limit` applies to, as in GreptimeDB. */
const LIMITED = new Set(['greptimedb_v1', 'json', 'csv', 'csvwithnames', 'csvwithnamesandtypes', 'table']);

function limitOf(v: string | null): number | null {
  if (v === null || v === '') return null;
  if (!/^\d+$/.test(v.trim())) throw new EddyError(StatusCode.InvalidArguments, `limit '${v}' is not a non-negative integer`);
  return Number(v.trim());
}

function joinChunks(chunks: Iterable<Uint8Array>): Uint8Array {
  return Buffer.concat([...chunks]);
}

const rowsOf = (outputs: QueryOutput[]) => outputs.reduce((a, o) => a + (o.kind === 'records' ? o.rel.len : 0), 0);

/**
 * Writes the chunks as the client takes them: the next chunk is made only after the socket drained the last.
 * `held` is told the bytes the response holds unsent after each write (the bound a streamed body keeps).
 */
function pump(chunks: Iterator<Uint8Array>, held?: (bytes: number) => void): (res: ServerResponse) => void {
  return (res) => {
    const next = (): void => {
      for (;;) {
        if (res.destroyed) return;
        const n = chunks.next();
        if (n.done) { res.end(); return; }
        const more = res.write(n.value);
        held?.(res.writableLength);
        if (!more) { res.once('drain', next); return; }
      }
    };
    next();
  };
}

async function readParams(req: IncomingMessage, url: URL, body: () => Promise<Buffer>): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.search);
  if (req.method === 'POST') {
    const buf = await body();
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (buf.length) {
      if (type.includes('application/json')) {
        const o = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
        for (const [k, v] of Object.entries(o)) if (typeof v === 'string' && !params.has(k)) params.set(k, v);
      } else if (type.includes('x-www-form-urlencoded') || type === '') {
        for (const [k, v] of new URLSearchParams(buf.toString('utf8'))) params.set(k, v);
      } else if (!params.has('sql')) params.set('sql', buf.toString('utf8'));
    }
  }
  return params;
}

/**
 * The Server-Timing header (W3C; browsers' network panels show it) of an answer: wall ms of its stages, as EXPLAIN
 * ANALYZE names them: `http` (the request read, the context made), `parse`, `plan`, `scan`, `to_vectors`, `execute`
 * (the rest of the statements' run), `encode` (the body written; absent for a streamed one, written as it is sent) and
 * `total` (arrival at the handler to the answer ready).
 */
export function serverTiming(http: number, parse: number, stages: Record<string, number>, executing: number, encode: number | undefined, total: number): string {
  const inExec = (stages.plan ?? 0) + (stages.scan ?? 0) + (stages.to_vectors ?? 0);
  const parts: [string, number | undefined][] = [
    ['http', http], ['parse', parse], ['plan', stages.plan], ['scan', stages.scan], ['to_vectors', stages.to_vectors],
    ['execute', Math.max(0, executing - parse - inExec)], ['encode', encode], ['total', total],
  ];
  return parts.filter(([, v]) => v !== undefined).map(([k, v]) => `${k};dur=${v!.toFixed(3)}`).join(', ');
}

/** The handler; `clock` times each statement for execution_time_ms. The formats themselves are written in core/query/output/. */
export function sqlHandler(
  makeContext: (db: string) => QueryContext, clock: Clock = systemClock, held?: (bytes: number) => void,
): (req: IncomingMessage, url: URL, body: () => Promise<Buffer>) => Promise<SqlReply> {
  /** A body in one piece when small, else chunk by chunk as the client reads it. */
  const reply = (rows: number, contentType: string, whole: () => Uint8Array, chunks: () => Iterator<Uint8Array>): SqlReply =>
    rows > STREAM_ROWS ? { status: 200, contentType, stream: pump(chunks(), held) } : { status: 200, body: whole(), contentType };
  registerCodecs(); // the arrow writer finds zstd and lz4 in apache-arrow's registry
  return async (req, url, body) => {
    const started = clock.now();
    const receivedAt = performance.now();
    try {
      if (req.method !== 'GET' && req.method !== 'POST') throw new EddyError(StatusCode.InvalidArguments, `Method ${req.method} is not allowed on /v1/sql`);
      const params = await readParams(req, url, body);
      const sql = params.get('sql');
      if (!sql || !sql.trim()) throw new EddyError(StatusCode.InvalidArguments, 'sql parameter is required.');
      const db = params.get('db') || 'public';
      const format = (params.get('format') || 'greptimedb_v1').toLowerCase();
      if (!FORMATS.has(format)) throw new EddyError(StatusCode.InvalidArguments, `unknown format '${params.get('format')}': use ${[...FORMATS].join(', ')}`);
      const compression = format === 'arrow' ? arrowCompressionOf(params.get('compression')) : null;
      const limit = limitOf(params.get('limit'));
      const epoch = epochUnit(params.get('epoch'));
      if (params.get('epoch') && epoch === null) throw new EddyError(StatusCode.InvalidArguments, `epoch '${params.get('epoch')}' is not one of ns, u, µ, ms, s`);
      const ctx = makeContext(db);
      const stages: Record<string, number> = {};
      ctx.timing = { receivedAt, stages };
      if (req.socket) ctx.client = `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}/http`;
      const tz = req.headers['x-greptime-timezone'];
      if (typeof tz === 'string' && tz.trim()) ctx.timeZone = checkTimeZone(tz);
      const execAt = performance.now();
      const all = await executeSql(ctx, sql);
      const executed = performance.now();
      const elapsed = clock.now() - started;
      const answer = (): SqlReply => {
        // GreptimeDB's `limit` cuts the rows of the formats a person reads or a script parses (not arrow, influxdb_v1)
        const outputs = limit !== null && LIMITED.has(format) ? all.map((o) => limitOutput(o, limit)) : all;
        const rows = rowsOf(outputs);
        const headers = { 'x-greptime-format': format, 'x-greptime-execution-time': String(elapsed) };
        const header = CSV_FORMATS[format];
        if (header) return reply(rows, 'text/csv', () => outputsCsvBytes(outputs, header), () => outputsCsvChunks(outputs, header));
        if (format === 'arrow' || format === 'arrow_stream') return arrowReply(outputs, format, compression, elapsed, reply);
        if (format === 'influxdb_v1') return { status: 200, body: outputsInfluxV1Bytes(outputs, elapsed, epoch), contentType: 'application/json', headers };
        if (format === 'json' || format === 'table' || format === 'null') {
          if (outputs.length > 1) throw new EddyError(StatusCode.InvalidArguments, `cannot output multi-statements result in ${format} format`);
          const out = outputs[0];
          if (format === 'table') return { status: 200, body: outputTableText(out), contentType: 'text/plain; charset=utf-8', headers };
          if (format === 'null') return { status: 200, body: outputNullText(out, elapsed), contentType: 'text/plain; charset=utf-8', headers };
          const chunks = () => outputJsonDataChunks(out, elapsed);
          return { ...reply(rows, 'application/json', () => joinChunks(chunks()), chunks), headers };
        }
        return reply(rows, 'application/json', () => outputsJsonBytes(outputs, elapsed), () => outputsJsonChunks(outputs, elapsed));
      };
      const r = answer();
      const done = performance.now();
      const timing = serverTiming(execAt - receivedAt, ctx.timing.parseMs ?? 0, stages, executed - execAt, r.stream ? undefined : done - executed, done - receivedAt);
      return { ...r, headers: { ...(r.headers ?? {}), 'Server-Timing': timing } };
    } catch (e) {
      const w = toWireError(e);
      const code = e instanceof SyntaxError ? StatusCode.InvalidArguments : w.code;
      // as GreptimeDB does, a statement naming a table or database that does not exist is a bad request (400), not 404
      const status = httpStatusOf(code) === 404 ? 400 : httpStatusOf(code);
      return { status, body: JSON.stringify({ code, error: w.message, execution_time_ms: clock.now() - started }), contentType: 'application/json' };
    }
  };
}
