// The smart index's decision function (pure): from observed scans of a column's predicates, when to create an index
// that pays off and when to drop an automatic one nobody uses; deterministic in the times it is given.

/** Index kinds the smart index creates: a bloom filter for = / IN, a full-text index for matches / matches_term. */
export type SmartKind = 'skipping' | 'fulltext';

export interface SmartConfig {
  /** Off: observe and report, never create or drop. */
  enabled: boolean;
  /** Queries filtering the column in the window before an index is considered. */
  minQueries: number;
  /** Mean rows a query reads (before its filter) below which an index is not worth it. */
  minRowsRead: number;
  /** Mean fraction of the rows read that the queries keep, at most (a selective predicate). */
  maxSelectivity: number;
  /** Counters start again after this long (ms). */
  windowMs: number;
  /** No new decision on a candidate for this long after the last one (ms). */
  cooldownMs: number;
  /** An automatic index no query used for this long is dropped (ms). */
  dropAfterMs: number;
}

export const DEFAULT_SMART_CONFIG: SmartConfig = {
  enabled: true, minQueries: 3, minRowsRead: 50_000, maxSelectivity: 0.01, windowMs: 10 * 60_000, cooldownMs: 60_000, dropAfterMs: 60 * 60_000,
};

/** Where a candidate stands in the table's schema when it is observed. */
export type Existing = 'none' | 'declared' | 'auto';

/** One scan's use of a candidate (table, column, kind), as the observer resolved it against the schema. */
export interface Observation {
  at: number;
  rowsRead: number;
  rowsOut: number;
  existing: Existing;
  /** Whether scans could use such an index (append-mode table or a primary-key column) and the table allows it. */
  eligible: boolean;
  /** Why not eligible (shown with the advice). */
  why?: string;
}

export type Action = 'create' | 'drop' | 'observe';

export interface CandidateState {
  windowStart: number;
  queries: number;
  rowsRead: number;
  rowsOut: number;
  lastUsedAt: number;
  existing: Existing;
  eligible: boolean;
  /** The last create / drop, and the reason of the last evaluation. */
  lastDecisionAt: number | null;
  decision: Action;
  reason: string;
  decidedAt: number;
  /** Rows a query would not read with the index, times the queries of the window (an estimate). */
  benefit: number;
}

export function emptyCandidate(at: number): CandidateState {
  return { windowStart: at, queries: 0, rowsRead: 0, rowsOut: 0, lastUsedAt: at, existing: 'none', eligible: false, lastDecisionAt: null, decision: 'observe', reason: 'no queries yet', decidedAt: at, benefit: 0 };
}

const pct = (x: number) => `${(x * 100).toPrecision(3)}%`;

function evaluate(c: CandidateState, at: number, cfg: SmartConfig): CandidateState {
  const sel = c.rowsRead > 0 ? c.rowsOut / c.rowsRead : 1;
  const meanRead = c.queries > 0 ? c.rowsRead / c.queries : 0;
  const benefit = Math.round(c.queries * meanRead * (1 - sel));
  const cooling = c.lastDecisionAt !== null && at - c.lastDecisionAt < cfg.cooldownMs;
  const hold = (reason: string): CandidateState => ({ ...c, decision: 'observe', reason, decidedAt: at, benefit });
  if (!cfg.enabled) return hold('smart index is off');
  if (c.existing === 'auto') {
    if (at - c.lastUsedAt >= cfg.dropAfterMs) {
      if (cooling) return hold('unused, in cooldown');
      return { ...c, decision: 'drop', reason: `unused for ${Math.round((at - c.lastUsedAt) / 1000)} s (limit ${cfg.dropAfterMs / 1000} s)`, decidedAt: at, lastDecisionAt: at, benefit };
    }
    return hold('automatic index in use');
  }
  if (c.existing === 'declared') return hold('index declared by the table');
  if (!c.eligible) return hold(c.reason.startsWith('not eligible') ? c.reason : 'not eligible');
  if (c.queries < cfg.minQueries) return hold(`${c.queries} of ${cfg.minQueries} queries`);
  if (meanRead < cfg.minRowsRead) return hold(`reads ${Math.round(meanRead)} rows a query, below ${cfg.minRowsRead}`);
  if (sel > cfg.maxSelectivity) return hold(`keeps ${pct(sel)} of rows read, above ${pct(cfg.maxSelectivity)}`);
  if (cooling) return hold('would create, in cooldown');
  return {
    ...c, decision: 'create', decidedAt: at, lastDecisionAt: at, benefit,
    reason: `${c.queries} queries read ${Math.round(meanRead)} rows each and keep ${pct(sel)}`,
  };
}

/** A scan used the candidate: counters, then the decision. */
export function observe(prev: CandidateState | undefined, o: Observation, cfg: SmartConfig): CandidateState {
  let c = prev ?? emptyCandidate(o.at);
  if (o.at - c.windowStart >= cfg.windowMs) c = { ...c, windowStart: o.at, queries: 0, rowsRead: 0, rowsOut: 0 };
  c = {
    ...c, queries: c.queries + 1, rowsRead: c.rowsRead + o.rowsRead, rowsOut: c.rowsOut + o.rowsOut, lastUsedAt: o.at,
    existing: o.existing, eligible: o.eligible, reason: o.eligible ? c.reason : `not eligible: ${o.why ?? 'no'}`,
  };
  return evaluate(c, o.at, cfg);
}

/** Time passed without a scan of the candidate (drops unused automatic indexes). */
export function tick(c: CandidateState, at: number, cfg: SmartConfig): CandidateState {
  return evaluate(c, at, cfg);
}

/** The schema changed under the candidate (our create / drop applied, or a user's ALTER). */
export function settle(c: CandidateState, existing: Existing, at: number): CandidateState {
  // a new index starts a fresh window: the rows it saves are measured from now on
  return { ...c, existing, decision: 'observe', lastUsedAt: at, windowStart: at, queries: 0, rowsRead: 0, rowsOut: 0 };
}
