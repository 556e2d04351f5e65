// Meta services on a real nats-server: nodes register, one meta leads and routes every region to a live datanode; failover re-routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, regionIdOf, systemClock, type TableSchema } from '../../../core/index.ts';
import { Catalog } from '../../../actors/catalog/catalog.ts';
import { MetaServices, readRoutes, listLiveNodes } from '../../../actors/meta/index.ts';
import type { Role } from '../../../actors/config.ts';
import { natsClient, startNats } from '../../harness/index.ts';

/** Polls a condition on a short timer (the cluster changes by heartbeats and rounds, not by events we can hook). */
async function eventually<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const draft = (name: string, regions: number): Omit<TableSchema, 'id'> => ({
  db: 'public', name, version: 1, timeIndex: 'ts', primaryKey: ['host'], options: {}, regions, createdAt: 0,
  columns: [
    { name: 'host', type: 'string', semantic: 'tag', nullable: true },
    { name: 'v', type: 'float64', semantic: 'field', nullable: true },
    { name: 'ts', type: 'timestamp', semantic: 'timestamp', unit: 'ms', nullable: false },
  ],
});

describe('meta services', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  const conns: NatsConnection[] = [];
  const services: MetaServices[] = [];

  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    for (const s of services) await s.stop().catch(() => undefined);
    for (const c of conns) await c.close().catch(() => undefined);
    await nats?.cleanup();
  });

  async function node(id: string, roles: Role[]): Promise<{ svc: MetaServices; catalog: Catalog }> {
    const nc = await natsClient(nats.url);
    conns.push(nc);
    const js = jetstream(nc);
    const catalog = new Catalog(await new Kvm(js).create(Buckets.catalog, { history: 1 }), systemClock);
    await catalog.init();
    const svc = new MetaServices({
      js, catalog, nodeId: id, roles: new Set(roles), clock: systemClock, http: `127.0.0.1:${services.length}`,
      sample: () => ({ regions: 0, rowsTotal: 0, memoryBytes: process.memoryUsage().rss }),
      heartbeatMs: 200, leaseMs: 1200, placementIntervalMs: 200, placement: { maxSkew: 1, maxMoves: 1 },
    });
    await svc.start();
    services.push(svc);
    return { svc, catalog };
  }

  it('routes every region to a live datanode, spreads them, and re-routes when a datanode or the leader leaves', async () => {
    const m1 = await node('meta-1', ['meta', 'datanode']);
    const m2 = await node('meta-2', ['meta', 'frontend']);
    const d3 = await node('dn-3', ['datanode']);
    await m1.svc.whenLeader(5000);
    expect(m2.svc.isLeader).toBe(false);
    const { schema } = await m2.catalog.createTable(draft('cpu', 4), false);
    const ids = [0, 1, 2, 3].map((n) => regionIdOf(schema.id, n));

    const routes = await eventually(async () => {
      const r = await readRoutes(m1.svc.routesKv);
      return ids.every((id) => r.has(id)) ? r : null;
    }, 'routes for all four regions');
    const owners = ids.map((id) => routes.get(id)!.node);
    expect(owners.filter((o) => o === 'meta-1').length).toBe(2);
    expect(owners.filter((o) => o === 'dn-3').length).toBe(2);

    // dn-3 leaves cleanly: its regions move to meta-1, the only datanode left.
    await d3.svc.stop();
    await eventually(async () => {
      const r = await readRoutes(m1.svc.routesKv);
      return ids.every((id) => r.get(id)?.node === 'meta-1');
    }, 'regions of dn-3 re-routed');

    // The leader (and last datanode) leaves: meta-2 takes over, and a new datanode gets every region.
    const epochBefore = (await readRoutes(m1.svc.routesKv)).get(ids[0]!)!.epoch;
    await m1.svc.stop();
    await m2.svc.whenLeader(5000);
    await node('dn-4', ['datanode']);
    // meta-1 left the cluster, so every region ends on dn-4, written in meta-2's term.
    const final = await eventually(async () => {
      const r = await readRoutes(m2.svc.routesKv);
      return ids.every((id) => r.get(id)?.node === 'dn-4') ? r : null;
    }, 'every region on dn-4');
    expect(final.get(ids[0]!)!.epoch).toBeGreaterThan(epochBefore);
    expect((await listLiveNodes(m2.svc.nodesKv, systemClock)).map((n) => n.id)).toEqual(['dn-4', 'meta-2']);

    // Dropping the table removes its routes.
    await m2.catalog.dropTable('public', 'cpu');
    await eventually(async () => (await readRoutes(m2.svc.routesKv)).size === 0, 'routes of the dropped table removed');
  });
});
