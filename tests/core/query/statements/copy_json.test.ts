// The JSON reader of COPY FROM: JSON.parse's values for any JSON text (a double where a double is exact), every digit
// of an integer past 2^53 as a bigint, and JSON.parse's verdict on what is not JSON, with a column.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseExactJson } from '../../../../core/query/statements/copy_json.ts';
import { readRows } from '../../../../core/query/statements/copy_format.ts';

describe('parseExactJson', () => {
  // a bigint where JSON.parse rounds: the same value once rounded to a double
  const rounded = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(rounded)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)])) : v);

  it('reads any JSON text as JSON.parse does', () => {
    fc.assert(fc.property(fc.json(), (t) => {
      expect(rounded(parseExactJson(t))).toEqual(JSON.parse(t));
    }), { numRuns: 2000 });
  });

  it('keeps every digit of integers a double cannot hold', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer({ min: 0, max: 3 }), (b, pad) => {
      const t = `{"v": ${' '.repeat(pad)}${b}}`;
      const got = (parseExactJson(t) as { v: number | bigint }).v;
      // a number when the double is that integer exactly
      expect(got).toEqual(BigInt(Number(b)) === b ? Number(b) : b);
    }), { numRuns: 2000 });
  });

  it('refuses what JSON.parse refuses, naming a column', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', '.', 'e', 't', 'n', ' ', '\\', 'a') }), (t) => {
      let want: unknown, wantErr = false;
      try { want = JSON.parse(t); } catch { wantErr = true; }
      if (wantErr) {
        expect(() => parseExactJson(t)).toThrow(JsonSyntaxError);
        try { parseExactJson(t); } catch (e) { expect((e as Error).message).toMatch(/at column \d+$/); }
      } else expect(rounded(parseExactJson(t))).toEqual(want);
    }), { numRuns: 3000 });
  });

  it('COPY FROM JSON lines keeps 64-bit ids whole', () => {
    const back = readRows('{"id": 9007199254740993, "u": 18446744073709551615, "x": 0.1}\n', 'json', 'f.json');
    expect(back.rows).toEqual([[9007199254740993n, 18446744073709551615n, 0.1]]);
  });
});
