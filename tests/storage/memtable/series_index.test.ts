// SeriesIndex (columnar series interning) gives the ids and tuples of the plain path: one string key per row's tuple.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Column } from '../../../core/index.ts';
import { SeriesIndex } from '../../../storage/memtable/series_index.ts';

type Form = 'absent' | 'dict' | 'plain' | 'int';
interface TagSpec { form: Form; vals: (string | null)[]; bad: boolean[] }

const value = fc.oneof(fc.constantFrom('a', 'b', '', 'a,b', '1:a', '-', 'hé'), fc.constant(null));

/** A tag column of n rows in one of the forms a batch can carry. */
function columnOf(spec: TagSpec, n: number): Column | undefined {
  const vals = spec.vals.slice(0, n);
  const valid = vals.some((v) => v === null) ? Uint8Array.from(vals, (v) => (v === null ? 0 : 1)) : null;
  const base = { name: 't', type: 'string' as const, semantic: 'tag' as const };
  switch (spec.form) {
    case 'absent': return undefined;
    case 'plain': return { ...base, values: vals, valid: null };
    case 'int': return { ...base, type: 'int64', values: BigInt64Array.from(vals, (v) => BigInt(v === null ? 0 : v.length)), valid };
    case 'dict': {
      const dict = [...new Set(vals.filter((v): v is string => v !== null))];
      // codes outside the dictionary read as null, as valueAt does
      const codes = Int32Array.from(vals, (v, i) => (v === null ? (spec.bad[i] ? dict.length + 3 : -1) : dict.indexOf(v)));
      return { ...base, values: codes, valid: spec.bad.some(Boolean) ? null : valid, dict };
    }
  }
}

/** The tag value the plain path reads for row i. */
function plainValue(spec: TagSpec, c: Column | undefined, i: number): string | null {
  if (!c) return null;
  const v = spec.vals[i]!;
  if (v === null) return null;
  return spec.form === 'int' ? String(v.length) : v;
}

/** The plain path: one key string per row. */
class PlainIndex {
  readonly tuples: (string | null)[][] = [];
  private ids = new Map<string, number>();
  intern(tuple: (string | null)[]): number {
    const key = JSON.stringify(tuple);
    let id = this.ids.get(key);
    if (id === undefined) { id = this.tuples.length; this.tuples.push(tuple); this.ids.set(key, id); }
    return id;
  }
  extend(fill: (string | null)[]): void {
    this.ids = new Map();
    this.tuples.forEach((t, id) => { t.push(...fill); this.ids.set(JSON.stringify(t), id); });
  }
}

const tagSpec = (n: number) => fc.record({
  form: fc.constantFrom<Form>('absent', 'dict', 'plain', 'int'),
  vals: fc.array(value, { minLength: n, maxLength: n }),
  bad: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
});

const step = (k: number) => fc.oneof(
  fc.integer({ min: 0, max: 40 }).chain((n) => fc.record({ kind: fc.constant('batch' as const), n: fc.constant(n), tags: fc.array(tagSpec(n), { minLength: k + 2, maxLength: k + 2 }) })),
  fc.record({ kind: fc.constant('extend' as const), fill: fc.array(value, { minLength: 1, maxLength: 2 }) }),
);

describe('SeriesIndex', () => {
  it('assigns the ids and tuples the plain string-key path assigns, across batch forms and primary-key growth', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.array(step(0), { maxLength: 12 }), (k0, steps) => {
      const idx = new SeriesIndex(k0);
      const plain = new PlainIndex();
      let k = k0;
      for (const s of steps) {
        if (s.kind === 'extend') { idx.extend(s.fill.length, s.fill); plain.extend(s.fill); k += s.fill.length; continue; }
        const specs = s.tags.slice(0, k);
        while (specs.length < k) specs.push({ form: 'absent', vals: [], bad: [] });
        const cols = specs.map((sp) => columnOf(sp, s.n));
        if (s.n === 0) continue; // the memtable never interns an empty batch
        const { ids } = idx.intern(s.n, cols);
        const want = Array.from({ length: s.n }, (_, i) => plain.intern(specs.map((sp, t) => plainValue(sp, cols[t], i))));
        expect([...ids]).toEqual(want);
      }
      expect(idx.seriesTags).toEqual(plain.tuples);
    }), { numRuns: 400 });
  });

  it('keeps ids stable over many series (table growth and rehash)', () => {
    const idx = new SeriesIndex(2);
    const n = 50_000;
    const host = Array.from({ length: n }, (_, i) => `h${i % 20_000}`);
    const rack = Array.from({ length: n }, (_, i) => `r${i % 7}`);
    const col = (values: string[]): Column => ({ name: 't', type: 'string', semantic: 'tag', values, valid: null });
    const a = idx.intern(n, [col(host), col(rack)]).ids;
    const b = idx.intern(n, [col(host), col(rack)]).ids;
    expect([...b]).toEqual([...a]);
    expect(idx.size).toBe(new Set(host.map((h, i) => `${h}/${rack[i]}`)).size);
  });
});
