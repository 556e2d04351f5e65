// Extended-protocol parameters: `$n` placeholders found in the SQL text, their types (given or inferred), and Bind
// values (text or binary) turned into SQL literals substituted for them.
import type { Format } from './protocol.ts';
import { PgParameterError } from './errors.ts';
import { Oid, PG_TYPE_BY_OID, pgTypeNamed } from './types.ts';
import { numericFromBinary } from './numeric.ts';
import { formatTimeOfDay } from '../query/expr/time_of_day.ts';
import { timestampText, dateText } from './text.ts';

/** A `$n` in the SQL text: its 1-based number and where it is. */
export interface Placeholder { n: number; start: number; end: number }

const isIdent = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;

/**
 * The placeholders of `sql` (`$n`, and `?` too with `questionMarks`), skipping string literals ('..', E'..', $tag$..$tag$), quoted identifiers and comments.
 * An unterminated literal or comment ends the scan: the SQL parser reports it with its position.
 */
export function findPlaceholders(sql: string, questionMarks = false): Placeholder[] {
  const out: Placeholder[] = [];
  const n = sql.length;
  let i = 0, q = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39 /* ' */) {
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && (i < 2 || !isIdent(sql.charCodeAt(i - 2)));
      i++;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (escapes && d === 92) { i += 2; continue; }
        if (d === 39) { if (sql.charCodeAt(i + 1) === 39) { i += 2; continue; } break; }
        i++;
      }
      i++;
    } else if (c === 34 /* " */ || c === 96 /* ` */) {
      const q = c;
      i++;
      while (i < n && !(sql.charCodeAt(i) === q && sql.charCodeAt(i + 1) !== q)) i += sql.charCodeAt(i) === q ? 2 : 1;
      i++;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      while (i < n && sql.charCodeAt(i) !== 10) i++;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (questionMarks && c === 63 /* ? */) {
      // MySQL's parameters (PREPARE ... FROM): numbered in order of appearance
      out.push({ n: ++q, start: i, end: i + 1 });
      i++;
    } else if (c === 36 /* $ */ && (i === 0 || !isIdent(sql.charCodeAt(i - 1)))) {
      let j = i + 1;
      while (j < n && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++;
      if (j > i + 1 && (j >= n || !isIdent(sql.charCodeAt(j)))) {
        out.push({ n: Number(sql.slice(i + 1, j)), start: i, end: j });
        i = j;
        continue;
      }
      // a dollar-quoted string: $tag$ ... $tag$
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (m) {
        const e = sql.indexOf(m[0], i + m[0].length);
        i = e < 0 ? n : e + m[0].length;
      } else i++;
    } else i++;
  }
  return out;
}

/** How many parameters a statement takes: the highest `$n`, or more when the client declared more types. */
export function parameterCount(sites: readonly Placeholder[], declared: readonly number[]): number {
  let max = declared.length;
  for (const s of sites) if (s.n > max) max = s.n;
  return max;
}

/**
 * The type of each parameter: the client's when given (non-zero), else what the text says around it (`$1::int4`,
 * `LIMIT $1`), else text, as PostgreSQL resolves an unknown-typed parameter it has no context for.
 */
export function inferParameterTypes(sql: string, sites: readonly Placeholder[], declared: readonly number[]): number[] {
  const count = parameterCount(sites, declared);
  const out = new Array<number>(count).fill(0);
  for (let k = 0; k < count; k++) if (declared[k]) out[k] = declared[k]!;
  for (const s of sites) {
    if (out[s.n - 1]) continue;
    const cast = /^\s*::\s*((?:pg_catalog\.)?[A-Za-z_][A-Za-z0-9_]*(?:\s+(?:precision|varying|with(?:out)?\s+time\s+zone))?)/i.exec(sql.slice(s.end, s.end + 64));
    const t = cast ? pgTypeNamed(cast[1]!) : undefined;
    if (t) { out[s.n - 1] = t.oid; continue; }
    if (/\b(limit|offset|fetch\s+first|fetch\s+next)\s*$/i.test(sql.slice(Math.max(0, s.start - 20), s.start))) out[s.n - 1] = Oid.int8;
  }
  return out.map((t) => t || Oid.text);
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(b: Uint8Array, k: number): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new PgParameterError(`parameter $${k} is not valid UTF-8`, '22021');
  }
}

