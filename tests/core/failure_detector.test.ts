// Phi accrual failure detector (core/failure_detector.ts): properties over random heartbeat histories.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { heartbeat, meanGap, newPhiState, phi, stdDevGap, verdict, PHI_DEFAULTS, type PhiOptions } from '../../core/index.ts';

const opts: PhiOptions = { ...PHI_DEFAULTS, windowSize: 20 };

/** A history: the start time and the gaps between beats. */
const history = fc.record({
  t0: fc.integer({ min: 0, max: 1e9 }),
  gaps: fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 0, maxLength: 60 }),
});

function feed(h: { t0: number; gaps: number[] }) {
  const s = newPhiState(opts);
  let t = h.t0;
  heartbeat(s, t);
  for (const g of h.gaps) heartbeat(s, (t += g));
  return { s, last: t };
}

describe('phi accrual', () => {
  it('phi never decreases while the silence grows, and is 0 before the first beat', () => {
    expect(phi(newPhiState(opts), 123, opts)).toBe(0);
    fc.assert(fc.property(history, fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 2, maxLength: 20 }), (h, waits) => {
      const { s, last } = feed(h);
      const sorted = [...waits].sort((a, b) => a - b);
      let prev = -1;
      for (const w of sorted) {
        const v = phi(s, last + w, opts);
        expect(v).toBeGreaterThanOrEqual(prev);
        prev = v;
      }
    }));
  });

  it('no suspicion while the silence is within the usual gap plus the acceptable pause (no flapping)', () => {
    fc.assert(fc.property(history, fc.double({ min: 0, max: 1, noNaN: true }), (h, f) => {
      const { s, last } = feed(h);
      const within = (meanGap(s) + opts.acceptablePauseMs) * f;
      expect(verdict(s, last + within, { suspect: 1, dead: 12 }, opts)).toBe('alive');
    }));
  });

  it('a silent sender is declared dead once the silence exceeds the usual gap, the pause and seven deviations', () => {
    fc.assert(fc.property(history, (h) => {
      const { s, last } = feed(h);
      const at = last + meanGap(s) + opts.acceptablePauseMs + 7 * stdDevGap(s, opts);
      expect(verdict(s, at, { suspect: 1, dead: 12 }, opts)).toBe('dead');
    }));
  });

  it('regular 500 ms beats: dead within 2 s of the last one (the 3 s failover budget), alive at 1 s', () => {
    const s = newPhiState(opts);
    for (let t = 0; t <= 10_000; t += 500) heartbeat(s, t);
    expect(verdict(s, 11_000, { suspect: 1, dead: 12 }, opts)).toBe('alive');
    expect(verdict(s, 12_000, { suspect: 1, dead: 12 }, opts)).toBe('dead');
  });

  it('the window forgets: after the sender slows down, its new gaps are what counts', () => {
    const s = newPhiState(opts);
    let t = 0;
    for (let i = 0; i < 40; i++) heartbeat(s, (t += 200));
    for (let i = 0; i < 40; i++) heartbeat(s, (t += 2_000));
    expect(meanGap(s)).toBeCloseTo(2_000, 6);
    // 2.2 s of silence is usual now
    expect(verdict(s, t + 2_200, { suspect: 1, dead: 12 }, opts)).toBe('alive');
  });

  it('a heartbeat time that goes backwards is ignored', () => {
    fc.assert(fc.property(history, fc.integer({ min: 1, max: 10_000 }), (h, back) => {
      const { s, last } = feed(h);
      const before = { mean: meanGap(s), last: s.last };
      heartbeat(s, last - back);
      expect(meanGap(s)).toBe(before.mean);
      expect(s.last).toBe(before.last);
    }));
  });
});
