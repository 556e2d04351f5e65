// eddy.changes by interest, over a real nats-server: a reader's announcement reaches every node (two ChangesInterest
// on two connections) before its reply; a database-wide announcement and a live tail announcement count; interest
// lapses past the TTL unrenewed (simulated clock, sweep driven by the test); a node started later learns it from the
// KV bucket. On a real node: a table nobody follows gets no eddy.changes message, a followed one gets each commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, SimulatedClock, Subjects, decodeBatches } from '../../../core/index.ts';
import { ChangesInterest, followChanges } from '../../../actors/runtime/interest.ts';
import { natsClient, startNats, startNode, tempDir, writeLp } from '../../harness/index.ts';

const noTimer = () => () => undefined;

describe('ChangesInterest over NATS', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  let nc2: NatsConnection;
  let kv: KV;
  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    nc2 = await natsClient(nats.url);
    kv = await new Kvm(jetstream(nc)).create(Buckets.interest, { history: 1, ttl: 60_000 });
  });
  afterAll(async () => {
    await nc?.close();
    await nc2?.close();
    await nats?.cleanup();
  });

  it('an announcement is known to every node by its reply, db-wide and tail ones count, and it lapses past the TTL', async () => {
    const clock = new SimulatedClock(100_000);
    const a = new ChangesInterest(nc, kv, clock, 5000, noTimer);
    const b = new ChangesInterest(nc2, kv, clock, 5000, noTimer);
    await a.start();
    await b.start();
    try {
      expect(a.wanted('public', 'cpu') || b.wanted('public', 'cpu')).toBe(false);
      const reader = await natsClient(nats.url);
      const r = JSON.parse((await reader.request(Subjects.changesInterest('public', 'cpu'))).string());
      expect(r).toEqual({ ok: true, subject: 'eddy.changes.public.cpu', ttl_ms: 5000 });
      expect([a.wanted('public', 'cpu'), b.wanted('public', 'cpu')]).toEqual([true, true]);
      expect(a.wanted('public', 'mem') || a.wanted('other', 'cpu')).toBe(false);
      const bad = JSON.parse((await reader.request('eddy.changes_interest.public.cpu.extra')).string());
      expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/bad subject 'eddy\.changes_interest\.public\.cpu\.extra'/) });
      // every table of a database
      const all = JSON.parse((await reader.request(Subjects.changesInterestDb('metrics'))).string());
      expect(all.subject).toBe('eddy.changes.metrics.*');
      expect([a.wanted('metrics', 'x'), b.wanted('metrics', 'y')]).toEqual([true, true]);
      // a live tail reader's announcement (answered by the logs engine, absent here): its table's changes are wanted
      reader.publish(Subjects.tailInterest('logs', 'web'));
      await reader.flush();
      await nc.flush();
      await nc2.flush();
      expect([a.wanted('logs', 'web'), b.wanted('logs', 'web')]).toEqual([true, true]);
      // lapses once unrenewed for the TTL; a renewal keeps it
      clock.advance(4000);
      await reader.request(Subjects.changesInterest('public', 'cpu'));
      clock.advance(2000);
      a.sweep();
      b.sweep();
      expect([a.wanted('public', 'cpu'), a.wanted('metrics', 'x'), b.wanted('logs', 'web')]).toEqual([true, false, false]);
      clock.advance(4000);
      a.sweep();
      expect(a.wanted('public', 'cpu')).toBe(false);
      await reader.close();
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('a node started after the announcement knows it from KV; followChanges renews until stopped', async () => {
    const clock = new SimulatedClock(Date.now());
    const a = new ChangesInterest(nc, kv, clock, 5000, noTimer);
    await a.start();
    const follow = await followChanges(nc2, 'public', 'disk');
    follow.stop();
    a.stop();
    const later = new ChangesInterest(nc2, kv, clock, 5000, noTimer);
    await later.start();
    try {
      expect(later.wanted('public', 'disk')).toBe(true);
      expect(later.wanted('public', 'net')).toBe(false);
      clock.advance(5000);
      later.sweep();
      expect(later.wanted('public', 'disk')).toBe(false);
    } finally {
      later.stop();
    }
  });

  it('followChanges fails when no node answers', async () => {
    await expect(followChanges(nc, 'public', 'nobody-home')).rejects.toThrow();
  });
});

describe('eddy.changes on a node', () => {
  const dir = tempDir();
  let node: Awaited<ReturnType<typeof startNode>>;
  beforeAll(async () => {
    node = await startNode({ data: dir.path });
  });
  afterAll(async () => {
    await node?.stop();
    dir.cleanup();
  });

  it('is published only for a followed table, from the follower’s reply on', async () => {
    const seen: string[] = [];
    const sub = node.nc.subscribe('eddy.changes.public.*', {
      callback: (_e, m) => { for (const b of decodeBatches(m.data)) seen.push(`${m.subject}:${b.rows}`); },
    });
    // nobody follows cpu: its commit is not published
    expect(await writeLp(node.nc, 'public', 'cpu,host=a usage=1 1\ncpu,host=b usage=2 2')).toMatchObject({ ok: true, rows: 2 });
    const follow = await followChanges(node.nc, 'public', 'cpu');
    try {
      const next = new Promise<void>((resolve) => {
        const s = node.nc.subscribe(Subjects.changes('public', 'cpu'), { max: 1, callback: () => resolve() });
        void s;
      });
      expect(await writeLp(node.nc, 'public', 'cpu,host=a usage=3 3')).toMatchObject({ ok: true, rows: 1 });
      // another table, unfollowed, written between
      expect(await writeLp(node.nc, 'public', 'mem,host=a used=3 3')).toMatchObject({ ok: true, rows: 1 });
      expect(await writeLp(node.nc, 'public', 'cpu,host=a usage=4 4\ncpu,host=c usage=5 5\ncpu,host=d usage=6 6')).toMatchObject({ ok: true, rows: 3 });
      await next;
      await node.nc.flush();
      // one connection publishes in order: had the first write gone out, it would be first
      expect(seen).toEqual(['eddy.changes.public.cpu:1', 'eddy.changes.public.cpu:3']);
    } finally {
      follow.stop();
      sub.unsubscribe();
    }
  });
});
