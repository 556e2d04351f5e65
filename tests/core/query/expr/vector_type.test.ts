// VECTOR(dim) values: the text form reads back to the same float32 elements, and prints as Rust's f32 Display does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castToVector, f32Text, parseVector, vectorText } from '../../../../core/query/expr/fn_vector.ts';

const f32 = fc.float({ noNaN: true });

describe('VECTOR text', () => {
  it('any float32 prints without an exponent and reads back to the same value', () => {
    fc.assert(fc.property(f32, (x) => {
      const s = f32Text(x);
      if (Number.isFinite(x)) expect(s).toMatch(/^-?\d+(\.\d+)?$/);
      const back = parseVector(`[${s}]`, 1)[0]!;
      expect(Object.is(back, x) || (x === 0 && back === 0 && Object.is(back, x))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('prints the shortest digits (no shorter text reads back the same)', () => {
    fc.assert(fc.property(f32.filter((x) => Number.isFinite(x) && x !== 0), (x) => {
      const digits = f32Text(x).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      const shorter = Number(Math.abs(x).toPrecision(Math.max(1, digits.length - 1)));
      if (digits.length > 1) expect(Math.fround(shorter)).not.toBe(Math.abs(x));
    }), { numRuns: 2000 });
  });

  it('a vector of any dimension survives text and a cast to its type; a wrong dimension is refused', () => {
    fc.assert(fc.property(fc.array(f32, { minLength: 1, maxLength: 16 }), (xs) => {
      const v = Float32Array.from(xs);
      const text = vectorText(v);
      expect(Array.from(parseVector(text, v.length))).toEqual(Array.from(v));
      const cast = castToVector({ kind: 'str', dt: 'String', v: [text.replace(/,/g, ' , ')] }, v.length, false);
      expect(cast.v[0]).toBe(text);
      expect(() => castToVector({ kind: 'str', dt: 'String', v: [text] }, v.length + 1, false)).toThrow(/wrong dimension/);
      expect(castToVector({ kind: 'str', dt: 'String', v: [text] }, v.length + 1, true).v[0]).toBeNull();
    }), { numRuns: 500 });
  });

  it('names what is wrong with a malformed vector', () => {
    expect(() => parseVector('1,2')).toThrow(/not properly enclosed in brackets/);
    expect(() => parseVector('[1,,2]')).toThrow(/elements are not all float32/);
    expect(() => parseVector('[0x10]')).toThrow(/elements are not all float32/);
    expect(Array.from(parseVector('[inf, -Infinity, +1e3, .5]'))).toEqual([Infinity, -Infinity, 1000, 0.5]);
    expect(f32Text(3.4028234663852886e38)).toBe('340282350000000000000000000000000000000');
  });
});
