// The meta leader's failure detector on a real nats-server (heartbeats through a KV bucket, a simulated clock): a pause
// of the heartbeat bucket itself (its stream electing a leader after a nats-server went) declares nobody dead, nor does
// the first node to beat again make the others look dead; a node silent while the others beat is declared dead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, KvKeys, SimulatedClock, Subjects } from '../../../core/index.ts';
import { Liveness } from '../../../actors/meta/liveness.ts';
import { natsClient, startNats } from '../../harness/index.ts';

let nats: Awaited<ReturnType<typeof startNats>>;
let nc: NatsConnection;
let kv: KV;

beforeAll(async () => {
  nats = await startNats();
  nc = await natsClient(nats.url);
  kv = await new Kvm(jetstream(nc)).create(Buckets.nodes);
});
afterAll(async () => {
  await nc?.close();
  await nats?.cleanup();
});

describe('liveness', () => {
  it('counts a silence only while other nodes beat, and not right after a pause of every heartbeat', async () => {
    const clock = new SimulatedClock(1_000_000);
    const dead: string[] = [];
    const waiting = new Map<string, () => void>();
    const l = new Liveness({
      nc, nodesKv: kv, clock, heartbeatMs: 500, tickMs: 3_600_000, onDead: (id) => dead.push(id),
      onBeat: (id) => { waiting.get(id)?.(); waiting.delete(id); },
    });
    // Both nodes are connected (they answer the probe), so only silence can declare one dead.
    for (const id of ['a', 'b']) nc.subscribe(Subjects.nodePing(id), { callback: (_e, m) => { m.respond(''); } });
    await l.start();
    const beat = async (id: string) => {
      const seen = new Promise<void>((res) => waiting.set(id, res));
      await kv.put(KvKeys.node(id), '{}');
      await seen;
    };
    const beatBoth = async (ms: number) => {
      for (let t = 0; t < ms; t += 500) {
        clock.advance(500);
        await beat('a');
        await beat('b');
        l.check();
      }
    };
    await beatBoth(3_000);
    // Nothing arrives for 10 s (the bucket has no leader): nobody is declared dead.
    clock.advance(10_000);
    l.check();
    // a beats first once heartbeats flow again, b a moment later: b is not dead for the pause.
    await beat('a');
    l.check();
    clock.advance(300);
    await beat('b');
    l.check();
    await beatBoth(3_000);
    expect(dead).toEqual([]);
    // b goes silent while a beats: dead once its silence passes 6 s (later if its pause made phi lenient).
    let silent = 0;
    while (dead.length === 0 && silent < 60_000) {
      clock.advance(500);
      silent += 500;
      await beat('a');
      l.check();
    }
    expect(dead).toEqual(['b']);
    expect(silent).toBeGreaterThanOrEqual(6_000);
    l.stop();
  });

  it('a detector that starts asks at once the nodes whose last heartbeat is already old: a gone one is dead, a connected one is not', async () => {
    const clock = { now: () => Date.now() + 5_000 }; // the entries below look 5 s old, ten heartbeat periods
    await kv.put(KvKeys.node('gone'), '{}');
    await kv.put(KvKeys.node('up'), '{}');
    // the two entries are probed as the watch delivers them, in any order: wait on both events, not on one of them
    let answered!: () => void;
    const pinged = new Promise<void>((res) => { answered = res; });
    const sub = nc.subscribe(Subjects.nodePing('up'), { callback: (_e, m) => { m.respond(''); answered(); } });
    const declared: string[] = [];
    let l!: Liveness;
    const died = new Promise<string>((res) => {
      // no timer-driven check (tickMs of an hour): only the start-up probe can declare anyone
      l = new Liveness({ nc, nodesKv: kv, clock, heartbeatMs: 500, tickMs: 3_600_000, onDead: (id) => { declared.push(id); res(id); } });
      void l.start();
    });
    const timeout = <T>(p: Promise<T>) => Promise.race([p, new Promise<null>((res) => setTimeout(() => res(null), 10_000))]);
    expect(await timeout(died)).toBe('gone');
    expect(await timeout(pinged.then(() => true))).toBe(true);
    // the answer to 'up' is back on this connection once a round trip after it completes: 'up' was not declared
    await nc.flush();
    await new Promise((res) => setImmediate(res));
    expect(declared).toEqual(['gone']);
    l.stop();
    sub.unsubscribe();
  });
});
