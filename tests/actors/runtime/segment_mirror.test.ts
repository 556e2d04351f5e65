// `--storage nats`: region files in the JetStream object store, so a region opens from any node's empty directory.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { Buckets, Streams } from '../../../core/index.ts';
import type { NatsConnection } from '@nats-io/transport-node';
import { RegionStore } from '../../../storage/index.ts';
import { SharedSegments } from '../../../actors/runtime/segment_mirror.ts';
import { natsClient, startNats, startNodeProcess, tempDir, until } from '../../harness/index.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, type Row } from '../../storage/fixtures.ts';

const REGION = '4398046511104';
let nats: Awaited<ReturnType<typeof startNats>>;
let nc: NatsConnection;
let shared: SharedSegments;

beforeAll(async () => {
  nats = await startNats();
  nc = await natsClient(nats.url);
  shared = await SharedSegments.open(jetstream(nc));
});
afterAll(async () => {
  await nc?.close();
  await nats?.cleanup();
});

const rows = (n: number, from = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({ host: `h${(from + i) % 7}`, region: 'eu', usage_user: from + i, ts: BigInt(1_000 + from + i) }));

describe('shared segments (--storage nats)', () => {
  it('a region written on one node opens complete from another node\'s empty directory, compaction included', async () => {
    const schema = cpuSchema();
    const a = tempDir(), b = tempDir();
    const mirror = shared.forRegion(REGION);
    const first = await RegionStore.open({ dir: a.path, regionId: REGION, schema, mirror });
    first.apply(batchOf(schema, rows(50)), 1);
    await first.flush();
    first.apply(batchOf(schema, rows(50, 25)), 2);
    await first.flush();
    const before = sortRows(rowsOf(await first.scan({})));
    expect(before).toHaveLength(75);
    expect((await mirror.listSegments()).sort()).toEqual(first.segments.map((s) => s.file).sort());
    const res = await first.compact();
    expect(res.merged).toBe(2);
    // The merged inputs left the shared store with the manifest that stopped naming them.
    expect(await mirror.listSegments()).toEqual(first.segments.map((s) => s.file));
    await first.close();

    const second = await RegionStore.open({ dir: b.path, regionId: REGION, schema, mirror: shared.forRegion(REGION) });
    expect(second.flushedSeq).toBe(2);
    expect(sortRows(rowsOf(await second.scan({})))).toEqual(before);
    await second.close();
    await mirror.destroy();
    expect(await mirror.listSegments()).toEqual([]);
    expect(await mirror.getManifest()).toBeNull();
    a.cleanup();
    b.cleanup();
  });

  it('the shared manifest wins over a stale local copy, and segments no manifest names are removed', async () => {
    const schema = cpuSchema();
    const id = '4398046511105';
    const a = tempDir(), b = tempDir();
    const one = await RegionStore.open({ dir: a.path, regionId: id, schema, mirror: shared.forRegion(id) });
    one.apply(batchOf(schema, rows(10)), 1);
    await one.flush();
    await one.close();
    // Node b takes the region over and writes more; node a's directory is now stale.
    const two = await RegionStore.open({ dir: b.path, regionId: id, schema, mirror: shared.forRegion(id) });
    two.apply(batchOf(schema, rows(10, 10)), 2);
    await two.flush();
    await two.close();
    // A crash between storing a segment and naming it leaves an orphan in the shared store.
    await shared.forRegion(id).putSegment('9999999999-9.arrow', new Uint8Array([1, 2, 3]));
    const back = await RegionStore.open({ dir: a.path, regionId: id, schema, mirror: shared.forRegion(id) });
    expect(back.flushedSeq).toBe(2);
    expect(rowsOf(await back.scan({}))).toHaveLength(20);
    expect(await shared.forRegion(id).listSegments()).not.toContain('9999999999-9.arrow');
    await back.close();
    a.cleanup();
    b.cleanup();
  });

  it('a read that started on a version whose chunks were purged (replaced meanwhile) reads the new version instead of waiting forever', async () => {
    const mirror = shared.forRegion('4398046511106');
    const stream = `OBJ_${Buckets.segments}`;
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const metaOf = async () => {
      const info = await jsm.streams.info(stream, { subjects_filter: `$O.${Buckets.segments}.M.>` });
      for (const subj of Object.keys(info.state.subjects ?? {})) {
        const m = await jsm.streams.getMessage(stream, { last_by_subj: subj });
        if ((JSON.parse(new TextDecoder().decode(m!.data)) as { name: string }).name === '4398046511106/segments/1-1.arrow') return { subj, data: m!.data };
      }
      throw new Error('no meta');
    };
    const v1 = new Uint8Array(2 * 1024 * 1024 + 5).fill(1);
    const v2 = new Uint8Array(1024 * 1024 + 9).fill(2);
    await mirror.putSegment('1-1.arrow', v1);
    const old = await metaOf();
    await mirror.putSegment('1-1.arrow', v2);
    const current = await metaOf();
    // The state a reader meets in the race: the meta it read names the old version, whose chunks are gone.
    await js.publish(old.subj, old.data);
    const consumersBefore = (await jsm.consumers.list(stream).next()).length;
    const read = mirror.getSegment('1-1.arrow');
    await until(async () => (await jsm.consumers.list(stream).next()).length > consumersBefore, 'the reader to start on the old version');
    await js.publish(current.subj, current.data);
    const got = await read;
    expect(got!.length).toBe(v2.length);
    expect(got!.every((b) => b === 2)).toBe(true);
    await mirror.destroy();
  }, 30_000);

  it('a node started with --storage nats reads its flushed data back after losing its region directories', async () => {
    const dir = tempDir();
    const sql = (url: string, q: string) =>
      fetch(`${url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) }).then((r) => r.json() as Promise<{ output: { records?: { rows: unknown[][] } }[] }>);
    let node = await startNodeProcess({ data: dir.path, args: ['--storage', 'nats'] });
    await sql(node.url, `CREATE TABLE m (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))`);
    await sql(node.url, `INSERT INTO m VALUES ('a', 1, 1000), ('b', 2, 2000), ('a', 3, 3000)`);
    await sql(node.url, `ADMIN flush_table('m')`);
    // The flush put the region's manifest and segment in the node's shared store and purged its WAL.
    const peek = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const objects = (await (await new Objm(jetstream(peek)).open(Buckets.segments)).list()).map((o) => o.name);
    expect(objects.some((n) => n.endsWith('/manifest.json'))).toBe(true);
    expect(objects.some((n) => n.includes('/segments/'))).toBe(true);
    expect((await jetstreamManager(peek).then((m) => m.streams.info(Streams.wal))).state.messages).toBe(0);
    await peek.close();
    await node.stop();
    // The embedded nats-server keeps its store under <data>/nats; the regions' local copies go.
    rmSync(join(dir.path, 'regions'), { recursive: true, force: true });
    node = await startNodeProcess({ data: dir.path, args: ['--storage', 'nats'] });
    const out = await sql(node.url, `SELECT host, v FROM m ORDER BY ts`);
    expect(out.output[0]!.records!.rows).toEqual([['a', 1], ['b', 2], ['a', 3]]);
    await node.stop();
    dir.cleanup();
  });
});
