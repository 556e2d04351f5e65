// Index kinds alone: inverted and skipping indexes never drop a matching row (fast-check against a plain scan of the
// values), the inverted index is exact, option and type checks name the problem.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EddyError, StatusCode, buildSkipping, checkIndex, openSkipping, pruneSkipping, wantedIndexes, regexPrefix, indexKind, invertedKind, likePrefix, skippingKind, toMask, valueTest,
  type ColumnPredicate, type IndexColumn, type TableSchema,
} from '../../../core/index.ts';

const ALPHABET = ['a', 'b', 'ab', 'abc', 'b.c', 'zz', 'A', 'éx', ''];

function column(values: (string | null)[]): IndexColumn {
  const dict: string[] = [];
  const at = new Map<string, number>();
  const codes = new Int32Array(values.length);
  const valid = new Uint8Array(values.length).fill(1);
  values.forEach((v, i) => {
    if (v === null) { valid[i] = 0; return; }
    let c = at.get(v);
    if (c === undefined) { c = dict.length; dict.push(v); at.set(v, c); }
    codes[i] = c;
  });
  // a dictionary entry no row uses (segments may carry them) must not break the index
  dict.push('unused');
  return { type: 'string', values: codes, valid, dict };
}

const value = fc.oneof(fc.constantFrom(...ALPHABET), fc.constant(null));
const literal = fc.constantFrom(...ALPHABET, 'nope');
const predicate: fc.Arbitrary<ColumnPredicate> = fc.oneof(
  fc.array(literal, { minLength: 1, maxLength: 3 }).map((values) => ({ column: 'c', op: 'in' as const, values })),
  literal.map((value) => ({ column: 'c', op: 'ne' as const, value })),
  fc.record({ pattern: fc.constantFrom('^a', 'b$', 'b\\.c', '.', 'Z', '^$', 'x', '^ab?', '^b\\.?c', '^b\\.c', '^(a|b)', '^a+b', '^éx$', '^a{0}b'), flags: fc.constantFrom('' as const, 'i' as const), negated: fc.boolean() })
    .map((r) => ({ column: 'c', op: 'regex' as const, ...r })),
  fc.record({ pattern: fc.constantFrom('a%', 'ab%', '%c', 'b_c', '%', 'A%', 'é%', 'a\\%'), caseInsensitive: fc.boolean(), negated: fc.boolean() })
    .map((r) => ({ column: 'c', op: 'like' as const, ...r, prefix: likePrefix(r.pattern) })),
);

function expected(values: (string | null)[], p: ColumnPredicate): Uint8Array {
  const t = valueTest(p);
  return Uint8Array.from(values, (v) => (v !== null && t(v) ? 1 : 0));
}

describe('inverted index', () => {
  it('selects exactly the rows whose value matches (random values and predicates)', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 200 }), predicate, (values, p) => {
      const col = column(values);
      const r = invertedKind.open(invertedKind.build([col], values.length, {}));
      const sel = invertedKind.prune(r, p, values.length)!;
      expect(toMask(sel, values.length)).toEqual(expected(values, p));
      for (let i = 1; i < sel.start.length; i++) expect(sel.start[i]!).toBeGreaterThan(sel.end[i - 1]!);
    }), { numRuns: 300 });
  });

  it('estimates exactly the rows its selection keeps, in at least its ranges (random values and predicates)', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 200 }), predicate, (values, p) => {
      const r = invertedKind.open(invertedKind.build([column(values)], values.length, {}));
      const sel = invertedKind.prune(r, p, values.length)!;
      const est = invertedKind.estimate!(r, p)!;
      expect(est.rows).toBe(toMask(sel, values.length).reduce((a, b) => a + b, 0));
      // postings of several values may touch and merge into one range: never fewer postings than ranges
      expect(est.ranges).toBeGreaterThanOrEqual(sel.start.length);
    }), { numRuns: 300 });
  });

  it('keeps a series of a sorted segment as one range', () => {
    const values = ['a', 'a', 'a', 'b', 'b', 'c'];
    const r = invertedKind.open(invertedKind.build([column(values)], 6, {}));
    const sel = invertedKind.prune(r, { column: 'c', op: 'in', values: ['b'] }, 6)!;
    expect([...sel.start, ...sel.end]).toEqual([3, 5]);
  });
});

it('takes the literal start of anchored regexes, never past an optional part', () => {
  expect(regexPrefix('^host-0424[0-9]$')).toBe('host-0424');
  expect(regexPrefix('^ab?c')).toBe('a');
  expect(regexPrefix('^a\\.?b')).toBe('a');
  expect(regexPrefix('^a\\.b')).toBe('a.b');
  expect(regexPrefix('^a\\db')).toBe('a');
  expect(regexPrefix('^a|b')).toBe('');
  expect(regexPrefix('abc')).toBe('');
});