function fixed(b: Uint8Array, n: number, k: number, type: string): DataView {
  if (b.length !== n) throw new PgParameterError(`incorrect binary data format in parameter $${k}: ${type} takes ${n} bytes, got ${b.length}`, '22P03');
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const BOOL_WORDS: Record<string, boolean> = { t: true, true: true, y: true, yes: true, on: true, 1: true, f: false, false: false, n: false, no: false, off: false, 0: false };
const INT_RANGE: Record<number, [bigint, bigint]> = {
  [Oid.int2]: [-32768n, 32767n], [Oid.int4]: [-2147483648n, 2147483647n], [Oid.int8]: [-9223372036854775808n, 9223372036854775807n], [Oid.oid]: [0n, 4294967295n],
};

/** One Bind value as a SQL literal of its type. */
export function parameterLiteral(value: Uint8Array | null, type: number, format: Format, k: number): string {
  if (value === null) return 'NULL';
  const name = PG_TYPE_BY_OID.get(type)?.name ?? 'text';
  const bad = (s: string) => new PgParameterError(`invalid input syntax for type ${name}: "${s}" (parameter $${k})`);
  switch (type) {
    case Oid.bool: {
      if (format === 1) return fixed(value, 1, k, name).getUint8(0) ? 'TRUE' : 'FALSE';
      const s = text(value, k).trim().toLowerCase();
      if (!(s in BOOL_WORDS)) throw bad(s);
      return BOOL_WORDS[s] ? 'TRUE' : 'FALSE';
    }
    case Oid.int2: case Oid.int4: case Oid.int8: case Oid.oid: {
      let v: bigint;
      if (format === 1) {
        const size = type === Oid.int2 ? 2 : type === Oid.int8 ? 8 : 4;
        const dv = fixed(value, size, k, name);
        v = size === 2 ? BigInt(dv.getInt16(0)) : size === 8 ? dv.getBigInt64(0) : type === Oid.oid ? BigInt(dv.getUint32(0)) : BigInt(dv.getInt32(0));
      } else {
        const s = text(value, k).trim();
        if (!/^[+-]?\d+$/.test(s)) throw bad(s);
        v = BigInt(s);
      }
      const [lo, hi] = INT_RANGE[type]!;
      if (v < lo || v > hi) throw new PgParameterError(`value ${v} is out of range for type ${name} (parameter $${k})`, '22003');
      return String(v);
    }
    case Oid.float4: case Oid.float8: {
      let x: number;
      if (format === 1) { const dv = fixed(value, type === Oid.float4 ? 4 : 8, k, name); x = type === Oid.float4 ? dv.getFloat32(0) : dv.getFloat64(0); }
      else {
        const s = text(value, k).trim();
        if (/^[+-]?(nan|inf|infinity)$/i.test(s)) x = /nan/i.test(s) ? NaN : s.startsWith('-') ? -Infinity : Infinity;
        else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) x = Number(s);
        else throw bad(s);
      }
      if (!Number.isFinite(x)) return `CAST('${Number.isNaN(x) ? 'NaN' : x > 0 ? 'inf' : '-inf'}' AS DOUBLE)`;
      const lit = String(x);
      return x < 0 || Object.is(x, -0) ? `(${lit})` : lit;
    }
    case Oid.numeric: {
      const s = format === 1 ? numericFromBinary(value) : text(value, k).trim();
      if (/^[+-]?(nan|infinity)$/i.test(s)) return `CAST('${s}' AS DOUBLE)`;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) throw bad(s);
      return s.startsWith('-') ? `(${s})` : s.replace(/^\+/, '');
    }
    case Oid.timestamp: case Oid.timestamptz: {
      if (format === 1) {
        const us = fixed(value, 8, k, name).getBigInt64(0);
        return `TIMESTAMP '${timestampText((us + 946_684_800_000_000n) * 1000n)}'`;
      }
      return `TIMESTAMP ${quote(text(value, k).trim())}`;
    }
    case Oid.date: {
      if (format === 1) return `DATE '${dateText(fixed(value, 4, k, name).getInt32(0) + 10957)}'`;
      return `DATE ${quote(text(value, k).trim())}`;
    }
    case Oid.time: {
      // binary: microseconds since midnight
      if (format === 1) {
        const us = fixed(value, 8, k, name).getBigInt64(0);
        if (us < 0n || us >= 86_400_000_000n) throw bad(String(us));
        return `TIME '${formatTimeOfDay(us * 1000n)}'`;
      }
      return `TIME ${quote(text(value, k).trim())}`;
    }
    case Oid.bytea: {
      if (format === 1) return quote(text(value, k));
      const s = text(value, k);
      if (s.startsWith('\\x')) {
        const hex = s.slice(2);
        if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw bad(s);
        const bytes = new Uint8Array(hex.length / 2);
        for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
        return quote(text(bytes, k));
      }
      return quote(s);
    }
    case Oid.jsonb:
      if (format === 1) {
        if (value[0] !== 1) throw new PgParameterError(`unsupported jsonb version number ${value[0] ?? 'none'} (parameter $${k})`, '22P03');
        return quote(text(value.subarray(1), k));
      }
      return quote(text(value, k));
    default:
      return quote(text(value, k));
  }
}

/** `sql` with each placeholder replaced by its bound value's literal. */
export function bindParameters(sql: string, sites: readonly Placeholder[], types: readonly number[], formats: readonly Format[], values: readonly (Uint8Array | null)[]): string {
  if (values.length !== types.length) {
    throw new PgParameterError(`bind message supplies ${values.length} parameters, but prepared statement requires ${types.length}`, '08P01');
  }
  const lits = values.map((v, k) => parameterLiteral(v, types[k]!, (formats.length === 1 ? formats[0]! : formats[k] ?? 0) as Format, k + 1));
  let out = '';
  let at = 0;
  for (const s of sites) {
    const lit = lits[s.n - 1];
    if (lit === undefined) throw new PgParameterError(`there is no parameter $${s.n}`, '42P02');
    out += sql.slice(at, s.start) + lit;
    at = s.end;
  }
  return out + sql.slice(at);
}
