// Go's FormatFloat(v, 'f', -1, 64): the string path against known Go outputs, and the byte path (goFloatInto, what the
// HTTP API writes values with) equal to the string path on random doubles and on values of a few decimals (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatGoFloat, goFloatInto } from '../../../core/promql/index.ts';

const viaBytes = (v: number): string | null => {
  const out = new Uint8Array(40);
  const end = goFloatInto(v, out, 3);
  return end < 0 ? null : Buffer.from(out.subarray(3, end)).toString('latin1');
};

describe('Go float formatting', () => {
  it('spells values as Go does', () => {
    const cases: [number, string][] = [
      [0, '0'], [-0, '-0'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [1e21, '1000000000000000000000'],
      [1e-7, '0.0000001'], [-1.5e-7, '-0.00000015'], [0.1 + 0.2, '0.30000000000000004'], [50.123, '50.123'], [0.05, '0.05'],
      [-1200, '-1200'], [2 ** 53, '9007199254740992'], [123456.789012, '123456.789012'],
    ];
    for (const [v, s] of cases) {
      expect(formatGoFloat(v), String(v)).toBe(s);
      const b = viaBytes(v);
      if (b !== null) expect(b, String(v)).toBe(s);
    }
    expect(viaBytes(50.123)).toBe('50.123');
    expect(viaBytes(0.05)).toBe('0.05');
    expect(viaBytes(0.1 + 0.2)).toBeNull();
  });

  it('writes the same bytes as the string path, whenever it takes a value', () => {
    const fewDecimals = fc.tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 8 })).map(([k, d]) => k / 10 ** d);
    fc.assert(fc.property(fc.oneof(fc.double(), fewDecimals, fc.integer().map((x) => x * 1024 + 0.5)), (v) => {
      const s = formatGoFloat(v);
      if (Number.isFinite(v)) expect(Number(s)).toBe(v);
      expect(s).not.toMatch(/e/);
      const b = viaBytes(v);
      if (b !== null) expect(b).toBe(s);
    }), { numRuns: 5000 });
  });
});
