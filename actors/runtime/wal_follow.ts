// Follows a region's WAL as a flow reads it: the records after a sequence, in order, then live; each record says
// whether a stale leader appended it (wal_fence.ts), so the reader skips exactly what replays skip.
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Streams, Subjects } from '../../core/index.ts';
import { LiveStaleFilter, termOf } from './wal_fence.ts';
import { OP_HEADER, type WalOp } from './wal.ts';
import { pullOrdered } from './ordered_pull.ts';

export interface FollowedRecord {
  seq: number;
  data: Uint8Array;
  op: WalOp;
  /** Appended by a leader after a newer one took over: no memtable holds it, a reader must not count it. */
  stale: boolean;
}

/**
 * Hands `onRecord` each record of the region's WAL after `afterSeq`, in order, waiting for new ones, until `stopped()`
 * holds. Throws when the WAL cannot be read or the server went quiet (the caller starts again from its position: with
 * no acks, what a pull sent after it ended would be skipped). Pulls are read apart from `onRecord` (ordered_pull.ts), so
 * a slow reader is not taken for a stall; `onPull` gets each open pull (to stop it) and returns its release. `stream`:
 * the stream holding the region's WAL (wal_streams.ts).
 */
export async function followWal(
  js: JetStreamClient, jsm: JetStreamManager, regionId: string, afterSeq: number,
  onRecord: (r: FollowedRecord) => Promise<void>, stopped: () => boolean,
  onPull?: (it: { stop(): void }) => () => void, stream: string = Streams.wal,
): Promise<void> {
  const fence = new LiveStaleFilter(jsm, regionId, stream);
  let name: string | null = null;
  try {
    const ci = await jsm.consumers.add(stream, {
      filter_subject: Subjects.wal(regionId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSeq + 1,
      ack_policy: AckPolicy.None,
      inactive_threshold: 120_000_000_000,
    });
    name = ci.name;
    const consumer = await js.consumers.get(stream, ci.name);
    while (!stopped()) {
      const released: (() => void)[] = [];
      const pulled = await pullOrdered(consumer, { max_messages: 1024, expires: 5000 }, async (m) => {
        if (stopped()) return;
        const op: WalOp = m.headers?.get(OP_HEADER) === 'delete' ? 'delete' : 'put';
        await onRecord({ seq: m.seq, data: m.data, op, stale: await fence.stale(termOf(m.headers), m.seq) });
      }, (it) => { if (onPull) released.push(onPull(it)); }).finally(() => { for (const r of released) r(); });
      if (pulled.error && !stopped()) throw pulled.error;
    }
  } finally {
    if (name) await jsm.consumers.delete(stream, name).catch(() => undefined);
  }
}
