// The rebalancer's pure decision (core/rebalance.ts), property-tested: it converges to within a bound of the mean,
// never moves a region twice within the cooldown (a drain excepted), never exceeds its concurrency, never moves cold to hot, and drains.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideRebalance, nodeLoads, regionWeights, type RebalanceInput, type RebalanceOptions, type RebalanceRegion } from '../../core/index.ts';

const world = fc.record({
  nodes: fc.integer({ min: 1, max: 6 }),
  regions: fc.array(fc.record({
    node: fc.nat(5),
    rowsPerSec: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000 })),
    scansPerSec: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 })),
    bytes: fc.integer({ min: 0, max: 1e9 }),
  }), { minLength: 0, maxLength: 40 }),
  maxConcurrent: fc.integer({ min: 1, max: 4 }),
  threshold: fc.constantFrom(0.1, 0.2, 0.5),
});

type World = { nodes: number; regions: { node: number; rowsPerSec: number; scansPerSec: number; bytes: number }[]; maxConcurrent: number; threshold: number };

function build(wd: World): { nodes: { id: string; draining: boolean }[]; regions: RebalanceRegion[] } {
  const nodes = Array.from({ length: wd.nodes }, (_, k) => ({ id: `n${k}`, draining: false }));
  const regions = wd.regions.map((r, k) => ({ id: `r${String(k).padStart(2, '0')}`, node: `n${r.node % wd.nodes}`, rowsPerSec: r.rowsPerSec, scansPerSec: r.scansPerSec, bytes: r.bytes }));
  return { nodes, regions };
}

/** Runs rounds (moves applied at once, `stepMs` between rounds) until a round moves nothing; checks each round's invariants. */
function simulate(nodes: { id: string; draining: boolean }[], regions: RebalanceRegion[], options: RebalanceOptions, stepMs: number, maxRounds = 500) {
  const lastMoved = new Map<string, number>();
  let now = 1_000_000;
  let rounds = 0;
  let moves = 0;
  for (; rounds < maxRounds; rounds++) {
    const input: RebalanceInput = { now, nodes, regions, inFlight: new Set(), lastMoved, options };
    const w = regionWeights(regions);
    const before = nodeLoads(nodes, regions, w);
    const out = decideRebalance(input);
    expect(out.length).toBeLessThanOrEqual(options.maxConcurrent);
    expect(new Set(out.map((m) => m.regionId)).size).toBe(out.length);
    for (const m of out) {
      expect(m.reason === 'drain' || !lastMoved.has(m.regionId) || now - lastMoved.get(m.regionId)! >= options.cooldownMs, 'moved within the cooldown (only a drain may)').toBe(true);
      expect(nodes.find((n) => n.id === m.to)!.draining).toBe(false);
      const r = regions.find((x) => x.id === m.regionId)!;
      expect(r.node).toBe(m.from);
      if (m.reason === 'rebalance') expect(before.get(m.from)!, 'never from a colder node to a hotter one').toBeGreaterThan(before.get(m.to)!);
      // later moves of the round see this one
      before.set(m.from, before.get(m.from)! - w.get(m.regionId)!);
      before.set(m.to, before.get(m.to)! + w.get(m.regionId)!);
    }
    if (out.length === 0) break;
    for (const m of out) {
      regions.find((x) => x.id === m.regionId)!.node = m.to;
      lastMoved.set(m.regionId, now);
    }
    moves += out.length;
    now += stepMs;
  }
  return { rounds, moves, lastMoved };
}

