// Node registry: liveness rule, load rates, and registration/listing/deregistration on a real nats-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, SimulatedClock } from '../../../core/index.ts';
import { liveNodes, listLiveNodes, listNodes, NodeRegistration, LIVE_INTERVALS, LIVE_FLOOR_MS, type NodeRecord } from '../../../actors/meta/registry.ts';
import { natsClient, startNats } from '../../harness/index.ts';

const rec = (id: string, heartbeatAt: number, intervalMs = 1000): NodeRecord => ({
  id, roles: ['datanode'], startedAt: 0, heartbeatAt, intervalMs, load: { regions: 0, rowsPerSec: 0, memoryBytes: 0 },
});

describe('liveNodes', () => {
  it('keeps records with a heartbeat within three of their intervals (at least LIVE_FLOOR_MS), sorted by id', () => {
    const now = 100_000;
    const recs = [rec('c', now), rec('a', now - LIVE_INTERVALS * 3000, 3000), rec('b', now - LIVE_INTERVALS * 3000 - 1, 3000), rec('d', now - 5000, 2000)];
    expect(liveNodes(recs, now).map((r) => r.id)).toEqual(['a', 'c', 'd']);
    // short heartbeats: the floor keeps a node that paused a few seconds
    expect(liveNodes([rec('e', now - LIVE_FLOOR_MS, 500), rec('f', now - LIVE_FLOOR_MS - 1, 500)], now).map((r) => r.id)).toEqual(['e']);
  });
});

describe('NodeRegistration', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  let kv: KV;
  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    kv = await new Kvm(jetstream(nc)).create(Buckets.nodes, { history: 1 });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.cleanup();
  });

  it('reports rows/s from the running total between beats', () => {
    const clock = new SimulatedClock(1000);
    let rows = 0;
    const r = new NodeRegistration({ kv, id: 'x', roles: ['datanode'], clock, intervalMs: 1000, sample: () => ({ regions: 2, rowsTotal: rows, memoryBytes: 7 }) });
    expect(r.record().load.rowsPerSec).toBe(0);
    rows = 5000;
    clock.advance(2000);
    expect(r.record().load).toEqual({ regions: 2, rowsPerSec: 2500, memoryBytes: 7 });
  });

  it('registers nodes, lists the live ones by role, drops a clean leave at once and a silent one after three intervals', async () => {
    const clock = new SimulatedClock(1_000_000);
    const mk = (id: string, roles: NodeRecord['roles']) =>
      new NodeRegistration({ kv, id, roles, http: `127.0.0.1:${id.length}`, clock, intervalMs: 60_000, sample: () => ({ regions: 0, rowsTotal: 0, memoryBytes: 1 }) });
    const a = mk('dn-a', ['datanode', 'frontend']);
    const b = mk('dn-b', ['datanode']);
    const m = mk('meta-0', ['meta']);
    await Promise.all([a.start(), b.start(), m.start()]);
    expect((await listLiveNodes(kv, clock)).map((n) => n.id)).toEqual(['dn-a', 'dn-b', 'meta-0']);
    expect((await listLiveNodes(kv, clock, 'datanode')).map((n) => n.id)).toEqual(['dn-a', 'dn-b']);
    expect((await listLiveNodes(kv, clock, 'frontend'))[0]!.http).toBe('127.0.0.1:4');

    await b.stop(); // clean leave: the record goes
    expect((await listLiveNodes(kv, clock, 'datanode')).map((n) => n.id)).toEqual(['dn-a']);

    await a.stop(false); // silent: the record stays but ages out
    clock.advance(LIVE_INTERVALS * 60_000 + 1);
    expect((await listLiveNodes(kv, clock, 'datanode')).map((n) => n.id)).toEqual([]);
    expect((await listNodes(kv)).map((n) => n.id).sort()).toEqual(['dn-a', 'meta-0']);
    await m.stop();
  });
});
