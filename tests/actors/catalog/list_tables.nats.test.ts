// Catalog listings over a real nats-server: a listing reads only the table keys it has not seen (the rest from the
// cache), and two catalogs on one bucket (two nodes, one with the KV watch) agree after a drop and a re-create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, systemClock, type TableSchema } from '../../../core/index.ts';
import { Catalog } from '../../../actors/catalog/catalog.ts';
import { watchCatalog } from '../../../actors/catalog/watch.ts';
import { natsClient, startNats, until } from '../../harness/index.ts';

const draft = (name: string): Omit<TableSchema, 'id'> => ({
  db: 'public', name, version: 1, timeIndex: 'ts', primaryKey: ['host'], options: {}, regions: 1, createdAt: 0,
  columns: [
    { name: 'host', type: 'string', semantic: 'tag', nullable: true },
    { name: 'v', type: 'float64', semantic: 'field', nullable: true },
    { name: 'ts', type: 'timestamp', semantic: 'timestamp', unit: 'ms', nullable: false },
  ],
});

/** The bucket, with its KV reads counted (the real bucket does the work). */
function counted(kv: KV): { kv: KV; gets: () => number } {
  let n = 0;
  const get = kv.get.bind(kv);
  (kv as { get: KV['get'] }).get = (k, o) => { n++; return get(k, o); };
  return { kv, gets: () => n };
}

describe('catalog listings', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  const conns: NatsConnection[] = [];
  beforeAll(async () => { nats = await startNats(); });
  afterAll(async () => {
    for (const c of conns) await c.close().catch(() => undefined);
    await nats?.cleanup();
  });

  async function bucket(): Promise<KV> {
    const nc = await natsClient(nats.url);
    conns.push(nc);
    return new Kvm(jetstream(nc)).create(Buckets.catalog, { history: 1 });
  }

  it('reads each table key once, then lists from the cache; drops and re-creates by another catalog are seen', async () => {
    const a = new Catalog(await bucket(), systemClock);
    const b = counted(await bucket());
    const cb = new Catalog(b.kv, systemClock);
    const watch = await watchCatalog(cb, b.kv);
    await a.createDatabase('public', true);
    for (let i = 0; i < 50; i++) await a.createTable(draft(`m${i}`), false);
    const names = Array.from({ length: 50 }, (_, i) => `m${i}`).sort();

    expect(await cb.listTables('public')).toEqual(names);
    const first = b.gets();
    expect(first).toBeGreaterThanOrEqual(50);
    expect(await cb.listTables('public')).toEqual(names);
    expect(b.gets()).toBe(first); // the second listing read no schema

    // dropped by the other catalog: the watch makes this one read the key again and find it gone, once
    await a.dropTable('public', 'm7');
    await until(async () => !(await cb.listTables('public')).includes('m7'), 'the drop to be seen');
    const afterDrop = b.gets();
    expect(await cb.listTables('public')).toEqual(names.filter((n) => n !== 'm7'));
    expect(b.gets()).toBe(afterDrop);

    // re-created there: listed here again
    await a.createTable(draft('m7'), false);
    await until(async () => (await cb.listTables('public')).includes('m7'), 'the re-create to be seen');
    await watch.stop();
  });
});
