// The full-text index of one segment column: build to bytes, open once, probe with matches / matches_term queries.
import { InvalidArgumentError } from '../../errors.ts';
import type { AnalyzerOptions } from './analyzer.ts';
import { analyzerOptions } from './analyzer.ts';
import type { BloomReader } from './bloom_backend.ts';
import { bloomAlgebra, bloomRanges, buildBloom, openBloom, subAlgebra, subRanges } from './bloom_backend.ts';
import type { Backend, RowRanges, TextColumn } from './column.ts';
import { readHeader } from './column.ts';
import type { Analyzed, CandidateAlgebra } from './eval.ts';
import { candidates, compileQuery } from './eval.ts';
import type { PostingsReader } from './postings_backend.ts';
import { buildPostings, openPostings, postingsAlgebra, postingsRanges } from './postings_backend.ts';
import { termTokens } from './term.ts';

export interface FulltextIndexOptions extends AnalyzerOptions {
  backend: Backend;
  /** bloom: rows per filter (GreptimeDB's default 10,240). */
  granularity: number;
  /** bloom: false-positive rate per filter, in (0, 1) (default 0.01). */
  falsePositiveRate: number;
}

/**
 * Options from FULLTEXT INDEX WITH (...) (keys lower-cased), defaults as GreptimeDB's; a value out of range is an
 * InvalidArgumentError naming the option (the DDL checks the same ranges first).
 */
export function fulltextIndexOptions(raw: Record<string, string> = {}): FulltextIndexOptions {
  const backend = (raw.backend ?? 'bloom').toLowerCase();
  if (backend !== 'bloom' && backend !== 'tantivy') throw new InvalidArgumentError(`FULLTEXT INDEX option backend: '${raw.backend}', expected 'bloom' or 'tantivy'`);
  const granularity = raw.granularity === undefined ? 10240 : Number(raw.granularity);
  if (!Number.isInteger(granularity) || granularity < 1 || granularity > 1 << 20) throw new InvalidArgumentError(`FULLTEXT INDEX option granularity: '${raw.granularity}', expected an integer in 1..1048576`);
  const fpr = raw.false_positive_rate === undefined ? 0.01 : Number(raw.false_positive_rate);
  if (!(fpr > 0 && fpr < 1)) throw new InvalidArgumentError(`FULLTEXT INDEX option false_positive_rate: '${raw.false_positive_rate}', expected a number in (0, 1)`);
  return { ...analyzerOptions(raw), backend, granularity, falsePositiveRate: fpr };
}

/** `sub`: the bloom backend's second-level granule (default: 1,024 rows under a larger granule; tests pass small ones, 0 for none). */
export function buildFulltextIndex(col: TextColumn, rows: number, o: FulltextIndexOptions, sub?: number): Uint8Array {
  return o.backend === 'bloom' ? buildBloom(col, rows, o, o.granularity, o.falsePositiveRate, sub) : buildPostings(col, rows, o);
}

export type FulltextReader = BloomReader | PostingsReader;

export function openFulltextIndex(bytes: Uint8Array): FulltextReader {
  return readHeader(bytes).backend === 'bloom' ? openBloom(bytes) : openPostings(bytes);
}

/**
 * What a scan asks: `matches_term(col, term)` / `col @@ term`, or `matches(col, query)` under the column's analyzer
 * (`options` undefined when the column has no FULLTEXT INDEX: then matches() is substring tests only).
 */
export type FulltextQuery =
  | { kind: 'term'; term: string }
  | { kind: 'matches'; query: string; options: AnalyzerOptions | undefined };

/**
 * The query as the index must see it, or undefined when this index cannot answer it: a matches() query analyzed
 * another way than the index was built (other analyzer; a case-sensitive index for a case-insensitive query), or
 * malformed (the function reports that error). A case-insensitive index answers case-sensitive queries (superset).
 */
function plan(r: FulltextReader, q: FulltextQuery): Analyzed | 'none' | undefined {
  if (q.kind === 'term') {
    const toks = termTokens(q.term, r.opts);
    return toks.length === 0 ? undefined : { t: 'and', kids: toks.map((t) => ({ t: 'tokens', tokens: [t] })) };
  }
  if (!q.options || q.options.analyzer !== r.opts.analyzer) return undefined;
  if (r.opts.caseSensitive && !q.options.caseSensitive) return undefined;
  try { return compileQuery(q.query, r.opts); } catch { return undefined; }
}

/** Rows that may match `q` (never drops a matching row), or undefined when the index cannot answer. */
export function probeFulltextIndex(index: FulltextReader | Uint8Array, q: FulltextQuery): RowRanges | undefined {
  const r = index instanceof Uint8Array ? openFulltextIndex(index) : index;
  const a = plan(r, q);
  if (a === undefined) return undefined;
  if (a === 'none') return { start: new Uint32Array(0), end: new Uint32Array(0) };
  if (r.backend === 'bloom') {
    const first = bloomRanges(r, candidates(a, bloomAlgebra(r) as CandidateAlgebra<Uint8Array | null>));
    // the second level narrows the first's granules to the sub-granules whose own filters may hold the tokens
    return r.sub ? subRanges(r.sub, candidates(a, subAlgebra(r.sub, first)), first) : first;
  }
  return postingsRanges(r, candidates(a, postingsAlgebra(r) as CandidateAlgebra<Uint32Array | null>));
}
