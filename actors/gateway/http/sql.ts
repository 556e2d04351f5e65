// GET|POST /v1/sql: GreptimeDB-compatible SQL over HTTP with json, csv and arrow output.
import type { IncomingMessage } from 'node:http';
import { Bool, Float64, Int64, Table, TimestampMillisecond, TimestampNanosecond, TimestampMicrosecond, TimestampSecond, Uint64, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector } from 'apache-arrow';
import { EddyError, StatusCode, httpStatusOf, toWireError } from '../../../core/index.ts';
import type { QueryContext, QueryOutput } from '../../../core/query/index.ts';
import { executeSql } from '../../../core/query/index.ts';

export interface SqlReply { status: number; body?: string | Uint8Array; contentType?: string }

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

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function arrowType(dt: string): DataType {
  switch (dt) {
    case 'Float64': case 'Float32': return new Float64();
    case 'Int64': case 'Int32': case 'Int16': case 'Int8': case 'UInt8': case 'UInt16': case 'UInt32': return new Int64();
    case 'UInt64': return new Uint64();
    case 'Boolean': return new Bool();
    case 'TimestampSecond': return new TimestampSecond();
    case 'TimestampMillisecond': return new TimestampMillisecond();
    case 'TimestampMicrosecond': return new TimestampMicrosecond();
    case 'TimestampNanosecond': return new TimestampNanosecond();
    default: return new Utf8();
  }
}

/** Records as one Arrow IPC stream (timestamps in their declared unit). */
function toArrow(o: Extract<QueryOutput, { kind: 'records' }>): Uint8Array {
  const children: Record<string, Vector> = {};
  o.columns.forEach((c, j) => {
    const t = arrowType(c.dataType);
    const vals = o.rows.map((r) => {
      const v = r[j];
      if (v === null || v === undefined) return null;
      if (t instanceof Int64 || t instanceof Uint64) return BigInt(Math.trunc(Number(v)));
      if (t instanceof Utf8) return typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (t instanceof Float64) return Number(v);
      if (t instanceof Bool) return Boolean(v);
      return Number(v);
    });
    children[c.name] = vectorFromArray(vals as never[], t);
  });
  return tableToIPC(new Table(children), 'stream');
}

export function sqlHandler(makeContext: (db: string) => QueryContext): (req: IncomingMessage, url: URL, body: () => Promise<Buffer>) => Promise<SqlReply> {
  return async (req, url, body) => {
    const started = Date.now();
    try {
      if (req.method !== 'GET' && req.method !== 'POST') throw new EddyError(StatusCode.InvalidArguments, `Method ${req.method} is not allowed on /v1/sql`);
      const params = await readParams(req, url, body);
      const sql = params.get('sql');
      if (!sql || !sql.trim()) throw new EddyError(StatusCode.InvalidArguments, 'sql parameter is required.');
      const db = params.get('db') || 'public';
      const format = (params.get('format') || 'json').toLowerCase();
      const ctx = makeContext(db);
      const outputs = await executeSql(ctx, sql);
      const elapsed = Date.now() - started;
      if (format === 'csv') {
        const text = outputs.map((o) => (o.kind === 'affected' ? `${o.rows}\n` : o.rows.map((r) => r.map(csvCell).join(',')).join('\n') + (o.rows.length ? '\n' : ''))).join('');
        return { status: 200, body: text, contentType: 'text/csv' };
      }
      if (format === 'arrow') {
        const rec = outputs.find((o) => o.kind === 'records');
        if (!rec || rec.kind !== 'records') return { status: 200, body: JSON.stringify({ output: outputs.map(jsonOutput), execution_time_ms: elapsed }), contentType: 'application/json' };
        return { status: 200, body: toArrow(rec), contentType: 'application/vnd.apache.arrow.stream' };
      }
      return { status: 200, body: JSON.stringify({ output: outputs.map(jsonOutput), execution_time_ms: elapsed }), contentType: 'application/json' };
    } catch (e) {
      const w = toWireError(e);
      const code = e instanceof SyntaxError ? StatusCode.InvalidArguments : w.code;
      // as GreptimeDB does, a statement naming a table or database that does not exist is a bad request (400), not 404
      const status = httpStatusOf(code) === 404 ? 400 : httpStatusOf(code);
      return { status, body: JSON.stringify({ code, error: w.message, execution_time_ms: Date.now() - started }), contentType: 'application/json' };
    }
  };
}

function jsonOutput(o: QueryOutput): unknown {
  if (o.kind === 'affected') return { affectedrows: o.rows };
  return {
    records: {
      schema: { column_schemas: o.columns.map((c) => ({ name: c.name, data_type: c.dataType })) },
      rows: o.rows,
      total_rows: o.rows.length,
    },
  };
}
