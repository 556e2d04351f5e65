// Region leader fencing on a real nats-server: once a newer leader opened the region, the old one's writes are refused,
// its appends never reach a memtable (not the new leader's, not a later replay's, not a flow's), and a resend of one is
// written once; old fence marks are purged without un-staling a record; the shared manifest is a compare-and-set.
import { WorkloadReporter } from '../../../actors/index/workload_wire.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { StatusCode, EddyError, MetaUnavailableError, Subjects, decodeBatches, systemClock, timeColumn } from '../../../core/index.ts';
import { RegionHost } from '../../../actors/region/host.ts';
import { Metrics } from '../../../actors/runtime/metrics.ts';
import { ensureJetStreamAssets } from '../../../actors/runtime/js_assets.ts';
import { SharedSegments } from '../../../actors/runtime/segment_mirror.ts';
import { StaleFilter, WalTerm, isStale } from '../../../actors/runtime/wal_fence.ts';
import { followWal } from '../../../actors/runtime/wal_follow.ts';
import { PerRegionWalStreams, SHARED_WAL, type WalStreams } from '../../../actors/runtime/wal_streams.ts';
import { ManifestConflictError, RegionStore } from '../../../storage/index.ts';
import { TermFence } from '../../../actors/region/handle_migration.ts';
import { natsClient, startNats, tempDir } from '../../harness/index.ts';
import { batchOf, cpuSchema, rowsOf, type Row } from '../../storage/fixtures.ts';

const REGION = '4398046511104';
let nats: Awaited<ReturnType<typeof startNats>>;
let nc: NatsConnection;
let shared: SharedSegments;
let jsmOf: JetStreamManager | null = null;
/** The WAL layout under test: the one EDDY_WAL (a cluster's default) or each region's WAL in its own stream. */
let walStreams: WalStreams;
const dirs: { cleanup: () => void }[] = [];
const schema = cpuSchema();

/** A nats-server of its own for each layout (EDDY_WAL's subjects would overlap a region's stream). */
function layoutHooks(layout: 'shared' | 'region'): void {
  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    const { perRegionWal } = await ensureJetStreamAssets(nc, { replicas: 1, segments: true, cluster: true, perRegionWal: layout === 'region' });
    expect(perRegionWal).toBe(layout === 'region');
    shared = await SharedSegments.open(jetstream(nc));
    jsmOf = await jetstreamManager(nc);
    walStreams = layout === 'region' ? new PerRegionWalStreams(jsmOf, 1, () => nc.info?.server_name) : SHARED_WAL;
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.cleanup();
    for (const d of dirs.splice(0)) d.cleanup();
  });
}

const row = (host: string, ts: number): Row => ({ host, region: 'eu', usage_user: ts, ts: BigInt(ts) });

async function host(log: string[], fenced: string[] = [], regionId = REGION): Promise<RegionHost> {
  const dir = tempDir();
  dirs.push(dir);
  const h = new RegionHost({
    nc, js: jetstream(nc), jsm: await jetstreamManager(nc), dir: dir.path, schema, regionId, clock: systemClock,
    metrics: new Metrics(), flushBytes: 64 << 20, publishChanges: false, log: (m) => log.push(m), maxChunkBytes: 512 << 10,
    shared, walStreams, fencing: true, onFenced: (id) => fenced.push(id), workload: new WorkloadReporter(nc),
  });
  await h.start();
  return h;
}

const hostsOf = async (h: RegionHost): Promise<string[]> => rowsOf(await h.scan({})).map((r) => String(r.host)).sort();

/** Follows a region's WAL as a flow does (followWal), collecting the times of the rows it does not skip. */
function follow(region: string, after: number) {
  const times: number[] = [];
  let at = 0;
  let stop = false;
  const waiters: (() => void)[] = [];
  const done = followWal(jetstream(nc), jsmOf!, region, after, async (r) => {
    if (!r.stale) for (const b of decodeBatches(r.data)) times.push(...Array.from(timeColumn(b).values as BigInt64Array, Number));
    at = r.seq;
    for (const w of waiters.splice(0)) w();
  }, () => stop, undefined, walStreams.name(region));
  return {
    /** The times read once the reader has passed `seq`; the reader stops. */
    async until(seq: number): Promise<number[]> {
      while (at < seq) await new Promise<void>((res) => waiters.push(res));
      stop = true;
      await done;
      return times;
    },
  };
}

