// The region WAL's idempotent appends on a real nats-server: an append repeating a message id is recognised as a
// duplicate (with the first append's sequence) and not stored again, also after the region's log was purged by a flush.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Streams, Subjects } from '../../../core/index.ts';
import { Wal, WAL_DEDUP_WINDOW_NS, ensureWalStream } from '../../../actors/runtime/wal.ts';
import { startNats } from '../../harness/index.ts';

describe('WAL appends with a source id', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let wal: Wal;
  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    // A WAL stream made by an older version, with JetStream's default duplicate window (2 minutes).
    await jsm.streams.add({ name: Streams.wal, subjects: [Subjects.walAll], max_msg_size: -1 });
    await ensureWalStream(jsm);
    wal = new Wal(jetstream(nc), jsm, '77');
  });
  afterAll(async () => {
    await nc.close();
    await nats.cleanup();
  });

  it('an existing WAL stream is widened to remember message ids for WAL_DEDUP_WINDOW_NS', async () => {
    expect((await jsm.streams.info(Streams.wal)).config.duplicate_window).toBe(WAL_DEDUP_WINDOW_NS);
    await ensureWalStream(jsm);
    expect((await jsm.streams.info(Streams.wal)).config.duplicate_window).toBe(WAL_DEDUP_WINDOW_NS);
  });

  it('a repeated source id is a duplicate of the first append; other ids and id-less appends are stored', async () => {
    const a = await wal.append(new Uint8Array([1]), 'put', 'EDDY_INGEST:5');
    const again = await wal.append(new Uint8Array([1]), 'put', 'EDDY_INGEST:5');
    const b = await wal.append(new Uint8Array([2]), 'put', 'EDDY_INGEST:6');
    const c = await wal.append(new Uint8Array([3]));
    const d = await wal.append(new Uint8Array([3]));
    expect(a.duplicate).toBe(false);
    expect(again).toEqual({ seq: a.seq, duplicate: true });
    expect(b.duplicate || c.duplicate || d.duplicate).toBe(false);
    const seen: number[] = [];
    await wal.replay(0, (data) => seen.push(data[0]!));
    expect(seen).toEqual([1, 2, 3, 3]);
  });

  it('the same source id in another region is not a duplicate', async () => {
    const other = new Wal(jetstream(nc), jsm, '78');
    expect((await other.append(new Uint8Array([1]), 'put', 'EDDY_INGEST:5')).duplicate).toBe(false);
  });

  it('a source id stays known after the region log was purged through it (flushed)', async () => {
    const a = await wal.append(new Uint8Array([9]), 'put', 'EDDY_INGEST:42');
    await wal.purgeThrough(a.seq);
    const again = await wal.append(new Uint8Array([9]), 'put', 'EDDY_INGEST:42');
    expect(again.duplicate).toBe(true);
    let n = 0;
    await wal.replay(a.seq, () => n++);
    expect(n).toBe(0);
  });
});
