// Values inside a flow's state: ordering for min/max/first/last, group-key serialization, WHERE truthiness, and
// aggregate inputs as numbers. Expression semantics are core's (streams/core_eval.ts), not written here.
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

/** SQL truthiness of a predicate result: only TRUE keeps a row. */
export function isTrue(v: FlowValue): boolean {
  return v === true || (typeof v === 'number' && v !== 0);
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
