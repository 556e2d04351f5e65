// Full-text index backends (bloom per granule, term postings): on random text and random queries, evaluating the
// function only on the probe's candidate rows keeps exactly the rows of a full evaluation (no false negatives).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnalyzerOptions, FulltextIndexOptions, FulltextQuery, TextColumn } from '../../../../core/index/fulltext/index.ts';
import {
  buildFulltextIndex, compileQuery, fulltextIndexOptions, matchText, matchesTerm, openFulltextIndex, probeFulltextIndex, rangesToMask,
} from '../../../../core/index/fulltext/index.ts';

const WORDS = ['error', 'Error', 'ERROR', 'disk', 'full', 'node-b', 'GET', '/app/start', 'a1', '错误', '发生错误', 'x', 'trace_9f'];
const SEPS = [' ', ', ', ': ', '-', '/', ''];
// words and separators, and mixed-script text with no separators at all ('系统error发生', 'Größe日x')
const MIXED = ['系', '统', '错', '误', 'error', 'E', '1', '8', 'é', 'ö', 'я', '_', '.', ' ', '𠀀', '𝟘'];
const textArb = fc.option(fc.oneof(
  fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPS)), { maxLength: 6 }).map((ps) => ps.map(([w, s]) => w + s).join('')),
  fc.array(fc.constantFrom(...MIXED), { maxLength: 10 }).map((a) => a.join('')),
), { nil: null, freq: 8 });
const mixedTermArb = fc.array(fc.constantFrom(...MIXED), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));

const queryArb: fc.Arbitrary<string> = fc.letrec<{ q: string }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...WORDS.filter((w) => w !== '/app/start')),
    fc.constantFrom(...WORDS).map((w) => `"${w} ${w === 'disk' ? 'full' : 'x'}"`),
    fc.tuple(fc.constantFrom('+', '-', ''), tie('q')).map(([p, q]) => (/^[("\w\u4e00-\u9fff]/.test(q) ? p + q : q)),
    fc.tuple(tie('q'), fc.constantFrom(' AND ', ' OR ', ' '), tie('q')).map(([a, op, b]) => a + op + b),
    tie('q').map((q) => `(${q})`),
  ),
})).q;

function optionsArb(): fc.Arbitrary<FulltextIndexOptions> {
  return fc.record({
    analyzer: fc.constantFrom('English' as const, 'Chinese' as const),
    caseSensitive: fc.boolean(),
    backend: fc.constantFrom('bloom' as const, 'tantivy' as const),
    granularity: fc.integer({ min: 1, max: 8 }),
    falsePositiveRate: fc.constantFrom(0.01, 0.3, 0.9),
  });
}

function column(texts: (string | null)[], dict: boolean): TextColumn {
  if (!dict) return texts;
  const d: string[] = [];
  const at = new Map<string, number>();
  const values = Int32Array.from(texts, (t) => { if (t === null) return -1; let k = at.get(t); if (k === undefined) { k = d.length; d.push(t); at.set(t, k); } return k; });
  return { values, valid: null, dict: d };
}

function evaluate(q: FulltextQuery, text: string | null, colOpts: AnalyzerOptions): boolean {
  if (text === null) return false;
  if (q.kind === 'term') return matchesTerm(text, q.term);
  return matchText(compileQuery(q.query, colOpts), text, colOpts);
}

