// The datanode supervisor's follow-the-routes decisions (pure): examples, and fast-check over random route changes
// and open/close completions: a region is never opened twice or while it closes, and once things settle exactly the
// regions routed here run.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { followDecisions } from '../../../actors/region/follow.ts';

const none = new Set<string>();

describe('followDecisions', () => {
  it('opens what is routed here, closes what is routed away', () => {
    expect(followDecisions({ routed: ['a', 'b'], running: ['b', 'c'], opening: [], closing: [], dropped: none })).toEqual({ open: ['a'], close: ['c'] });
  });

  it('leaves regions alone while they open or close', () => {
    // 'a' is opening: not opened again. 'b' closes and is routed back: reopened only after the close finished.
    expect(followDecisions({ routed: ['a', 'b'], running: [], opening: ['a'], closing: ['b'], dropped: none })).toEqual({ open: [], close: [] });
    // 'c' was routed away while opening: closed once it runs, not in the middle of its open.
    expect(followDecisions({ routed: [], running: [], opening: ['c'], closing: [], dropped: none })).toEqual({ open: [], close: [] });
    expect(followDecisions({ routed: [], running: ['c'], opening: [], closing: [], dropped: none })).toEqual({ open: [], close: ['c'] });
  });

  it('never reopens a dropped region, even while its route lingers', () => {
    expect(followDecisions({ routed: ['a', 'd'], running: [], opening: [], closing: [], dropped: new Set(['d']) })).toEqual({ open: ['a'], close: [] });
  });

  type Step =
    | { kind: 'route'; region: string; here: boolean }
    | { kind: 'finishOpen'; pick: number }
    | { kind: 'finishClose'; pick: number }
    | { kind: 'drop'; region: string };
  const regions = ['r0', 'r1', 'r2', 'r3'];
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('route' as const), region: fc.constantFrom(...regions), here: fc.boolean() }),
    fc.record({ kind: fc.constant('finishOpen' as const), pick: fc.nat(5) }),
    fc.record({ kind: fc.constant('finishClose' as const), pick: fc.nat(5) }),
    fc.record({ kind: fc.constant('drop' as const), region: fc.constantFrom(...regions) }),
  );

  it('fast-check: no region is ever opened twice or while it closes; settled, exactly the routed regions run', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => {
      const routed = new Set<string>();
      const running = new Set<string>();
      const opening = new Set<string>();
      const closing = new Set<string>();
      const dropped = new Set<string>();
      // The supervisor acts on every decision as soon as it is made (reconcile after each event).
      const act = () => {
        const d = followDecisions({ routed, running, opening, closing, dropped });
        for (const r of d.close) {
          expect(running.has(r)).toBe(true);
          running.delete(r);
          closing.add(r);
        }
        for (const r of d.open) {
          expect(running.has(r) || opening.has(r) || closing.has(r)).toBe(false);
          opening.add(r);
        }
        // One copy at most: a region is in exactly one of the three sets, or none.
        for (const r of regions) expect([running, opening, closing].filter((s) => s.has(r)).length).toBeLessThanOrEqual(1);
      };
      const nth = (s: Set<string>, i: number) => [...s][i % Math.max(1, s.size)];
      for (const st of steps) {
        if (st.kind === 'route') {
          if (st.here) routed.add(st.region);
          else routed.delete(st.region);
        } else if (st.kind === 'finishOpen') {
          const r = nth(opening, st.pick);
          if (r === undefined) continue;
          opening.delete(r);
          if (!dropped.has(r)) running.add(r);
        } else if (st.kind === 'finishClose') {
          const r = nth(closing, st.pick);
          if (r === undefined) continue;
          closing.delete(r);
        } else {
          dropped.add(st.region);
          running.delete(st.region);
        }
        act();
      }
      // Settle: every open and close finishes, deciding again after each.
      for (let guard = 0; guard < 100 && (opening.size || closing.size); guard++) {
        for (const r of [...opening]) {
          opening.delete(r);
          if (!dropped.has(r)) running.add(r);
        }
        for (const r of [...closing]) closing.delete(r);
        act();
      }
      expect([...running].sort()).toEqual([...routed].filter((r) => !dropped.has(r)).sort());
    }), { numRuns: 500 });
  });
});
