// Rows of a pipeline's result as plain values: GreptimeDB's dryrun shape, and the JSON objects live tail sends.
import { decodeJsonb, isJsonb, type Column, type ColumnSchema, type WriteBatch } from '../../core/index.ts';

const DATA_TYPE: Record<string, string> = {
  string: 'STRING', float64: 'FLOAT64', int64: 'INT64', uint64: 'UINT64', boolean: 'BOOLEAN',
};
const TS_TYPE = { s: 'TIMESTAMP_SECOND', ms: 'TIMESTAMP_MILLISECOND', us: 'TIMESTAMP_MICROSECOND', ns: 'TIMESTAMP_NANOSECOND' } as const;

/** GreptimeDB's column data type names (its gRPC ColumnDataType), as dryrun reports them. */
export function dataTypeName(c: ColumnSchema): string {
  if (c.sqlType === 'Json') return 'JSON';
  if (c.type === 'timestamp') return TS_TYPE[c.unit ?? 'ns'];
  if (c.sqlType) return c.sqlType.toUpperCase();
  return DATA_TYPE[c.type] ?? c.type.toUpperCase();
}

/** `2024-06-27T12:02:34.257312110Z` (RFC 3339, ns) of ns; the seconds part is cached (log rows come in time order). */
let lastSec = NaN;
let lastPrefix = '';
export function nsText(ns: bigint): string {
  let q = ns / 1_000_000_000n;
  if (ns % 1_000_000_000n < 0n) q -= 1n; // floor, so times before 1970 get a positive fraction
  const sec = Number(q);
  const frac = Number(ns - q * 1_000_000_000n);
  if (sec !== lastSec) {
    lastSec = sec;
    lastPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
  }
  return `${lastPrefix}.${String(frac).padStart(9, '0')}Z`;
}

/** Row i of a column as a JSON-able value (JSON columns decoded, times as RFC 3339 with nanoseconds, int64 exact when safe). */
export function cell(c: Column, i: number, sqlType?: string): unknown {
  if (c.valid && c.valid[i] === 0) return null;
  if (c.dict) return c.dict[(c.values as Int32Array)[i]!] ?? null;
  const v = c.values[i];
  if (v === null || v === undefined) return null;
  switch (c.type) {
    case 'timestamp': return nsText(v as bigint);
    case 'int64': case 'uint64': { const b = v as bigint; return b <= 9007199254740991n && b >= -9007199254740991n ? Number(b) : b.toString(); }
    case 'boolean': return v === 1;
    case 'string': return sqlType === 'Json' && typeof v === 'string' && isJsonb(v) ? decodeJsonb(v) : v;
    default: return v;
  }
}

/** A time as GreptimeDB displays a Timestamp value (dryrun): `2024-05-25 20:16:37.217+0000`, the fraction in 0, 3, 6 or 9 digits. */
export function timestampDisplay(ns: bigint): string {
  const t = nsText(ns);
  let frac = t.slice(20, 29);
  frac = frac === '000000000' ? '' : frac.endsWith('000000') ? frac.slice(0, 3) : frac.endsWith('000') ? frac.slice(0, 6) : frac;
  return `${t.slice(0, 10)} ${t.slice(11, 19)}${frac ? '.' + frac : ''}+0000`;
}

/** GreptimeDB's dryrun reply: one list of {key, value, data_type, semantic_type} per row, and the schema. */
export function dryrunReply(columns: ColumnSchema[], batch: WriteBatch | null): unknown {
  const byName = new Map(batch?.columns.map((c) => [c.name, c]) ?? []);
  const rows: unknown[] = [];
  for (let i = 0; i < (batch?.rows ?? 0); i++) {
    rows.push(columns.map((s) => {
      const c = byName.get(s.name);
      const value = !c ? null : s.type === 'timestamp' && (!c.valid || c.valid[i] !== 0) ? timestampDisplay((c.values as BigInt64Array)[i]!) : cell(c, i, s.sqlType);
      return { data_type: dataTypeName(s), key: s.name, semantic_type: s.semantic.toUpperCase(), value };
    }));
  }
  return {
    rows,
    // `column_type` as GreptimeDB's docs spell it now, `colume_type` as its older releases did
    schema: columns.map((s) => ({
      column_type: s.semantic.toUpperCase(), colume_type: s.semantic.toUpperCase(), data_type: dataTypeName(s), fulltext: s.indexes?.fulltext !== undefined, name: s.name,
    })),
  };
}

/** Rows of a committed batch as objects (live tail), with the table's column types. */
export function batchObjects(batch: WriteBatch, schema: { columns: ColumnSchema[] } | null, rows?: ArrayLike<number>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const n = rows ? rows.length : batch.rows;
  for (let k = 0; k < n; k++) {
    const i = rows ? rows[k]! : k;
    const o: Record<string, unknown> = {};
    for (const c of batch.columns) o[c.name] = cell(c, i, schema?.columns.find((s) => s.name === c.name)?.sqlType);
    out.push(o);
  }
  return out;
}

/** The rows of a committed batch as NDJSON (eddy.tail), written column-wise per row without building row objects. */
export function batchNdjson(batch: WriteBatch, schema: { columns: ColumnSchema[] } | null): string {
  const writers = batch.columns.map((c) => {
    const sqlType = schema?.columns.find((s) => s.name === c.name)?.sqlType;
    const key = JSON.stringify(c.name) + ':';
    if (c.type === 'string' && !c.dict && sqlType !== 'Json') {
      const v = c.values as (string | null)[];
      return (i: number) => key + (v[i] === null || v[i] === undefined || (c.valid && c.valid[i] === 0) ? 'null' : JSON.stringify(v[i]));
    }
    if (c.type === 'float64') {
      const v = c.values as Float64Array;
      return (i: number) => key + (c.valid && c.valid[i] === 0 ? 'null' : Number.isFinite(v[i]!) ? String(v[i]) : 'null');
    }
    if (c.dict && sqlType !== 'Json') {
      // Each dictionary entry is written once (labels, methods, status texts repeat on every line).
      const codes = c.values as Int32Array, dict = c.dict, done: (string | undefined)[] = new Array(dict.length);
      const nul = key + 'null';
      return (i: number) => {
        if (c.valid && c.valid[i] === 0) return nul;
        const k = codes[i]!;
        return done[k] ??= key + (dict[k] === undefined || dict[k] === null ? 'null' : JSON.stringify(dict[k]));
      };
    }
    return (i: number) => { const x = cell(c, i, sqlType); return key + (typeof x === 'bigint' ? x.toString() : JSON.stringify(x)); };
  });
  const lines = new Array<string>(batch.rows);
  const parts = new Array<string>(writers.length);
  for (let i = 0; i < batch.rows; i++) {
    for (let k = 0; k < writers.length; k++) parts[k] = writers[k]!(i);
    lines[i] = '{' + parts.join(',') + '}\n';
  }
  return lines.join('');
}
