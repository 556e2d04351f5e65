// JSON text for plain values (flow output, tools) where 64-bit integers and nanosecond times keep every digit,
// which JSON.stringify cannot do (it throws on bigint, and a double holds only 53 bits).
import { floatJson } from './digits.ts';

/** A JSON number given by its exact text: exactJson writes the text as is. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number { return Number(this.text); }
}

const NS_PER_MS = 1_000_000n;

/** Nanoseconds as a count of milliseconds with up to six exact fraction digits (1700000000123.456789). */
export function nsAsMs(ns: bigint): JsonNumber {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const ms = a / NS_PER_MS;
  const frac = a % NS_PER_MS;
  const tail = frac === 0n ? '' : '.' + frac.toString().padStart(6, '0').replace(/0+$/, '');
  return new JsonNumber(`${neg ? '-' : ''}${ms}${tail}`);
}

/** JSON text of a plain value: bigints with all their digits, JsonNumber as written, NaN/Inf as their display text (floatJson), -0 signed. */
export function exactJson(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return floatJson(v);
  if (v === null || v === undefined) return 'null';
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(exactJson).join(',')}]`;
  // a value with its own JSON form (a map row) writes that
  if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return exactJson((v as { toJSON(): unknown }).toJSON());
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${exactJson(x)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}
