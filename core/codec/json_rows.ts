// JSON ingest: an array of row objects (one JSON.parse for the whole payload) into one WriteBatch.
import { InvalidArgumentError, ParseError } from '../errors.ts';
import type { Column, WriteBatch } from '../batch.ts';
import type { DataType } from '../schema.ts';

export interface JsonRowsOptions {
  /** Key of the time value; default 'ts'. Numbers are milliseconds; strings are numeric milliseconds or ISO-8601. */
  timeColumn?: string;
  /** Keys whose values are tags; every other string is a string field. */
  tagColumns?: string[];
  /** Time of rows without one; without it such a row is an error. */
  defaultTimeNs?: bigint;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A timestamp value of row i as int64 nanoseconds. */
export function jsonTimeToNs(v: unknown, row: number, key: string): bigint {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`bad timestamp in '${key}': ${why}`, { row });
  };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) bad(String(v));
    const ms = Math.trunc(v);
    if (!Number.isSafeInteger(ms)) bad(`${v} is out of range`);
    return BigInt(ms) * 1_000_000n + BigInt(Math.round((v - ms) * 1e6));
  }
  if (typeof v !== 'string') return bad(`expected a number or a string, got ${v === null ? 'null' : typeof v}`);
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return BigInt(t) * 1_000_000n;
  if (/^-?\d+\.\d+$/.test(t)) return jsonTimeToNs(Number(t), row, key);
  const m = ISO.exec(t);
  if (!m) return bad(`'${v}' is neither milliseconds nor ISO-8601`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  const back = new Date(ms);
  if (Number.isNaN(ms) || back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59) {
    return bad(`'${v}' is not a valid date`);
  }
  let offsetMin = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const z = zone.replace(':', '');
    offsetMin = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5) || '0'));
  }
  return BigInt(ms - offsetMin * 60_000) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

/** Converts a JSON.parse position into a line and column, when the engine reports one. */
function syntaxPosition(text: string, e: unknown): { line: number; column: number } {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
  const at = m ? Math.min(Number(m[1]), text.length) : 0;
  let line = 1;
  let start = 0;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) (line++, (start = i + 1));
  return { line, column: at - start + 1 };
}

interface Builder {
  col: Column;
  /** 1 for rows that had a value; becomes the validity bitmap when some row lacked one. */
  present: Uint8Array;
  filled: number;
}

export function parseJsonRows(table: string, input: Uint8Array | string, opts: JsonRowsOptions = {}): WriteBatch {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      throw new ParseError('JSON payload is not valid UTF-8', { line: 1, column: 1 });
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ParseError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, syntaxPosition(text, e));
  }
  if (!Array.isArray(data)) throw new InvalidArgumentError('JSON payload must be an array of row objects');
  const timeKey = opts.timeColumn ?? 'ts';
  const tags = new Set(opts.tagColumns ?? []);
  if (tags.has(timeKey)) throw new InvalidArgumentError(`time column '${timeKey}' cannot be a tag`);
  const rows = data.length;
  const time = new BigInt64Array(rows);
  const cols = new Map<string, Builder>();
  const order: Builder[] = [];

  const column = (key: string, type: DataType, row: number): Builder => {
    let b = cols.get(key);
    if (b === undefined) {
      const values = type === 'string' ? new Array<string | null>(rows).fill(null) : type === 'float64' ? new Float64Array(rows) : new Uint8Array(rows);
      const semantic = tags.has(key) ? 'tag' : 'field';
      b = { col: { name: key, type, semantic, values, valid: null }, present: new Uint8Array(rows), filled: 0 };
      cols.set(key, b);
      order.push(b);
    } else if (b.col.type !== type) {
      throw new InvalidArgumentError(`key '${key}' is ${type} here but ${b.col.type} in an earlier row`, { row });
    }
    b.filled++;
    b.present[row] = 1;
    return b;
  };

  for (let i = 0; i < rows; i++) {
    const obj = data[i];
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new InvalidArgumentError(`row must be an object, got ${obj === null ? 'null' : Array.isArray(obj) ? 'an array' : typeof obj}`, { row: i });
    }
    let hasTime = false;
    for (const key in obj) {
      const v = (obj as Record<string, unknown>)[key];
      if (key === timeKey) {
        if (v === null) continue;
        time[i] = jsonTimeToNs(v, i, key);
        hasTime = true;
        continue;
      }
      if (v === null) continue;
      if (typeof v === 'object') throw new InvalidArgumentError(`key '${key}' holds a nested ${Array.isArray(v) ? 'array' : 'object'}`, { row: i });
      if (tags.has(key)) {
        // Tags are strings; a number or boolean tag (rack: 67) is kept as its text.
        (column(key, 'string', i).col.values as (string | null)[])[i] = String(v);
      } else if (typeof v === 'string') {
        (column(key, 'string', i).col.values as (string | null)[])[i] = v;
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new InvalidArgumentError(`key '${key}' is not a finite number`, { row: i });
        (column(key, 'float64', i).col.values as Float64Array)[i] = v;
      } else if (typeof v === 'boolean') {
        (column(key, 'boolean', i).col.values as Uint8Array)[i] = v ? 1 : 0;
      } else {
        throw new InvalidArgumentError(`key '${key}' has an unsupported value`, { row: i });
      }
    }
    if (!hasTime) {
      if (opts.defaultTimeNs === undefined) throw new InvalidArgumentError(`row has no '${timeKey}' and no default time was given`, { row: i });
      time[i] = opts.defaultTimeNs;
    }
  }
  const columns: Column[] = [];
  for (const b of order) if (b.col.semantic === 'tag') columns.push(finish(b, rows));
  for (const b of order) if (b.col.semantic === 'field') columns.push(finish(b, rows));
  columns.push({ name: timeKey, type: 'timestamp', semantic: 'timestamp', values: time, valid: null });
  return { table, rows, columns };
}

function finish(b: Builder, rows: number): Column {
  if (b.filled !== rows) b.col.valid = b.present;
  return b.col;
}