describe.each(['shared', 'region'] as const)('region leader fencing (%s WAL streams)', (layout) => {
  layoutHooks(layout);
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

  it("a flow's WAL reader skips a stale leader's records, following live and catching up", async () => {
    const region = '4398046511201';
    const log: string[] = [];
    const jsm = await jetstreamManager(nc);
    await walStreams.ensure(region);
    const from = (await jsm.streams.info(walStreams.name(region))).state.last_seq;
    const live = follow(region, from);
    const a = await host(log, [], region);
    await a.write([batchOf(schema, [row('a1', 1)])]);
    const b = await host(log, [], region);
    await b.write([batchOf(schema, [row('b1', 2)])]);
    await expect(a.write([batchOf(schema, [row('a2', 3)])], 'key-flow-a2')).rejects.toThrow(/newer leader/);
    await b.write([batchOf(schema, [row('b2', 4)])]);
    const last = (await jsm.streams.getMessage(walStreams.name(region), { last_by_subj: Subjects.wal(region) }))!.seq;
    // a2's record is in the WAL (between b1 and b2), and neither reader counts it
    expect(await live.until(last)).toEqual([1, 2, 4]);
    expect(await follow(region, from).until(last)).toEqual([1, 2, 4]);
    for (const h of [a, b]) await h.close({ flush: false });
  });

  it("fence marks before a flushing leader's term are purged; a stale record past the purge point stays stale", async () => {
    const region = '4398046511202';
    const log: string[] = [];
    const jsm = await jetstreamManager(nc);
    const marks = () => new WalTerm(jetstream(nc), jsm, region, walStreams.name(region)).marks();
    const a = await host(log, [], region);
    await a.write([batchOf(schema, [row('a1', 1)])]);
    const b = await host(log, [], region);
    await b.write([batchOf(schema, [row('b1', 2)])]);
    await expect(a.write([batchOf(schema, [row('a2', 3)])])).rejects.toThrow(/newer leader/);
    const [ma, mb] = await marks();
    expect(ma).toBeLessThan(mb!);
    // b flushes a1 and b1 and purges the WAL through b1: a's mark goes, b's stays (a2, after b1, still needs it)
    await b.flush();
    expect(await marks()).toEqual([mb]);
    await b.close({ flush: false });
    await a.close({ flush: false });
    const c = await host(log, [], region);
    expect(await hostsOf(c)).toEqual(['a1', 'b1']);
    expect((await marks()).length).toBe(2);
    await c.close({ flush: false });
  });

  it("a flush cannot commit over a manifest another store claimed since it read it (the compare-and-set closes the fence's check-then-act)", async () => {
    const region = '4398046511203';
    const open = async () => {
      const dir = tempDir();
      dirs.push(dir);
      return RegionStore.open({ dir: dir.path, regionId: region, schema, clock: systemClock, mirror: shared.forRegion(region) });
    };
    const older = await open();
    older.apply(batchOf(schema, [row('old1', 1)]), 1);
    await older.flush();
    // A newer leader opens the region (a stale one passed its fence check and is about to commit, say).
    const newer = await open();
    older.apply(batchOf(schema, [row('old2', 2)]), 2);
    await expect(older.flush()).rejects.toThrow(ManifestConflictError);
    newer.apply(batchOf(schema, [row('new1', 3)]), 3);
    await newer.flush();
    const third = await open();
    expect(rowsOf(await third.scan({})).map((r) => String(r.host)).sort()).toEqual(['new1', 'old1']);
    for (const st of [older, newer, third]) await st.close();
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

  it('a datanode takes migration steps of the newest meta term only', async () => {
    const f = new TermFence();
    await f.admit(undefined);
    await f.admit(40);
    await f.admit(40);
    await f.admit(57);
    await expect(f.admit(40)).rejects.toThrow(MetaUnavailableError);
    await expect(f.admit(56)).rejects.toThrow(/newer meta leader \(term 57\)/);
    await f.admit(undefined);
    await f.admit(57);
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(100), fc.nat(100)), { maxLength: 30 }), async (steps) => {
      // Each step: the term that claimed the routes by then (never going back), and the step's own term.
      let claimed = 0;
      const g = new TermFence(async () => claimed);
      let newest = 0;
      for (const [c, t] of steps) {
        claimed = Math.max(claimed, c);
        const ok = t >= Math.max(newest, claimed);
        newest = Math.max(newest, claimed);
        if (ok) {
          newest = t;
          await g.admit(t);
        } else await expect(g.admit(t)).rejects.toThrow(MetaUnavailableError);
      }
    }));
  });
});
