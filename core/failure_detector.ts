// Phi accrual failure detection (Hayashibara et al.): how suspicious a node's silence is, from the spread of the gaps
// between its heartbeats as they arrived here. Pure: arrival times come in, phi goes out; the caller owns the clock.

export interface PhiOptions {
  /** Gaps remembered (a sliding window). */
  windowSize: number;
  /** A floor under the gaps' standard deviation: a perfectly regular sender is not declared dead on the first late beat. */
  minStdDevMs: number;
  /** Silence always tolerated on top of the usual gap (a GC pause, a loaded machine). */
  acceptablePauseMs: number;
  /** The gap assumed before any was measured (the sender's configured interval). */
  firstIntervalMs: number;
}

export const PHI_DEFAULTS: PhiOptions = { windowSize: 100, minStdDevMs: 100, acceptablePauseMs: 500, firstIntervalMs: 500 };

/** The gaps of one sender: a ring of the last `windowSize`, with running sums for the mean and variance. */
export interface PhiState {
  readonly gaps: Float64Array;
  /** Gaps stored (up to the window size) and where the next one goes. */
  count: number;
  next: number;
  sum: number;
  sumSq: number;
  /** Arrival time of the last heartbeat, or null before the first. */
  last: number | null;
}

export function newPhiState(o: PhiOptions = PHI_DEFAULTS): PhiState {
  const s: PhiState = { gaps: new Float64Array(o.windowSize), count: 0, next: 0, sum: 0, sumSq: 0, last: null };
  // Two assumed gaps around the configured interval, so the first phi values are meaningful (as Akka seeds it).
  const sd = o.firstIntervalMs / 4;
  push(s, o.firstIntervalMs - sd);
  push(s, o.firstIntervalMs + sd);
  return s;
}

function push(s: PhiState, gap: number): void {
  if (s.count === s.gaps.length) {
    const old = s.gaps[s.next]!;
    s.sum -= old;
    s.sumSq -= old * old;
  } else s.count++;
  s.gaps[s.next] = gap;
  s.sum += gap;
  s.sumSq += gap * gap;
  s.next = (s.next + 1) % s.gaps.length;
}

/** Records a heartbeat that arrived at `at` (ms). A time that went backwards is ignored. */
export function heartbeat(s: PhiState, at: number): void {
  if (s.last !== null) {
    if (at < s.last) return;
    push(s, at - s.last);
  }
  s.last = at;
}

export function meanGap(s: PhiState): number {
  return s.sum / s.count;
}

export function stdDevGap(s: PhiState, o: PhiOptions = PHI_DEFAULTS): number {
  const mean = meanGap(s);
  const v = Math.max(0, s.sumSq / s.count - mean * mean);
  return Math.max(Math.sqrt(v), o.minStdDevMs);
}

/**
 * Phi at `now`: -log10 of the probability that a heartbeat still comes after this much silence, by a logistic
 * approximation of the normal distribution of the gaps (shifted by the acceptable pause). 0 before the first beat.
 * Phi 1 means a 10% chance the sender is alive and slow, 3 a 0.1% chance, 8 one in 10^8.
 */
export function phi(s: PhiState, now: number, o: PhiOptions = PHI_DEFAULTS): number {
  if (s.last === null) return 0;
  const elapsed = Math.max(0, now - s.last);
  const mean = meanGap(s) + o.acceptablePauseMs;
  const y = (elapsed - mean) / stdDevGap(s, o);
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  const p = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e);
  // p underflows to 0 after a very long silence: phi is then as large as a double allows to say.
  return p <= 0 ? Number.MAX_VALUE : Math.max(0, -Math.log10(p));
}

/** What the detector concludes about a sender at `now`: alive, suspected (worth a probe), or dead without one. */
export type Verdict = 'alive' | 'suspect' | 'dead';

export interface VerdictThresholds {
  /** At or above: suspected; a probe (is the node still connected?) decides. */
  suspect: number;
  /** At or above: dead, whatever a probe says (a node that is connected but does nothing). */
  dead: number;
}

export const VERDICT_DEFAULTS: VerdictThresholds = { suspect: 1, dead: 12 };

export function verdict(s: PhiState, now: number, t: VerdictThresholds = VERDICT_DEFAULTS, o: PhiOptions = PHI_DEFAULTS): Verdict {
  const v = phi(s, now, o);
  return v >= t.dead ? 'dead' : v >= t.suspect ? 'suspect' : 'alive';
}
