// The region write-ahead log on JetStream: pipelined appends, replay from a sequence, purge up to the flushed point.
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { NatsUnavailableError, Streams, Subjects, decodeBatches, type WriteBatch } from '../../core/index.ts';
import type { NatsLink } from './nats_link.ts';
import { StaleFilter, TERM_HEADER, notFoundAsNull, termOf, type WalTerm } from './wal_fence.ts';
import { isTimeout, jsCall } from './js_call.ts';
import { walPublisherOf, type WalPublisher } from './wal_publish.ts';

/** What a WAL record holds: rows to write, or keys (tags + time) to delete. */
export type WalOp = 'put' | 'delete';
export const OP_HEADER = 'Eddy-Op';
/** JetStream's deduplication header (nats.js's `msgID` publish option). */
const MSG_ID_HEADER = 'Nats-Msg-Id';
/**
 * How long JetStream remembers an append's message id (`Nats-Msg-Id`): a source message redelivered within it (the
 * buffered ingest stream redelivers after ack_wait, so after a restart of the node) is recognised as already in the WAL.
 */
export const WAL_DEDUP_WINDOW_NS = 10 * 60 * 1_000_000_000;
/**
 * How long an append with a message id waits for its PubAck. Its stream's leader may go (a nats-server died) with the
 * append in flight, whose answer then never comes: the caller resends it under the same id (a copy already stored is
 * answered as a duplicate), rather than waiting out the connection's 30 s request timeout.
 */
export const KEYED_APPEND_TIMEOUT_MS = 5_000;
/** How long an append without a message id may wait (its outcome unknown after that: it is not sent again). */
const UNKEYED_APPEND_TIMEOUT_MS = 30_000;

/** An append's outcome: its stream sequence, and whether JetStream already held a record with the same message id. */
export interface WalAppend {
  seq: number;
  duplicate: boolean;
  /**
   * A duplicate found by a resend after an attempt went unanswered: the record at `seq` is that attempt's (its rows in
   * no memtable yet), or an earlier repeat's.
   */
  resent?: boolean;
}

export async function ensureWalStream(jsm: JetStreamManager, replicas = 1): Promise<void> {
  let info;
  try {
    info = await jsm.streams.info(Streams.wal);
  } catch {
    await jsm.streams.add({ name: Streams.wal, subjects: [Subjects.walAll], max_msg_size: -1, num_replicas: replicas, duplicate_window: WAL_DEDUP_WINDOW_NS });
    return;
  }
  // A WAL stream made before appends carried message ids has JetStream's default window (2 minutes): widen it.
  if ((info.config.duplicate_window ?? 0) < WAL_DEDUP_WINDOW_NS) await jsm.streams.update(Streams.wal, { ...info.config, duplicate_window: WAL_DEDUP_WINDOW_NS });
}


export class Wal {
  /**
   * `link`: the connection's status; an append is refused while it is down, and fails when it drops mid-flight.
   * `term` (a cluster datanode): appends carry the leader's term, and replays skip records a stale leader appended.
   * `stream`: the stream holding this region's WAL (wal_streams.ts): its own in a cluster, EDDY_WAL standalone.
   */
  constructor(
    private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, private readonly regionId: string,
    private readonly link?: NatsLink, readonly term?: WalTerm,
    readonly stream: string = Streams.wal,
  ) {
    this.publisher = walPublisherOf(js);
  }

  private readonly publisher: WalPublisher;

  /**
   * Appends one record; resolves once JetStream has stored it. With a `msgId` (an idempotency key: the source
   * message's identity), an append repeating one already stored within WAL_DEDUP_WINDOW_NS is not stored again:
   * the outcome says `duplicate` and carries the first append's sequence.
   */
  async append(record: Uint8Array, op: WalOp = 'put', msgId?: string): Promise<WalAppend> {
    let h: ReturnType<typeof natsHeaders> | undefined;
    const term = this.term?.term ?? null;
    if (op !== 'put' || term !== null || msgId !== undefined) {
      h = natsHeaders();
      if (op !== 'put') h.set(OP_HEADER, op);
      if (term !== null) h.set(TERM_HEADER, String(term));
      if (msgId !== undefined) h.set(MSG_ID_HEADER, `${this.regionId}/${msgId}`);
    }
    const timeout = msgId !== undefined ? KEYED_APPEND_TIMEOUT_MS : UNKEYED_APPEND_TIMEOUT_MS;
    const what = `append to the WAL of region ${this.regionId}`;
    // js_call.ts: no responder (the stream has no leader for a moment; nothing was stored) is sent again; a timeout
    // only under a message id (the record may be stored: a copy is not stored twice, the resend answers its sequence).
    let unanswered = false;
    const a = await jsCall(async () => {
      this.link?.requireConnected(what);
      // wal_publish.ts: JetStream's publish as a core request of our own (nats.js's builds an Error per answer)
      const publish = this.publisher.publish(Subjects.wal(this.regionId), record, h, timeout);
      const ack = await (this.link ? this.link.unlessLost(publish, what) : publish);
      return { seq: ack.seq, duplicate: ack.duplicate };
    }, {
      what, safe: msgId !== undefined, attemptMs: timeout,
      onRetry: (e) => { if (isTimeout(e)) unanswered = true; },
    });
    return unanswered && a.duplicate ? { ...a, resent: true } : a;
  }

