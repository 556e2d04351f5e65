// Index selections shared by the scans of one query: a PromQL selector over many metrics on one physical table scans
// the same segments once per metric, each asking the segments' indexes the same predicate.
import type { RowSelection } from '../../core/index.ts';

/** Queries whose selections are kept (the most recent first out last); older ones are dropped whole. */
const QUERIES_KEPT = 16;
/** Selections one query may keep; past that it computes without keeping (a query over very many segments). */
const ENTRIES_PER_QUERY = 4096;

/** One query's selections by segment index file, index entry and predicate (undefined: the index did not answer). */
export type SelectionMemo = (key: string, compute: () => RowSelection | undefined) => RowSelection | undefined;

/**
 * Per-query memos of index selections, keyed by a query id the scans carry (ScanRequest.queryId). A query's scans
 * arrive close together, so the last few queries are kept and the oldest dropped; the key names the index file, which
 * is immutable (a rebuild writes a new one), so a kept selection never goes stale.
 */
export class QuerySelections {
  private readonly queries = new Map<string, Map<string, RowSelection | undefined>>();
  /** Index lookups computed (not answered from a memo): what a test counts. */
  computed = 0;

  memo(queryId: string | undefined): SelectionMemo {
    if (queryId === undefined) return (_key, compute) => this.count(compute);
    let m = this.queries.get(queryId);
    if (m) {
      // most recently used last
      this.queries.delete(queryId);
      this.queries.set(queryId, m);
    } else {
      m = new Map();
      this.queries.set(queryId, m);
      if (this.queries.size > QUERIES_KEPT) this.queries.delete(this.queries.keys().next().value!);
    }
    const kept = m;
    return (key, compute) => {
      if (kept.has(key)) return kept.get(key);
      const got = this.count(compute);
      if (kept.size < ENTRIES_PER_QUERY) kept.set(key, got);
      return got;
    };
  }

  private count(compute: () => RowSelection | undefined): RowSelection | undefined {
    this.computed++;
    return compute();
  }
}
