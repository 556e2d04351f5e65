// Region leader fencing on a real nats-server: once a newer leader opened the region, the old one's writes are refused,
// its appends never reach a memtable (not the new leader's, not a later replay's), and a resend of one is written once.
import { WorkloadReporter } from '../../../actors/index/workload_wire.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { StatusCode, EddyError, MetaUnavailableError, systemClock } from '../../../core/index.ts';
import { RegionHost } from '../../../actors/region/host.ts';
import { Metrics } from '../../../actors/runtime/metrics.ts';
import { ensureJetStreamAssets } from '../../../actors/runtime/js_assets.ts';
import { SharedSegments } from '../../../actors/runtime/segment_mirror.ts';
import { StaleFilter, isStale } from '../../../actors/runtime/wal_fence.ts';
import { TermFence } from '../../../actors/region/handle_migration.ts';
import { natsClient, startNats, tempDir } from '../../harness/index.ts';
import { batchOf, cpuSchema, rowsOf, type Row } from '../../storage/fixtures.ts';

const REGION = '4398046511104';
let nats: Awaited<ReturnType<typeof startNats>>;
let nc: NatsConnection;
let shared: SharedSegments;
const dirs: { cleanup: () => void }[] = [];
const schema = cpuSchema();

beforeAll(async () => {
  nats = await startNats();
  nc = await natsClient(nats.url);
  await ensureJetStreamAssets(nc, { replicas: 1, segments: true, cluster: true });
  shared = await SharedSegments.open(jetstream(nc));
});
afterAll(async () => {
  await nc?.close();
  await nats?.cleanup();
  for (const d of dirs) d.cleanup();
});

const row = (host: string, ts: number): Row => ({ host, region: 'eu', usage_user: ts, ts: BigInt(ts) });

async function host(log: string[], fenced: string[] = []): Promise<RegionHost> {
  const dir = tempDir();
  dirs.push(dir);
  const h = new RegionHost({
    nc, js: jetstream(nc), jsm: await jetstreamManager(nc), dir: dir.path, schema, regionId: REGION, clock: systemClock,
    metrics: new Metrics(), flushBytes: 64 << 20, publishChanges: false, log: (m) => log.push(m), maxChunkBytes: 512 << 10,
    shared, fencing: true, onFenced: (id) => fenced.push(id), workload: new WorkloadReporter(nc),
  });
  await h.start();
  return h;
}

const hostsOf = async (h: RegionHost): Promise<string[]> => rowsOf(await h.scan({})).map((r) => String(r.host)).sort();

describe('region leader fencing', () => {
  it('a stale leader is refused after a newer one opened; its appends are skipped by every replay; a resend is written once', async () => {
    const log: string[] = [];
    const fencedA: string[] = [];
    const a = await host(log, fencedA);
    expect(await a.write([batchOf(schema, [row('a1', 1)])])).toBe(1);
    // A newer leader opens the region (the old one paused, say): it replays a1 and takes writes.
    const b = await host(log);
    expect(await hostsOf(b)).toEqual(['a1']);
    expect(await b.write([batchOf(schema, [row('b1', 2)])])).toBe(1);
    // The old leader, still open, appends: refused as moved (the router retries at the route), the region leaves it.
    const err = await a.write([batchOf(schema, [row('a2', 3)])], 'key-a2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).code).toBe(StatusCode.RegionReadonly);
    expect(a.isFenced).toBe(true);
    expect(fencedA).toEqual([REGION]);
    expect(a.retired).toBe(true);
    // Refused before any append now.
    expect(((await a.write([batchOf(schema, [row('a3', 4)])]).catch((e: unknown) => e)) as EddyError).code).toBe(StatusCode.RegionReadonly);
    // Its flush may not commit files under the new leader.
    await expect(a.flush()).rejects.toThrow();
    // The router resends the refused write, with its key, to the new leader: written once though the key is in the WAL.
    expect(await b.write([batchOf(schema, [row('a2', 3)])], 'key-a2')).toBe(1);
    expect(await b.write([batchOf(schema, [row('a2', 3)])], 'key-a2')).toBe(1);
    expect(await hostsOf(b)).toEqual(['a1', 'a2', 'b1']);
    // A third leader replays the WAL: the stale append of a2 is skipped, the new leader's copy counted once.
    await b.close({ flush: false });
    const c = await host(log);
    expect(await hostsOf(c)).toEqual(['a1', 'a2', 'b1']);
    expect((await c.rowCount(true)).rows).toBe(3);
    await c.flush();
    await c.close({ flush: false });
    await a.close({ flush: false });
    // The new leader's files hold what it had, and the fenced one committed nothing over them.
    const d = await host(log);
    expect(await hostsOf(d)).toEqual(['a1', 'a2', 'b1']);
    await d.close({ flush: false });
  });

  it('isStale and the replay filter agree on random terms and marks', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 8 }).map((m) => m.sort((x, y) => x - y)),
      fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }), fc.integer({ min: 1, max: 200 })), { maxLength: 30 }),
      (marks, recs) => {
        const sorted = [...recs].sort((x, y) => x[1] - y[1]);
        const f = new StaleFilter(marks);
        for (const [t, s] of sorted) {
          const plain = t !== undefined && marks.some((m) => t < m && m < s);
          expect(isStale(t, s, marks)).toBe(plain);
          expect(f.stale(t, s)).toBe(plain);
        }
      },
    ));
  });

  it('a datanode takes migration steps of the newest meta term only', () => {
    const f = new TermFence();
    f.admit(undefined);
    f.admit(40);
    f.admit(40);
    f.admit(57);
    expect(() => f.admit(40)).toThrow(MetaUnavailableError);
    expect(() => f.admit(56)).toThrow(/newer meta leader \(term 57\)/);
    f.admit(undefined);
    f.admit(57);
    fc.assert(fc.property(fc.array(fc.nat(100), { maxLength: 30 }), (terms) => {
      const g = new TermFence();
      let newest = 0;
      for (const t of terms) {
        const ok = t >= newest;
        if (ok) newest = t;
        if (ok) g.admit(t);
        else expect(() => g.admit(t)).toThrow(MetaUnavailableError);
      }
    }));
  });
});
