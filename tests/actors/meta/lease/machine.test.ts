// The lease machine on its own: an in-memory compare-and-set key and a simulated clock; no NATS.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, type Actor } from 'xstate';
import fc from 'fast-check';
import { leaseMachine, takeoverDecision, LeaseEvents, type CasResult, type ReadResult } from '../../../../actors/meta/lease/machine.ts';

const T = 1200;

/** One KV key with revisions, as JetStream KV keeps it. */
class MemLease {
  rev = 0;
  holder: string | null = null;
  writes = 0;
}

/** A node's view of the key; `down` makes every call fail as if its connection were gone. */
class Link {
  down = false;
  constructor(readonly store: MemLease, readonly id: string, readonly clock: SimulatedClock) {}
  actors() {
    const fail = () => ({ ok: false as const, conflict: false, error: 'connection closed' });
    return {
      readLease: fromPromise<ReadResult, void>(async () => {
        if (this.down) throw new Error('connection closed');
        return { lease: this.store.holder === null ? null : { revision: this.store.rev, holder: this.store.holder }, at: this.clock.now() };
      }),
      acquire: fromPromise<CasResult, { revision: number | null }>(async ({ input }) => {
        if (this.down) return fail();
        const expect = this.store.holder === null ? null : this.store.rev;
        if (input.revision !== expect) return { ok: false, conflict: true, error: 'wrong last sequence' };
        this.store.holder = this.id;
        this.store.writes++;
        return { ok: true, revision: ++this.store.rev };
      }),
      renew: fromPromise<CasResult, { revision: number }>(async ({ input }) => {
        if (this.down) return fail();
        if (this.store.holder === null || input.revision !== this.store.rev) return { ok: false, conflict: true, error: 'wrong last sequence' };
        this.store.writes++;
        return { ok: true, revision: ++this.store.rev };
      }),
      release: fromPromise<void, { revision: number }>(async ({ input }) => {
        if (this.down) throw new Error('connection closed');
        if (this.store.rev === input.revision) {
          this.store.holder = null;
          this.store.rev++;
        }
      }),
    };
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

function world(n: number) {
  const clock = new SimulatedClock();
  const store = new MemLease();
  const links = Array.from({ length: n }, (_, i) => new Link(store, `m${i}`, clock));
  const start = (l: Link) =>
    createActor(leaseMachine.provide({ actors: l.actors() }), { clock, input: { nodeId: l.id, leaseMs: T } }).start();
  const actors: (Actor<typeof leaseMachine> | null)[] = links.map(start);
  const leaders = () => actors.flatMap((a, i) => (a && a.getSnapshot().matches('leader') ? [i] : []));
  /** Moves time forward in small steps, letting promises settle between them; checks safety at each step. */
  const advance = async (ms: number, step = T / 24) => {
    for (let t = 0; t < ms; t += step) {
      clock.increment(step);
      await settle();
      expect(leaders().length).toBeLessThanOrEqual(1);
    }
  };
  return { clock, store, links, actors, leaders, advance, start };
}

describe('lease machine', () => {
  it('takeoverDecision: free key now, an unchanged revision only after a full lease', () => {
    expect(takeoverDecision({ seen: null, leaseMs: T }, { lease: null, at: 5 })).toEqual({ take: true, revision: null });
    const seen = { revision: 7, holder: 'x', since: 100 };
    expect(takeoverDecision({ seen, leaseMs: T }, { lease: { revision: 7, holder: 'x' }, at: 100 + T - 1 }).take).toBe(false);
    expect(takeoverDecision({ seen, leaseMs: T }, { lease: { revision: 7, holder: 'x' }, at: 100 + T })).toEqual({ take: true, revision: 7 });
    expect(takeoverDecision({ seen, leaseMs: T }, { lease: { revision: 8, holder: 'x' }, at: 100 + 5 * T }).take).toBe(false);
  });

  it('a lone node becomes leader at once and renews every third of the lease', async () => {
    const w = world(1);
    await settle();
    expect(w.leaders()).toEqual([0]);
    expect(w.actors[0]!.getSnapshot().context.terms).toBe(1);
    const before = w.store.writes;
    await w.advance(T);
    expect(w.store.writes - before).toBe(3);
    expect(w.leaders()).toEqual([0]);
  });

  it('a follower leaves a renewed lease alone', async () => {
    const w = world(3);
    await settle();
    expect(w.leaders()).toEqual([0]);
    await w.advance(10 * T);
    expect(w.leaders()).toEqual([0]);
    expect(w.actors[1]!.getSnapshot().matches('follower')).toBe(true);
  });

  it('when the leader goes silent, a follower takes over after the lease and within a lease and a third', async () => {
    const w = world(2);
    await settle();
    await w.advance(T);
    w.links[0]!.down = true;
    const cut = w.clock.now();
    let tookOver: number | null = null;
    let steppedDown: number | null = null;
    for (let i = 0; i < 100 && tookOver === null; i++) {
      await w.advance(T / 24);
      if (steppedDown === null && !w.actors[0]!.getSnapshot().matches('leader')) steppedDown = w.clock.now();
      if (w.leaders()[0] === 1) tookOver = w.clock.now();
    }
    expect(steppedDown).not.toBeNull();
    expect(tookOver).not.toBeNull();
    expect(steppedDown!).toBeLessThan(tookOver!);
    expect(tookOver! - cut).toBeGreaterThan(T / 2);
    expect(tookOver! - cut).toBeLessThanOrEqual(T + T / 3 + T / 12);
    expect(w.actors[0]!.getSnapshot().context.lastError).toMatch(/stepped down|connection closed/);
  });

  it('a leader whose renew meets another revision steps down at once', async () => {
    const w = world(1);
    await settle();
    w.store.rev += 10; // someone else wrote the key
    w.store.holder = 'intruder';
    await w.advance(T / 2);
    expect(w.leaders()).toEqual([]);
    expect(w.actors[0]!.getSnapshot().context.lastError).toMatch(/taken by another node/);
  });

  it('resign releases the key, and the next follower leads within a poll', async () => {
    const w = world(2);
    await settle();
    w.actors[0]!.send({ type: LeaseEvents.resign });
    await settle();
    expect(w.actors[0]!.getSnapshot().status).toBe('done');
    expect(w.store.holder).toBeNull();
    await w.advance(T / 3 + T / 24);
    expect(w.leaders()).toEqual([1]);
  });

  it('any sequence of crashes, partitions and restarts: never two leaders, and one leader once things heal', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 2 * T }) }),
      fc.record({ kind: fc.constantFrom('crash' as const, 'restart' as const, 'cut' as const, 'heal' as const), node: fc.nat(2) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 14 }), async (ops) => {
        const w = world(3);
        await settle();
        for (const o of ops) {
          if (o.kind === 'advance') await w.advance(o.ms);
          else if (o.kind === 'crash') {
            w.actors[o.node]?.stop();
            w.actors[o.node] = null;
          } else if (o.kind === 'restart') {
            if (!w.actors[o.node]) w.actors[o.node] = w.start(w.links[o.node]!);
            await settle();
          } else w.links[o.node]!.down = o.kind === 'cut';
          expect(w.leaders().length).toBeLessThanOrEqual(1);
        }
        // Heal: every node up and connected; within two leases there is exactly one leader, and it stays.
        for (let i = 0; i < 3; i++) {
          w.links[i]!.down = false;
          if (!w.actors[i]) w.actors[i] = w.start(w.links[i]!);
        }
        await w.advance(2 * T + T / 2);
        expect(w.leaders().length).toBe(1);
        const leader = w.leaders()[0];
        await w.advance(2 * T);
        expect(w.leaders()).toEqual([leader]);
        for (const a of w.actors) a?.stop();
      }),
      { numRuns: 40 },
    );
  });
});
