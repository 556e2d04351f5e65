// core/placement: examples and fast-check properties (one live owner per region, stability, bounded moves, balance).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { place, regionCounts, type PlacementNode, type PlacementRegion } from '../../core/index.ts';

const nodeIds = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Random cluster: a set of live nodes and regions owned by live, dead or no nodes. */
const clusterArb = fc
  .record({
    live: fc.uniqueArray(fc.constantFrom(...nodeIds), { minLength: 0, maxLength: nodeIds.length }),
    loads: fc.array(fc.nat(20), { minLength: nodeIds.length, maxLength: nodeIds.length }),
    regions: fc.array(
      fc.record({
        owner: fc.option(fc.constantFrom(...nodeIds, 'dead1', 'dead2'), { nil: null }),
        weight: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      }),
      { maxLength: 40 },
    ),
  })
  .map(({ live, loads, regions }) => ({
    nodes: live.map((id, i) => ({ id, load: loads[i] })) as PlacementNode[],
    regions: regions.map((r, i) => ({ id: `r${i}`, owner: r.owner, ...(r.weight !== undefined ? { weight: r.weight } : {}) })) as PlacementRegion[],
  }));

const optsArb = fc.record({
  maxSkew: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
  maxMoves: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
});

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

describe('place', () => {
  it('keeps regions on live owners and gives orphans to the least loaded node', () => {
    const plan = place(
      [{ id: 'a', load: 0 }, { id: 'b', load: 5 }, { id: 'c', load: 0 }],
      [{ id: '1', owner: 'a' }, { id: '2', owner: 'gone' }, { id: '3', owner: null }, { id: '4', owner: 'b' }],
    );
    expect([...plan.routes]).toEqual([['1', 'a'], ['2', 'c'], ['3', 'a'], ['4', 'b']]);
    expect(plan.moves).toEqual([
      { region: '2', from: 'gone', to: 'c', reason: 'orphan' },
      { region: '3', from: null, to: 'a', reason: 'orphan' },
    ]);
  });

  it('spreads a table\'s new regions over the nodes even when one node is much lighter', () => {
    const existing = [...Array.from({ length: 4 }, (_, i) => ({ id: `a${i}`, owner: 'a', group: 1 })), ...Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, owner: 'b', group: 2 }))];
    const fresh = [0, 1, 2].map((i) => ({ id: `t${i}`, owner: null, group: 3 }));
    const plan = place([{ id: 'a' }, { id: 'b' }, { id: 'c' }], [...existing, ...fresh]);
    expect(fresh.map((r) => plan.routes.get(r.id)).sort()).toEqual(['a', 'b', 'c']);
    // Without groups the lightest node takes all three.
    const flat = place([{ id: 'a' }, { id: 'b' }, { id: 'c' }], [...existing, ...fresh].map(({ group: _g, ...r }) => r));
    expect(fresh.map((r) => flat.routes.get(r.id))).toEqual(['c', 'c', 'c']);
  });

  it('a group\'s orphans spread: their counts per live node differ by at most one (fast-check)', () => {
    fc.assert(
      fc.property(clusterArb, fc.integer({ min: 1, max: 12 }), ({ nodes, regions }, k) => {
        fc.pre(nodes.length > 0);
        const group = Array.from({ length: k }, (_, i) => ({ id: `g${i}`, owner: null, group: 'g' }));
        const plan = place(nodes, [...regions, ...group]);
        const counts = new Map(nodes.map((n) => [n.id, 0]));
        for (const r of group) counts.set(plan.routes.get(r.id)!, counts.get(plan.routes.get(r.id)!)! + 1);
        expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('routes to null when no datanode is live', () => {
    const plan = place([], [{ id: '1', owner: 'a' }]);
    expect(plan.routes.get('1')).toBeNull();
    expect(plan.moves).toEqual([]);
  });

  it('rebalances a skewed cluster one bounded step at a time', () => {
    const regions = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, owner: 'a' }));
    const nodes = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const step1 = place(nodes, regions, { maxSkew: 1, maxMoves: 2 });
    expect(step1.moves.map((m) => m.reason)).toEqual(['rebalance', 'rebalance']);
    const all = place(nodes, regions, { maxSkew: 1, maxMoves: 100 });
    expect([...regionCounts(all.routes, nodes).values()]).toEqual([2, 2, 2]);
  });

  it('does not move a region that cannot narrow the gap', () => {
    const plan = place([{ id: 'a' }, { id: 'b' }], [{ id: 'big', owner: 'a', weight: 10 }], { maxSkew: 1, maxMoves: 5 });
    expect(plan.moves).toEqual([]);
  });

  it('every region ends with exactly one live owner', () => {
    fc.assert(
      fc.property(clusterArb, optsArb, ({ nodes, regions }, opts) => {
        const plan = place(nodes, regions, clean(opts));
        const live = new Set(nodes.map((n) => n.id));
        expect([...plan.routes.keys()].sort()).toEqual(regions.map((r) => r.id).sort());
        for (const owner of plan.routes.values()) {
          if (live.size === 0) expect(owner).toBeNull();
          else expect(live.has(owner!)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('nothing moves when every owner is live and rebalancing is off', () => {
    fc.assert(
      fc.property(clusterArb, ({ nodes, regions }) => {
        fc.pre(nodes.length > 0);
        const settled = regions.map((r) => ({ ...r, owner: nodes[Number(r.id.slice(1)) % nodes.length]!.id }));
        const plan = place(nodes, settled);
        expect(plan.moves).toEqual([]);
        for (const r of settled) expect(plan.routes.get(r.id)).toBe(r.owner);
      }),
    );
  });

  it('a plan is a fixed point: placing its result again moves nothing (without rebalancing)', () => {
    fc.assert(
      fc.property(clusterArb, ({ nodes, regions }) => {
        const first = place(nodes, regions);
        const again = place(nodes, regions.map((r) => ({ ...r, owner: first.routes.get(r.id)! })));
        expect(again.moves).toEqual([]);
      }),
    );
  });

  it('moves regions with a live owner at most maxMoves times, and each at most once', () => {
    fc.assert(
      fc.property(clusterArb, optsArb, ({ nodes, regions }, opts) => {
        const plan = place(nodes, regions, clean(opts));
        const live = new Set(nodes.map((n) => n.id));
        const liveMoves = plan.moves.filter((m) => m.from !== null && live.has(m.from));
        expect(liveMoves.length).toBeLessThanOrEqual(opts.maxSkew === undefined ? 0 : (opts.maxMoves ?? 1));
        expect(new Set(plan.moves.map((m) => m.region)).size).toBe(plan.moves.length);
        // Every change of owner is listed as a move, and nothing else is.
        const changed = regions.filter((r) => plan.routes.get(r.id) !== r.owner && plan.routes.get(r.id) !== null).map((r) => r.id);
        expect(plan.moves.map((m) => m.region).sort()).toEqual(changed.sort());
      }),
      { numRuns: 500 },
    );
  });

  it('with unit weights and enough moves, region counts end within one of each other', () => {
    fc.assert(
      fc.property(clusterArb, ({ nodes, regions }) => {
        fc.pre(nodes.length > 0);
        const flat = nodes.map((n) => ({ id: n.id }));
        const unit = regions.map(({ id, owner }) => ({ id, owner }));
        const plan = place(flat, unit, { maxSkew: 1, maxMoves: unit.length + 1 });
        const counts = [...regionCounts(plan.routes, flat).values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic whatever the order of its inputs', () => {
    fc.assert(
      fc.property(clusterArb, optsArb, fc.nat(), ({ nodes, regions }, opts, seed) => {
        const rot = <T,>(a: T[]) => (a.length ? [...a.slice(seed % a.length), ...a.slice(0, seed % a.length)] : a);
        const a = place(nodes, regions, clean(opts));
        const b = place(rot([...nodes].reverse()), regions, clean(opts));
        expect([...b.routes].sort()).toEqual([...a.routes].sort());
      }),
    );
  });
});
