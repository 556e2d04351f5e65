// The JSON column's stored layout: round trips, printing, paths, against JSON.parse / JSON.stringify as the oracle.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeJsonb, encodeJsonb, jsonbFromText, jsonbLocate, jsonbSelect, jsonbToText, jsonPathMatch, parsePath, selectValues, isJsonb } from '../../../core/json/index.ts';

// -0 prints as 0 in JSON; keep the oracle simple by normalising it away.
const jsonValue = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('jsonb', () => {
  it('round-trips every JSON value and prints it as JSON.stringify does', () => {
    fc.assert(fc.property(jsonValue, (v) => {
      const s = encodeJsonb(v);
      expect(isJsonb(s)).toBe(true);
      expect(decodeJsonb(s)).toEqual(v);
      expect(jsonbToText(s)).toBe(JSON.stringify(v));
      expect(jsonbFromText(JSON.stringify(v))).toBe(s);
    }), { numRuns: 500 });
  });

  it('keeps structure units below 0x80, so the stored form of ASCII JSON is ASCII', () => {
    fc.assert(fc.property(fc.json().filter((t) => /^[\x20-\x7e]*$/.test(t)), (t) => {
      const s = jsonbFromText(t);
      for (let i = 0; i < s.length; i++) expect(s.charCodeAt(i)).toBeLessThan(0x80);
    }), { numRuns: 300 });
  });

  it('finds the value a path names as the plain-object walk does', () => {
    const obj = fc.dictionary(fc.constantFrom('a', 'b', 'c.d', 'x'), fc.oneof(jsonValue, fc.array(jsonValue, { maxLength: 4 })), { maxKeys: 4 });
    fc.assert(fc.property(obj, fc.constantFrom(
      'a', 'b', 'x', '$.a[0]', '$.b[-1]', '$["c.d"]', '$.a[*]', '$.x.a',
      // SQL/JSON and JSONPath forms: from the end, ranges, unions, slices, ':' keys, descendants, filters
      '$.a[last]', '$.a[last - 1]', '$.b[0 to last]', '$.a[1, 0]', '$.b[1:3]', '$:a', '$..a', '$.[1]', '$.b[?(@ > 0)]', '$.a ? (@ == true)', '$.*[?(@.a)]',
    ), (v, path) => {
      const steps = parsePath(path);
      const s = encodeJsonb(v);
      expect(jsonbSelect(s, steps).map((p) => decodeJsonb(s, p))).toEqual(selectValues(v, steps));
      {
        const p = jsonbLocate(s, steps);
        const want = selectValues(v, steps);
        if (want.length === 0) expect(p).toBe(-1);
        else expect(decodeJsonb(s, p)).toEqual(want[0]);
      }
    }), { numRuns: 500 });
  });

  it('matches JSONPath predicates', () => {
    const s = jsonbFromText('{"code":503,"tags":["a","b"],"user":{"name":"ann"},"ok":false}');
    expect(jsonPathMatch(s, '$.code >= 500')).toBe(true);
    expect(jsonPathMatch(s, '$.code < 500')).toBe(false);
    expect(jsonPathMatch(s, '$.tags[*] == "b" && $.user.name == \'ann\'')).toBe(true);
    expect(jsonPathMatch(s, '$.ok == true || $.missing == 1')).toBe(false);
    expect(jsonPathMatch(s, '!($.ok == true)')).toBe(true);
    expect(() => jsonPathMatch(s, '$.code >=')).toThrow(/offset/);
  });

  it('rejects malformed paths with the offset, never another exception', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (p) => {
      try { parsePath(p); } catch (e) { expect((e as Error).message).toMatch(/offset \d+/); }
    }), { numRuns: 500 });
  });
});
