// The placement loop machine with an in-memory cluster: transitions, and fast-check over join/leave/table sequences.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor, SimulatedClock, type Actor } from 'xstate';
import fc from 'fast-check';
import { placementMachine, planRound, PlacementEvents, type PlacementWorld, type RouteChanges } from '../../../../actors/meta/placement/machine.ts';

/** A cluster as the meta leader sees it: live datanodes, catalog regions and stored routes. */
class MemCluster {
  nodes = new Set<string>();
  regions = new Set<string>();
  routes = new Map<string, string>();
  writes = 0;
  failNext: 'gather' | 'apply' | null = null;

  actors() {
    return {
      gather: fromPromise<PlacementWorld, void>(async () => {
        if (this.failNext === 'gather') {
          this.failNext = null;
          throw new Error('kv unavailable');
        }
        return { datanodes: [...this.nodes].map((id) => ({ id })), regions: [...this.regions], routes: new Map(this.routes) };
      }),
      apply: fromPromise<void, RouteChanges>(async ({ input }) => {
        if (this.failNext === 'apply') {
          this.failNext = null;
          throw new Error('kv unavailable');
        }
        for (const m of input.set) this.routes.set(m.region, m.to);
        for (const r of input.remove) this.routes.delete(r);
        this.writes += input.set.length + input.remove.length;
      }),
    };
  }
}

function start(c: MemCluster, opts: { maxSkew?: number; maxMoves?: number } = {}) {
  const clock = new SimulatedClock();
  const actor = createActor(placementMachine.provide({ actors: c.actors() }), { clock, input: { intervalMs: 1000, options: opts } }).start();
  return { actor, clock };
}

/** Runs one more full round and waits for it to end. */
async function round(a: Actor<typeof placementMachine>): Promise<void> {
  await waitFor(a, (s) => s.matches('idle'));
  const before = a.getSnapshot().context.rounds;
  a.send({ type: PlacementEvents.kick });
  await waitFor(a, (s) => s.matches('idle') && s.context.rounds > before);
}

describe('planRound', () => {
  it('removes routes of dropped regions and keeps routes when no datanode is live', () => {
    const world = { datanodes: [], regions: ['1'], routes: new Map([['1', 'a'], ['2', 'a']]) };
    expect(planRound(world)).toEqual({ set: [], remove: ['2'] });
  });
});

describe('placement machine', () => {
  it('gathers at start, routes every region, then idles until the interval or a kick', async () => {
    const c = new MemCluster();
    c.nodes = new Set(['a', 'b']);
    c.regions = new Set(['1', '2', '3', '4']);
    const { actor, clock } = start(c);
    await waitFor(actor, (s) => s.matches('idle') && s.context.rounds === 1);
    expect([...c.routes.values()].sort()).toEqual(['a', 'a', 'b', 'b']);
    expect(actor.getSnapshot().context.moved).toBe(4);
    clock.increment(1000);
    await waitFor(actor, (s) => s.matches('idle') && s.context.rounds === 2);
    expect(c.writes).toBe(4); // nothing changed, nothing written
    actor.send({ type: PlacementEvents.stop });
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('a kick during a round runs another right after it', async () => {
    const c = new MemCluster();
    c.nodes.add('a');
    const { actor } = start(c);
    expect(actor.getSnapshot().matches('gathering')).toBe(true);
    c.regions.add('9');
    actor.send({ type: PlacementEvents.kick });
    await waitFor(actor, (s) => s.context.rounds >= 2 && s.matches('idle'));
    expect(c.routes.get('9')).toBe('a');
  });

  it('a failed gather or apply is recorded and retried on the next round', async () => {
    const c = new MemCluster();
    c.nodes.add('a');
    c.regions.add('1');
    c.failNext = 'gather';
    const { actor } = start(c);
    await waitFor(actor, (s) => s.matches('idle'));
    expect(actor.getSnapshot().context.lastError).toMatch(/kv unavailable/);
    expect(c.routes.size).toBe(0);
    c.failNext = 'apply';
    await round(actor);
    expect(c.routes.size).toBe(0);
    await round(actor);
    expect(c.routes.get('1')).toBe('a');
    expect(actor.getSnapshot().context.lastError).toBeNull();
  });

  it('any sequence of joins, leaves, creates and drops: once a round settles, every region has exactly one live owner', async () => {
    const ids = ['a', 'b', 'c', 'd'];
    const op = fc.oneof(
      fc.record({ kind: fc.constantFrom('join' as const, 'leave' as const), node: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('create' as const), table: fc.integer({ min: 1, max: 9 }), parts: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('drop' as const), table: fc.integer({ min: 1, max: 9 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), async (ops, maxSkew) => {
        const c = new MemCluster();
        const { actor } = start(c, maxSkew === undefined ? {} : { maxSkew, maxMoves: 2 });
        for (const o of ops) {
          if (o.kind === 'join') c.nodes.add(o.node);
          else if (o.kind === 'leave') c.nodes.delete(o.node);
          else if (o.kind === 'create') for (let p = 0; p < o.parts; p++) c.regions.add(`${o.table}.${p}`);
          else if (o.kind === 'drop') for (const r of [...c.regions]) if (r.startsWith(`${o.table}.`)) c.regions.delete(r);
          const before = new Map(c.routes);
          await round(actor);
          // Settled: exactly the catalog's regions have routes, each to a live node (when one is live).
          if (c.nodes.size > 0) {
            expect([...c.routes.keys()].sort()).toEqual([...c.regions].sort());
            for (const owner of c.routes.values()) expect(c.nodes.has(owner)).toBe(true);
          }
          // Routes to live nodes only move by rebalancing, at most maxMoves per round.
          const moved = [...before].filter(([r, n]) => c.nodes.has(n) && c.routes.has(r) && c.routes.get(r) !== n);
          expect(moved.length).toBeLessThanOrEqual(maxSkew === undefined ? 0 : 2);
        }
        // A further round with nothing changed writes nothing (without rebalancing).
        if (maxSkew === undefined) {
          const w = c.writes;
          await round(actor);
          expect(c.writes).toBe(w);
        }
        actor.stop();
      }),
      { numRuns: 60 },
    );
  });
});
