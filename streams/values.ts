// Scalar semantics of flow expressions: SQL three-valued logic, comparison across number/timestamp/string, arithmetic.
import { InvalidArgumentError, parseTimestampNs } from '../core/index.ts';
import type { FlowValue } from './types.ts';

/** A per-record evaluation failure (a type error): counted and reported, never fatal to a flow. */
export class FlowEvalError extends InvalidArgumentError {}

function typeName(v: FlowValue): string {
  return v === null ? 'NULL' : typeof v === 'bigint' ? 'timestamp' : typeof v;
}

function asTimestamp(v: FlowValue): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return parseTimestampNs(v);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return null;
}

/** -1/0/1, or null when either side is NULL; throws on incomparable types. */
export function compare(a: FlowValue, b: FlowValue): number | null {
  if (a === null || b === null) return null;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === tb || (ta === 'number' && tb === 'bigint') || (ta === 'bigint' && tb === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (ta === 'bigint' || tb === 'bigint') {
    const x = asTimestamp(a);
    const y = asTimestamp(b);
    if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta === 'boolean' && tb === 'number') return compare(a ? 1 : 0, b);
  if (ta === 'number' && tb === 'boolean') return compare(a, b ? 1 : 0);
  throw new FlowEvalError(`Cannot compare ${typeName(a)} ${JSON.stringify(String(a))} with ${typeName(b)} ${JSON.stringify(String(b))}`);
}

/** Total order for sorting and min/max across mixed values (NULLs never reach it). */
export function order(a: FlowValue, b: FlowValue): number {
  const c = compare(a, b);
  return c ?? 0;
}

export function toNumber(v: FlowValue, what: string): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v);
  if (v.trim() !== '' && !Number.isNaN(n)) return n;
  throw new FlowEvalError(`${what}: cannot use string ${JSON.stringify(v)} as a number`);
}

export function arith(op: string, a: FlowValue, b: FlowValue): FlowValue {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    // Timestamps and intervals are int64 ns: ts + interval, ts - ts, interval * n.
    const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(toNumber(a, op)!));
    const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(toNumber(b, op)!));
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': return y === 0n ? null : x / y;
      case '%': return y === 0n ? null : x % y;
    }
  }
  if (typeof a === 'string' || typeof b === 'string') {
    throw new FlowEvalError(`Cannot apply ${op} to ${typeName(a)} and ${typeName(b)}`);
  }
  const x = typeof a === 'boolean' ? (a ? 1 : 0) : (a as number);
  const y = typeof b === 'boolean' ? (b ? 1 : 0) : (b as number);
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y === 0 ? null : x / y;
    case '%': return y === 0 ? null : x % y;
  }
  throw new FlowEvalError(`Unsupported operator ${op}`);
}

/** SQL truthiness of a predicate result: only TRUE keeps a row. */
export function isTrue(v: FlowValue): boolean {
  return v === true || (typeof v === 'number' && v !== 0);
}

export function toBool(v: FlowValue): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  throw new FlowEvalError(`Expected a boolean, found ${typeName(v)} ${JSON.stringify(String(v))}`);
}

/** Serializes values into a Map key: type-tagged so 1, '1' and 1n stay apart. */
export function keyOf(vals: readonly FlowValue[]): string {
  let s = '';
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (i > 0) s += '\u0000';
    if (v === null) s += '~';
    else if (typeof v === 'string') s += 's' + v;
    else if (typeof v === 'number') s += 'n' + v;
    else if (typeof v === 'bigint') s += 't' + v;
    else s += v ? 'T' : 'F';
  }
  return s;
}

/** Converts a LIKE pattern to an anchored RegExp. */
export function likeToRegExp(pattern: string, caseInsensitive: boolean, escape = '\\'): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === escape && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}
