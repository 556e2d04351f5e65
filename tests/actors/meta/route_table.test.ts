// Route table: follows eddy_routes through a KV watch (works on nats-server 2.9), ignores stale terms; reconcile() for datanodes;
// RouteWriter: once a newer meta term claimed the routes, an older leader's writes and removals are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, MetaUnavailableError } from '../../../core/index.ts';
import { RouteTable, RouteWriter, reconcile, readRoute, readRoutes, writeRoute, deleteRoute, type RouteChange } from '../../../actors/meta/index.ts';
import { natsClient, startNats } from '../../harness/index.ts';

describe('reconcile', () => {
  it('opens what is routed and not running, closes what runs and is not routed; applying it converges', () => {
    expect(reconcile(['1', '2'], ['2', '3'])).toEqual({ open: ['1'], close: ['3'] });
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(20)), fc.uniqueArray(fc.nat(20)), (routed, running) => {
        const r = reconcile(routed.map(String), running.map(String));
        const after = new Set(running.map(String));
        r.close.forEach((x) => after.delete(x));
        r.open.forEach((x) => after.add(x));
        expect([...after].sort()).toEqual(routed.map(String).sort());
        expect(reconcile(routed.map(String), [...after])).toEqual({ open: [], close: [] });
      }),
    );
  });
});

describe('RouteTable', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  let kv: KV;
  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    kv = await new Kvm(jetstream(nc)).create(Buckets.routes, { history: 1 });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.cleanup();
  });

  it('loads existing routes, then follows moves and removals; a write from an older term is ignored', async () => {
    await writeRoute(kv, '100', { node: 'a', epoch: 5, at: 0 });
    const table = new RouteTable(kv);
    await table.start();
    expect(table.get('100')?.node).toBe('a');
    const changes: RouteChange[] = [];
    const next = () => new Promise<RouteChange>((r) => { const off = table.onChange((c) => { off(); r(c); }); });

    let got = next();
    await writeRoute(kv, '100', { node: 'b', epoch: 6, at: 0 });
    changes.push(await got);
    got = next();
    await writeRoute(kv, '100', { node: 'stale', epoch: 4, at: 0 }); // older term: ignored
    await writeRoute(kv, '200', { node: 'b', epoch: 6, at: 0 });
    changes.push(await got);
    got = next();
    await deleteRoute(kv, '100');
    changes.push(await got);
    expect(changes.map((c) => [c.regionId, c.route?.node ?? null])).toEqual([['100', 'b'], ['200', 'b'], ['100', null]]);
    expect(table.ownedBy('b')).toEqual(['200']);
    await table.stop();
  });

  it('RouteWriter refuses an older term once a newer one claimed the routes', async () => {
    const old = new RouteWriter(jetstream(nc), kv);
    const neu = new RouteWriter(jetstream(nc), kv);
    await old.claim(5);
    await old.write('w100', { node: 'a', epoch: 5, at: 0 });
    await old.write('w300', { node: 'a', epoch: 6, at: 0 });
    await neu.claim(9);
    expect(await neu.term()).toBe(9);
    // The stale leader (a paused process resuming) tries a route the new leader wrote, one it did not, and a removal.
    await neu.write('w100', { node: 'b', epoch: 9, at: 0 });
    await expect(old.write('w100', { node: 'stale', epoch: 6, at: 0 })).rejects.toBeInstanceOf(MetaUnavailableError);
    await expect(old.write('w200', { node: 'stale', epoch: 6, at: 0 })).rejects.toBeInstanceOf(MetaUnavailableError);
    await expect(old.remove('w300', 6)).rejects.toBeInstanceOf(MetaUnavailableError);
    expect((await readRoute(kv, 'w100'))?.node).toBe('b');
    expect(await readRoute(kv, 'w200')).toBeNull();
    expect((await readRoute(kv, 'w300'))?.node).toBe('a');
    await neu.remove('w300', 10);
    expect(await readRoute(kv, 'w300')).toBeNull();
  });

  it('RouteWriter: writes of one term racing each other all land', async () => {
    const w = new RouteWriter(jetstream(nc), kv);
    await w.claim(20);
    await Promise.all(Array.from({ length: 12 }, (_, i) => w.write(`r${i}`, { node: `n${i}`, epoch: 20 + i, at: 0 })));
    const all = await readRoutes(kv);
    for (let i = 0; i < 12; i++) expect(all.get(`r${i}`)?.node).toBe(`n${i}`);
  });
});
