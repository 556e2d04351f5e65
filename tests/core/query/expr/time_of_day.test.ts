// The TIME type: casts from instants and between units, text in and out, and comparison, checked against BigInt
// arithmetic on nanoseconds since midnight.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castTo, compare, displayValue } from '../../../../core/query/expr/index.ts';
import type { TsVec, Vec } from '../../../../core/query/vector.ts';
import { TIME_NAME, TS_NAME, UNIT_NS } from '../../../../core/query/vector.ts';
import type { TimeUnit } from '../../../../core/schema.ts';

const UNITS: TimeUnit[] = ['s', 'ms', 'us', 'ns'];
const POS = { line: 1, column: 1, offset: 0 };
const DAY = 86_400_000_000_000n;
const instant = fc.bigInt({ min: -9_223_372_036_854_775_807n, max: 9_223_372_036_854_775_807n });
const ofDay = fc.bigInt({ min: 0n, max: DAY - 1n });
const unit = fc.constantFrom(...UNITS);

const trunc = (x: bigint, u: TimeUnit) => (x / UNIT_NS[u]) * UNIT_NS[u];
function timeOf(u: TimeUnit, ns: bigint[]): TsVec {
  return { kind: 'ts', dt: TIME_NAME[u], unit: u, v: BigInt64Array.from(ns.map((x) => trunc(x, u))), valid: null };
}
/** The reference text: HH:MM:SS and the fraction in groups of three digits, zeros dropped by group. */
function text(ns: bigint): string {
  const s = ns / 1_000_000_000n, f = ns % 1_000_000_000n;
  const two = (x: bigint) => String(x).padStart(2, '0');
  let out = `${two(s / 3600n)}:${two((s / 60n) % 60n)}:${two(s % 60n)}`;
  if (f !== 0n) out += '.' + String(f).padStart(9, '0').replace(/(000)+$/, '');
  return out;
}

describe('TIME', () => {
  it('a timestamp of any unit casts to the time of day it falls in (UTC), truncated to the target unit', () => {
    fc.assert(fc.property(fc.array(instant, { minLength: 1, maxLength: 30 }), unit, unit, (ns, from, to) => {
      const src: TsVec = { kind: 'ts', dt: TS_NAME[from], unit: from, v: BigInt64Array.from(ns.map((x) => trunc(x, from))), valid: null };
      const out = castTo(src, TIME_NAME[to], false, POS) as TsVec;
      expect(out.dt).toBe(TIME_NAME[to]);
      ns.forEach((x, i) => expect(out.v[i]).toBe(trunc((((trunc(x, from) % DAY) + DAY) % DAY), to)));
    }), { numRuns: 300 });
  });

  it('prints as text that reads back to the same time, and compares as the BigInt nanoseconds do', () => {
    fc.assert(fc.property(fc.array(fc.tuple(ofDay, ofDay), { minLength: 1, maxLength: 30 }), unit, unit, (pairs, ua, ub) => {
      const a = timeOf(ua, pairs.map((p) => p[0])), b = timeOf(ub, pairs.map((p) => p[1]));
      const eq = compare('=', a, b, POS), lt = compare('<', a, b, POS), ge = compare('>=', a, b, POS);
      const asText: Vec = { kind: 'str', dt: 'String', v: pairs.map((_, i) => displayValue(a, i)) };
      const back = castTo(asText, TIME_NAME[ua], false, POS) as TsVec;
      pairs.forEach((_, i) => {
        const x = a.v[i]!, y = b.v[i]!;
        expect([eq.v[i], lt.v[i], ge.v[i]]).toEqual([x === y ? 1 : 0, x < y ? 1 : 0, x >= y ? 1 : 0]);
        expect(displayValue(a, i)).toBe(text(x));
        expect(back.v[i]).toBe(x);
      });
    }), { numRuns: 300 });
  });

  it('a time meets text as the time the text writes, to the nanosecond', () => {
    fc.assert(fc.property(ofDay, ofDay, unit, (x, y, u) => {
      const a = timeOf(u, [x]);
      const lit: Vec = { kind: 'str', dt: 'String', v: [text(y)] };
      expect(compare('<=', a, lit, POS).v[0]).toBe(trunc(x, u) <= y ? 1 : 0);
    }), { numRuns: 300 });
  });

  it('an integer counts units since midnight; one day or more, or below zero, is out of range', () => {
    fc.assert(fc.property(fc.integer({ min: -100_000, max: 200_000 }), (k) => {
      const v: Vec = { kind: 'num', dt: 'Int64', v: Float64Array.of(k), valid: null };
      if (k >= 0 && k < 86_400) expect((castTo(v, 'TimeSecond', false, POS) as TsVec).v[0]).toBe(BigInt(k) * 1_000_000_000n);
      else {
        expect(() => castTo(v, 'TimeSecond', false, POS)).toThrow(/less than one day/);
        expect((castTo(v, 'TimeSecond', true, POS) as TsVec).valid?.[0]).toBe(0);
      }
    }), { numRuns: 200 });
  });
});