describe('rebalancer decision', () => {
  it('converges: every node ends within the threshold of the mean, or within one region of it', () => {
    fc.assert(fc.property(world, (wd) => {
      const { nodes, regions } = build(wd);
      const options = { maxConcurrent: wd.maxConcurrent, cooldownMs: 10_000, threshold: wd.threshold };
      const { rounds } = simulate(nodes, regions, options, 10_000);
      expect(rounds).toBeLessThan(500);
      const w = regionWeights(regions);
      const loads = nodeLoads(nodes, regions, w);
      const mean = [...loads.values()].reduce((a, b) => a + b, 0) / nodes.length;
      const maxW = Math.max(0, ...w.values());
      for (const l of loads.values()) expect(l).toBeLessThanOrEqual(Math.max(mean * (1 + wd.threshold), mean + maxW) + 1e-6);
    }), { numRuns: 200 });
  });

  it('never moves a region twice within the cooldown, never exceeds the concurrency, even when rounds come faster than the cooldown', () => {
    fc.assert(fc.property(world, fc.integer({ min: 0, max: 3 }), (wd, busy) => {
      const { nodes, regions } = build(wd);
      const options = { maxConcurrent: wd.maxConcurrent, cooldownMs: 60_000, threshold: wd.threshold };
      simulate(nodes, regions, options, 1_000, 200);
      // migrations in flight count against the budget and are not moved
      const inFlight = new Set(regions.slice(0, busy).map((r) => r.id));
      const out = decideRebalance({ now: 0, nodes, regions, inFlight, lastMoved: new Map(), options });
      expect(out.length).toBeLessThanOrEqual(Math.max(0, wd.maxConcurrent - inFlight.size));
      for (const m of out) expect(inFlight.has(m.regionId)).toBe(false);
    }), { numRuns: 200 });
  });

  it('a cluster started with every region on one node evens out by region count when idle', () => {
    const nodes = ['a', 'b', 'c'].map((id) => ({ id, draining: false }));
    const regions = Array.from({ length: 9 }, (_, k) => ({ id: `r${k}`, node: 'a', rowsPerSec: 0, scansPerSec: 0, bytes: 0 }));
    simulate(nodes, regions, { maxConcurrent: 2, cooldownMs: 0, threshold: 0.2 }, 0);
    expect(['a', 'b', 'c'].map((n) => regions.filter((r) => r.node === n).length)).toEqual([3, 3, 3]);
  });

  it('a datanode joining a busy cluster gets regions', () => {
    const nodes = ['a', 'b', 'c'].map((id) => ({ id, draining: false }));
    const regions = Array.from({ length: 9 }, (_, k) => ({ id: `r${k}`, node: nodes[k % 3]!.id, rowsPerSec: 100, scansPerSec: 0, bytes: 0 }));
    nodes.push({ id: 'd', draining: false });
    simulate(nodes, regions, { maxConcurrent: 2, cooldownMs: 0, threshold: 0.2 }, 0);
    expect(regions.filter((r) => r.node === 'd').length).toBeGreaterThanOrEqual(2);
  });

  it('join and drain sequences: after each, the takers are within the bound of the mean and a draining node holds nothing', () => {
    fc.assert(fc.property(world, fc.array(fc.oneof(fc.constant('join' as const), fc.constant('drain' as const)), { minLength: 1, maxLength: 4 }), (wd, events) => {
      const { nodes, regions } = build(wd);
      const options = { maxConcurrent: wd.maxConcurrent, cooldownMs: 5_000, threshold: wd.threshold };
      simulate(nodes, regions, options, 5_000);
      for (const e of events) {
        if (e === 'join') nodes.push({ id: `n${nodes.length}`, draining: false });
        else {
          const takers = nodes.filter((n) => !n.draining);
          if (takers.length > 1) takers[0]!.draining = true;
        }
        simulate(nodes, regions, options, 5_000);
        for (const n of nodes.filter((x) => x.draining)) expect(regions.filter((r) => r.node === n.id)).toEqual([]);
        // after each join or drain the takers are back within the bound of the mean
        const takers = nodes.filter((n) => !n.draining);
        const w = regionWeights(regions);
        const loads = nodeLoads(takers, regions, w);
        const mean = [...loads.values()].reduce((a, b) => a + b, 0) / takers.length;
        const maxW = Math.max(0, ...w.values());
        for (const l of loads.values()) expect(l).toBeLessThanOrEqual(Math.max(mean * (1 + wd.threshold), mean + maxW) + 1e-6);
      }
    }), { numRuns: 150 });
  });
});