describe('skipping index', () => {
  it('never drops a granule holding a wanted value', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 300 }), fc.array(literal, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 40 }), (values, want, g) => {
      const o = skippingKind.options({ granularity: String(g), false_positive_rate: '0.01' }, 'c');
      const r = skippingKind.open(skippingKind.build([column(values)], values.length, o));
      const p: ColumnPredicate = { column: 'c', op: 'in', values: want };
      const mask = toMask(skippingKind.prune(r, p, values.length)!, values.length);
      const exp = expected(values, p);
      for (let i = 0; i < values.length; i++) if (exp[i]) expect(mask[i]).toBe(1);
      // whole granules: a selected row's granule is selected whole
      for (let i = 0; i < values.length; i++) expect(mask[i]).toBe(mask[Math.floor(i / g) * g]);
    }), { numRuns: 300 });
  });

  it('skips most granules for a needle (false-positive rate about as asked)', () => {
    const n = 200_000, g = 1000;
    const values = Array.from({ length: n }, (_, i) => `trace-${i}`);
    const o = skippingKind.options({ granularity: String(g), false_positive_rate: '0.01' }, 'c');
    const r = skippingKind.open(skippingKind.build([column(values)], n, o));
    let hits = 0;
    for (let q = 0; q < 200; q++) hits += toMask(skippingKind.prune(r, { column: 'c', op: 'in', values: [`absent-${q}`] }, n)!, n).reduce((a, b) => a + b, 0) / g;
    expect(hits / (200 * (n / g))).toBeLessThan(0.03);
    const one = skippingKind.prune(r, { column: 'c', op: 'in', values: ['trace-123456'] }, n)!;
    const m = toMask(one, n);
    expect(m[123456]).toBe(1);
    expect(m.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5 * g);
  });

  it('second level: never drops a wanted row, only narrows the first level, and leaves the older layout as it was', () => {
    const sizes = fc.integer({ min: 2, max: 40 }).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 1, max: g - 1 })));
    fc.assert(fc.property(fc.array(value, { maxLength: 300 }), fc.array(literal, { minLength: 1, maxLength: 3 }), sizes, fc.constantFrom(0.01, 0.5), (values, want, [g, sub], fpr) => {
      const o = skippingKind.options({ granularity: String(g), false_positive_rate: String(fpr) }, 'c');
      const col = column(values);
      const two = buildSkipping(col, values.length, o, sub), one = buildSkipping(col, values.length, o, 0);
      // an older build wrote the first level alone, byte for byte, and reads it the same
      expect(two.subarray(0, one.length)).toEqual(one);
      const p: ColumnPredicate = { column: 'c', op: 'in', values: want };
      const r2 = openSkipping(two), r1 = openSkipping(one);
      expect(r1.sub).toBeUndefined();
      expect(pruneSkipping(openSkipping(two.subarray(0, one.length)), p, values.length)).toEqual(pruneSkipping(r1, p, values.length));
      const m2 = toMask(pruneSkipping(r2, p, values.length)!, values.length), m1 = toMask(pruneSkipping(r1, p, values.length)!, values.length);
      const exp = expected(values, p);
      for (let i = 0; i < values.length; i++) {
        if (exp[i]) expect(m2[i]).toBe(1);
        if (m2[i]) expect(m1[i]).toBe(1);
      }
    }), { numRuns: 500 });
  });

  it('second level: a needle in 10,240-row granules selects about 1,024 rows', () => {
    const n = 100_000;
    const values = Array.from({ length: n }, (_, i) => `trace-${i}`);
    const r = skippingKind.open(skippingKind.build([column(values)], n, skippingKind.options({}, 'c')));
    let rows = 0;
    for (let q = 0; q < 50; q++) {
      const at = (q * 7919) % n;
      const m = toMask(skippingKind.prune(r, { column: 'c', op: 'in', values: [`trace-${at}`] }, n)!, n);
      expect(m[at]).toBe(1);
      rows += m.reduce((a, b) => a + b, 0);
    }
    expect(rows / 50).toBeLessThan(1.5 * 1024);
  });

  it('rejects options out of range, naming the option and the range', () => {
    const err = (raw: Record<string, string>) => { try { skippingKind.options(raw, 'trace_id'); } catch (e) { return e as EddyError; } return null; };
    expect(err({ granularity: '0' })?.message).toMatch(/granularity = 0 is out of range, expected an integer from 1 to 1048576/);
    expect(err({ granularity: '2000000' })?.message).toMatch(/granularity/);
    expect(err({ false_positive_rate: '1.5' })?.message).toMatch(/false_positive_rate = 1.5 is out of range, expected 0 < rate < 1/);
    expect(err({ false_positive_rate: '0' })?.code).toBe(StatusCode.InvalidArguments);
    expect(err({ colour: 'red' })?.message).toMatch(/unknown option 'colour'/);
  });

  it('refuses a column type it cannot index; an INVERTED or SKIPPING INDEX on a non-string column is accepted (as GreptimeDB) and not built', () => {
    const n = { name: 'n', type: 'float64' as const, semantic: 'field' as const, nullable: true };
    expect(() => checkIndex('skipping', n, { granularity: '1024' })).not.toThrow();
    expect(() => checkIndex('skipping', n, { granularity: '0' })).toThrow(/granularity = 0 is out of range/);
    const ts = { name: 'ts', type: 'timestamp' as const, semantic: 'timestamp' as const, nullable: false };
    const schema = { db: 'd', name: 't', id: 1, version: 1, columns: [{ ...n, indexes: { skipping: {} } }, ts], timeIndex: 'ts', primaryKey: [], options: {}, regions: 1, createdAt: 0 };
    expect(wantedIndexes(schema as TableSchema)).toEqual([]);
    expect(() => checkIndex('inverted', { name: 'n', type: 'int64', semantic: 'field', nullable: true }, {})).not.toThrow();
    expect(() => checkIndex('fulltext', { name: 'n', type: 'int64', semantic: 'field', nullable: true }, {})).toThrow(/FULLTEXT INDEX is not supported on column n of type int64/);
    expect(indexKind('inverted')).toBe(invertedKind);
  });
});
