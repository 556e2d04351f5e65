// The smart index's decision function over random workloads: safety (never touches declared indexes, never acts when
// off or ineligible, cooldown between decisions, drops only the unused automatic ones) and liveness (a repeated
// selective scan gets its index by the minQueries-th query; an unused automatic index is dropped).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smart } from '../../../../core/index.ts';

const cfgArb = fc.record({
  enabled: fc.boolean(), minQueries: fc.integer({ min: 1, max: 5 }), minRowsRead: fc.integer({ min: 0, max: 1000 }),
  maxSelectivity: fc.constantFrom(0.001, 0.01, 0.1), windowMs: fc.integer({ min: 10, max: 1000 }), cooldownMs: fc.integer({ min: 0, max: 500 }),
  dropAfterMs: fc.integer({ min: 1, max: 2000 }),
});
const evArb = fc.oneof(
  fc.record({ type: fc.constant('observe' as const), dt: fc.integer({ min: 0, max: 300 }), rowsRead: fc.integer({ min: 0, max: 5000 }), rowsOut: fc.integer({ min: 0, max: 50 }),
    existing: fc.constantFrom('none' as const, 'declared' as const, 'auto' as const), eligible: fc.boolean() }),
  fc.record({ type: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 3000 }) }),
);

describe('smart index decisions', () => {
  it('are safe on any workload', () => {
    fc.assert(fc.property(cfgArb, fc.array(evArb, { maxLength: 60 }), (cfg, evs) => {
      let at = 0;
      let c: smart.CandidateState | undefined;
      let lastAct: number | null = null;
      let existing: smart.Existing = 'none';
      for (const e of evs) {
        at += e.dt;
        const before = c;
        if (e.type === 'observe') {
          existing = e.existing;
          c = smart.observe(c, { at, rowsRead: e.rowsRead, rowsOut: Math.min(e.rowsOut, e.rowsRead), existing, eligible: e.eligible }, cfg);
        } else if (c) c = smart.tick(c, at, cfg);
        if (!c) continue;
        if (c.decision === 'observe') continue;
        expect(cfg.enabled).toBe(true);
        if (lastAct !== null) expect(at - lastAct).toBeGreaterThanOrEqual(cfg.cooldownMs);
        lastAct = at;
        if (c.decision === 'create') {
          expect(c.existing).toBe('none');
          expect(c.eligible).toBe(true);
          expect(c.queries).toBeGreaterThanOrEqual(cfg.minQueries);
          expect(c.rowsOut).toBeLessThanOrEqual(c.rowsRead * cfg.maxSelectivity);
        } else {
          expect(c.existing).toBe('auto');
          expect(at - (before?.lastUsedAt ?? 0)).toBeGreaterThanOrEqual(cfg.dropAfterMs);
        }
        // the actor applies it and settles the candidate
        c = smart.settle(c, c.decision === 'create' ? 'auto' : 'none', at);
      }
    }), { numRuns: 2000 });
  });

  it('create an index for a repeated selective scan, then drop it when unused', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 100 }), (minQueries, step) => {
      const cfg = { ...smart.DEFAULT_SMART_CONFIG, minQueries, minRowsRead: 1000, cooldownMs: 0, dropAfterMs: 10_000 };
      let c: smart.CandidateState | undefined;
      let at = 0;
      for (let q = 1; q <= minQueries; q++) {
        at += step;
        c = smart.observe(c, { at, rowsRead: 100_000, rowsOut: 3, existing: 'none', eligible: true }, cfg);
        expect(c.decision).toBe(q === minQueries ? 'create' : 'observe');
      }
      expect(c!.reason).toMatch(/queries read 100000 rows each and keep/);
      c = smart.settle(c!, 'auto', at);
      expect(smart.tick(c, at + 9_999, cfg).decision).toBe('observe');
      c = smart.observe(c, { at: at + 5_000, rowsRead: 40, rowsOut: 3, existing: 'auto', eligible: true }, cfg);
      expect(smart.tick(c, at + 14_999, cfg).decision).toBe('observe');
      expect(smart.tick(c, at + 15_000, cfg).decision).toBe('drop');
      // off: reports, never acts
      expect(smart.tick(c, at + 99_000, { ...cfg, enabled: false })).toMatchObject({ decision: 'observe', reason: 'smart index is off' });
    }));
  });

  it('hold a scan that keeps too many rows or reads too few, and say why', () => {
    const cfg = { ...smart.DEFAULT_SMART_CONFIG, minQueries: 1, minRowsRead: 1000 };
    expect(smart.observe(undefined, { at: 1, rowsRead: 100_000, rowsOut: 50_000, existing: 'none', eligible: true }, cfg).reason).toBe('keeps 50.0% of rows read, above 1.00%');
    expect(smart.observe(undefined, { at: 1, rowsRead: 10, rowsOut: 0, existing: 'none', eligible: true }, cfg).reason).toBe('reads 10 rows a query, below 1000');
    expect(smart.observe(undefined, { at: 1, rowsRead: 1e6, rowsOut: 0, existing: 'none', eligible: false, why: 'last-write-wins table' }, cfg).reason).toBe('not eligible: last-write-wins table');
  });
});