describe('full-text index', () => {
  it('no false negatives: candidates then the function equals the function over every row', () => {
    const qArb = fc.oneof(
      queryArb.map((query) => ({ kind: 'matches' as const, query })),
      fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom('disk full', 'error:', ' error', '错误', 'Error,', '', 'error', '系统', '统error'), mixedTermArb).map((term) => ({ kind: 'term' as const, term })),
    );
    fc.assert(fc.property(fc.array(textArb, { maxLength: 40 }), optionsArb(), fc.boolean(), qArb, fc.boolean(), (texts, o, dict, q0, sameOpts) => {
      const colOpts: AnalyzerOptions = sameOpts ? { analyzer: o.analyzer, caseSensitive: o.caseSensitive } : { analyzer: 'English', caseSensitive: !o.caseSensitive };
      const q: FulltextQuery = q0.kind === 'term' ? q0 : { ...q0, options: colOpts };
      const bytes = buildFulltextIndex(column(texts, dict), texts.length, o);
      const sel = probeFulltextIndex(openFulltextIndex(bytes), q);
      const mask = sel ? rangesToMask(sel, texts.length) : new Uint8Array(texts.length).fill(1);
      for (let r = 0; r < texts.length; r++) {
        if (evaluate(q, texts[r]!, colOpts)) expect(mask[r], `row ${r} '${texts[r]}' dropped for ${JSON.stringify(q)}`).toBe(1);
      }
      if (sel) for (let i = 0; i < sel.start.length; i++) expect(sel.start[i]! < sel.end[i]! && (i === 0 || sel.end[i - 1]! < sel.start[i]!)).toBe(true);
    }), { numRuns: 1500 });
  });

  it('prunes: a rare token selects only its rows (postings) or its granules (bloom)', () => {
    const texts = Array.from({ length: 5000 }, (_, i) => (i === 4321 ? 'request trace_abc failed' : `request ${i % 7} ok`));
    const q: FulltextQuery = { kind: 'term', term: 'trace_abc' };
    const exact = probeFulltextIndex(buildFulltextIndex(texts, texts.length, fulltextIndexOptions({ backend: 'tantivy' })), q)!;
    expect([...exact.start, ...exact.end]).toEqual([4321, 4322]);
    const bloom = probeFulltextIndex(buildFulltextIndex(texts, texts.length, fulltextIndexOptions({ granularity: '100' })), q)!;
    expect(bloom.start[0]).toBe(4300);
    expect(bloom.end[0]).toBe(4400);
    expect(bloom.start.length).toBeLessThanOrEqual(2);
    const none = probeFulltextIndex(buildFulltextIndex(texts, texts.length, fulltextIndexOptions({ backend: 'tantivy' })), { kind: 'matches', query: 'missing', options: { analyzer: 'English', caseSensitive: false } })!;
    expect(none.start.length).toBe(0);
  });

  it('cannot answer a query analyzed differently (the scan then reads every row)', () => {
    const bytes = buildFulltextIndex(['Error here'], 1, fulltextIndexOptions({ case_sensitive: 'true' }));
    expect(probeFulltextIndex(bytes, { kind: 'matches', query: 'error', options: { analyzer: 'English', caseSensitive: false } })).toBeUndefined();
    expect(probeFulltextIndex(bytes, { kind: 'matches', query: 'Error', options: { analyzer: 'Chinese', caseSensitive: true } })).toBeUndefined();
    expect(probeFulltextIndex(bytes, { kind: 'matches', query: 'a AND', options: { analyzer: 'English', caseSensitive: true } })).toBeUndefined();
  });

  it('bloom second level: never drops a match, only narrows the first level, and leaves the older layout as it was', () => {
    const qArb = fc.oneof(
      queryArb.map((query) => ({ kind: 'matches' as const, query })),
      fc.oneof(fc.constantFrom(...WORDS, 'disk full', '错误'), mixedTermArb).map((term) => ({ kind: 'term' as const, term })),
    );
    const sizes = fc.integer({ min: 2, max: 12 }).chain((g) => fc.tuple(fc.constant(g), fc.integer({ min: 1, max: g - 1 })));
    fc.assert(fc.property(fc.array(textArb, { maxLength: 80 }), sizes, fc.constantFrom(0.01, 0.3), fc.boolean(), qArb, (texts, [g, sub], fpr, dict, q0) => {
      const o = { analyzer: 'English' as const, caseSensitive: false, backend: 'bloom' as const, granularity: g, falsePositiveRate: fpr };
      const q: FulltextQuery = q0.kind === 'term' ? q0 : { ...q0, options: { analyzer: 'English', caseSensitive: false } };
      const col = column(texts, dict);
      const two = buildFulltextIndex(col, texts.length, o, sub), one = buildFulltextIndex(col, texts.length, o, 0);
      // an older build wrote the first level alone, byte for byte; it reads the same without the second level
      expect(two.subarray(0, one.length)).toEqual(one);
      const sel1 = probeFulltextIndex(openFulltextIndex(one), q), sel2 = probeFulltextIndex(openFulltextIndex(two), q);
      expect(probeFulltextIndex(openFulltextIndex(two.subarray(0, one.length)), q)).toEqual(sel1);
      const m1 = sel1 ? rangesToMask(sel1, texts.length) : new Uint8Array(texts.length).fill(1);
      const m2 = sel2 ? rangesToMask(sel2, texts.length) : new Uint8Array(texts.length).fill(1);
      for (let r = 0; r < texts.length; r++) {
        if (evaluate(q, texts[r]!, o)) expect(m2[r], `row ${r} '${texts[r]}' dropped for ${JSON.stringify(q)}`).toBe(1);
        if (m2[r]) expect(m1[r]).toBe(1);
      }
    }), { numRuns: 1000 });
  });

  it('bloom second level: a rare token selects its 1,024-row sub-granule of a 10,240-row granule', () => {
    const texts = Array.from({ length: 30_000 }, (_, i) => (i === 14_321 ? 'request trace_abc failed' : `request ${i} ok`));
    const sel = probeFulltextIndex(buildFulltextIndex(texts, texts.length, fulltextIndexOptions({})), { kind: 'term', term: 'trace_abc' })!;
    expect(sel.start[0]).toBe(14_336 - 1024);
    expect(sel.end[0]).toBe(14_336);
    expect(sel.start.length).toBe(1);
  });

  it('option ranges and corrupt files are clear errors', () => {
    expect(() => fulltextIndexOptions({ granularity: '0' })).toThrow(/granularity/);
    expect(() => fulltextIndexOptions({ false_positive_rate: '1' })).toThrow(/false_positive_rate/);
    expect(() => fulltextIndexOptions({ backend: 'lucene' })).toThrow(/backend/);
    expect(() => openFulltextIndex(new Uint8Array(20))).toThrow(/not a full-text index/);
  });
});