  /** The record stored at `seq` (a repeat's first append, read back to apply it), or null once purged. */
  async read(seq: number): Promise<{ data: Uint8Array; op: WalOp; term: number | undefined } | null> {
    const m = await jsCall(() => this.jsm.streams.getMessage(this.stream, { seq }), { what: `reading record ${seq} of the WAL of region ${this.regionId}`, safe: true }).catch(notFoundAsNull);
    if (!m || m.subject !== Subjects.wal(this.regionId)) return null;
    return { data: m.data, op: m.header?.get(OP_HEADER) === 'delete' ? 'delete' : 'put', term: termOf(m.header) };
  }

  /**
   * Delivers every record after `afterSeq`, in order, except (with a term) those a stale leader appended after a
   * newer one took over. Returns how many were delivered.
   */
  /** Applies the records after `afterSeq` to a region store's memtable (a delete as a delete); the rows put. */
  async applyTo(
    store: { apply(b: WriteBatch, seq: number): void; delete(b: WriteBatch, seq: number): void }, afterSeq: number,
    onKey?: (key: string, seq: number) => void,
  ): Promise<number> {
    let rows = 0;
    const prefix = `${this.regionId}/`;
    await this.replay(afterSeq, (data, seq, op, msgId) => {
      for (const b of decodeBatches(data)) {
        if (op === 'delete') store.delete(b, seq);
        else { store.apply(b, seq); rows += b.rows; }
      }
      if (onKey && msgId?.startsWith(prefix)) onKey(msgId.slice(prefix.length), seq);
    });
    return rows;
  }

  /** `msgId`: the record's Nats-Msg-Id (`<region>/<key>`) when it was appended under a key. */
  async replay(afterSeq: number, onRecord: (data: Uint8Array, seq: number, op: WalOp, msgId?: string) => void): Promise<number> {
    const filter = this.term ? new StaleFilter(await this.term.marks()) : null;
    // An ephemeral consumer made twice (a create whose answer was lost) is removed by its inactivity threshold.
    const ci = await jsCall(() => this.jsm.consumers.add(this.stream, {
      filter_subject: Subjects.wal(this.regionId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSeq + 1,
      ack_policy: AckPolicy.None,
      inactive_threshold: 60_000_000_000,
    }), { what: `replaying the WAL of region ${this.regionId}`, safe: true });
    let remaining = ci.num_pending;
    let n = 0;
    try {
      const consumer = await this.js.consumers.get(this.stream, ci.name);
      while (remaining > 0) {
        const iter = await consumer.fetch({ max_messages: Math.min(remaining, 256), expires: 5000 });
        let got = 0;
        for await (const m of iter) {
          got++;
          if (filter?.stale(termOf(m.headers), m.seq)) continue;
          onRecord(m.data, m.seq, m.headers?.get(OP_HEADER) === 'delete' ? 'delete' : 'put', m.headers?.get(MSG_ID_HEADER) || undefined);
          n++;
        }
        if (got === 0) break;
        remaining -= got;
      }
    } finally {
      await this.jsm.consumers.delete(this.stream, ci.name).catch(() => undefined);
    }
    return n;
  }

  /** Drops every record with a sequence <= upTo. */
  async purgeThrough(upTo: number): Promise<void> {
    await this.purge(Subjects.wal(this.regionId), upTo + 1);
  }

  /** Drops the whole log of this region (table dropped or truncated). */
  async purgeAll(): Promise<void> {
    await this.purge(Subjects.wal(this.regionId));
  }

  /** Drops the region's fence marks too (its table is dropped: no leader will follow). */
  async purgeFences(): Promise<void> {
    await this.purge(Subjects.walFence(this.regionId));
  }

  /** A purge is the same whether made once or twice: safe to make again. */
  private async purge(filter: string, seq?: number): Promise<void> {
    await jsCall(() => this.jsm.streams.purge(this.stream, seq === undefined ? { filter } : { filter, seq }), { what: `purging ${filter}`, safe: true });
  }
}
