// Follows a region's WAL as a flow reads it: the records after a sequence, in order, then live; each record says
// whether a stale leader appended it (wal_fence.ts), so the reader skips exactly what replays skip.
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Streams, Subjects } from '../../core/index.ts';
import { LiveStaleFilter, termOf } from './wal_fence.ts';
import { OP_HEADER, type WalOp } from './wal.ts';

export interface FollowedRecord {
  seq: number;
  data: Uint8Array;
  op: WalOp;
  /** Appended by a leader after a newer one took over: no memtable holds it, a reader must not count it. */
  stale: boolean;
}

/**
 * Hands `onRecord` each record of the region's WAL after `afterSeq`, in order, waiting for new ones, until `stopped()`
 * holds. Throws when the WAL cannot be read (the caller starts again from its position).
 */
export async function followWal(
  js: JetStreamClient, jsm: JetStreamManager, regionId: string, afterSeq: number,
  onRecord: (r: FollowedRecord) => Promise<void>, stopped: () => boolean,
): Promise<void> {
  const fence = new LiveStaleFilter(jsm, regionId);
  let name: string | null = null;
  try {
    const ci = await jsm.consumers.add(Streams.wal, {
      filter_subject: Subjects.wal(regionId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSeq + 1,
      ack_policy: AckPolicy.None,
      inactive_threshold: 120_000_000_000,
    });
    name = ci.name;
    const consumer = await js.consumers.get(Streams.wal, ci.name);
    while (!stopped()) {
      const iter = await consumer.fetch({ max_messages: 1024, expires: 1000 });
      for await (const m of iter) {
        const op: WalOp = m.headers?.get(OP_HEADER) === 'delete' ? 'delete' : 'put';
        await onRecord({ seq: m.seq, data: m.data, op, stale: await fence.stale(termOf(m.headers), m.seq) });
        if (stopped()) break;
      }
    }
  } finally {
    if (name) await jsm.consumers.delete(Streams.wal, name).catch(() => undefined);
  }
}
