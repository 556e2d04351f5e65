// COPY's file formats alone: any strings (quotes, commas, line breaks, '' apart from NULL) and numbers survive a
// CSV or JSON round trip; malformed files fail with the file and line named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromValues } from '../../../../core/query/vector.ts';
import type { Rel } from '../../../../core/query/plan/rel.ts';
import { readRows, writeRows } from '../../../../core/query/statements/copy_format.ts';

const text = fc.option(fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r', ' ', 'x', '{', '😀') }), { nil: null });
const num = fc.option(fc.integer({ min: -1e9, max: 1e9 }), { nil: null });

function rel(s: (string | null)[], n: (number | null)[]): Rel {
  return { fields: [{ name: 's', dt: 'String' }, { name: 'n,"x"', dt: 'Int64' }], cols: [fromValues('String', s), fromValues('Int64', n)], len: s.length };
}

describe('COPY formats', () => {
  it('CSV and JSON read back what they wrote', () => {
    fc.assert(fc.property(fc.array(fc.tuple(text, num), { maxLength: 8 }), fc.constantFrom('csv' as const, 'json' as const), (rs, format) => {
      const r = rel(rs.map((x) => x[0]), rs.map((x) => x[1]));
      const back = readRows(writeRows(r, format), format, 'f');
      if (format === 'csv') expect(back.columns).toEqual(['s', 'n,"x"']);
      const col = (name: string) => back.columns.indexOf(name);
      back.rows.forEach((row, i) => {
        const s = col('s') < 0 ? null : row[col('s')]!;
        const n = col('n,"x"') < 0 ? null : row[col('n,"x"')]!;
        expect(s).toEqual(rs[i]![0]);
        expect(n === null ? null : Number(n)).toEqual(rs[i]![1]);
      });
      expect(back.rows.length).toBe(rs.length);
    }), { numRuns: 500 });
  });

  it('any text either reads or fails naming the file and a line', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '{', '}', ':', '1') }), fc.constantFrom('csv' as const, 'json' as const), (t, format) => {
      try { readRows(t, format, 'in.txt'); } catch (e) { expect((e as Error).message).toMatch(/^COPY FROM 'in\.txt': line \d+: /); }
    }), { numRuns: 1000 });
  });
});
