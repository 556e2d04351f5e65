// NATS entry points: eddy.write.<db> (request-reply) and eddy.ingest.<db> (JetStream-buffered), both into the write path.
import type { NatsConnection, Subscription, Msg, MsgHdrs } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, RetentionPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { DEFAULT_PHYSICAL_TABLE } from './prometheus/defaults.ts';
import { Streams, Subjects, isUserError, parseWriteSubject, toWireError, InvalidArgumentError } from '../../core/index.ts';
import type { WritePath } from './write.ts';
import { lineProtocolCodec, type CodecRegistry } from '../../core/codec/index.ts';
import { WriteGate } from './write_gate.ts';
import type { Metrics } from '../runtime/metrics.ts';
import type { Logger } from '../runtime/logger.ts';
import { errorOf, type ParsePool } from '../runtime/parse_pool.ts';
import { WRITE_HEADER_NAMES, type InboundWrite, type TakeWrites, type WriteHeaders } from '../runtime/parse_wire.ts';

const INGEST_CONSUMER = 'eddy-ingest';
const WRITE_QUEUE = 'eddy-write';
/** A pull waits this long for messages before it is renewed (consume renews it itself). */
const PULL_EXPIRES_MS = 5000;
/**
 * How often a message being applied is reported in progress (`+WPI`): well within the consumer's ack_wait (10 s), so it
 * is not redelivered while its write waits for room or runs slowly on a loaded machine.
 */
const KEEP_ALIVE_MS = 3000;
/** A wait for a free apply slot this long may have left delivered messages waiting in the pull's buffer. */
const STALE_WAIT_MS = 1000;
const enc = new TextEncoder();

/** The write headers the node reads, from a message's headers. */
function writeHeaders(h: MsgHdrs | undefined): WriteHeaders {
  const out: WriteHeaders = {};
  if (!h) return out;
  for (const [k, name] of Object.entries(WRITE_HEADER_NAMES) as [keyof WriteHeaders, string][]) {
    const v = h.get(name);
    if (v) out[k] = v;
  }
  return out;
}

/**
 * `Eddy-Physical-Table`: the metric engine's physical table for Prometheus payloads (HTTP's `physical_table`);
 * a Prometheus payload without it goes to GreptimeDB's default physical table, as over HTTP.
 */
function physicalOf(h: WriteHeaders): { physicalTable?: string } {
  if (h.physicalTable) return { physicalTable: h.physicalTable };
  return h.format?.toLowerCase() === 'prometheus' ? { physicalTable: DEFAULT_PHYSICAL_TABLE } : {};
}

/** A write's input from its subject and headers (the payload is set by the caller). */
function inputOf(subject: string, h: WriteHeaders, kind: 'write' | 'ingest'): { db: string; table?: string; contentType?: string; precision?: string; format?: string; physicalTable?: string } {
  const target = parseWriteSubject(subject);
  if (!target) {
    throw new InvalidArgumentError(kind === 'write' ? `bad write subject '${subject}': use eddy.write.<db> or eddy.write.<db>.<table>` : `bad ingest subject '${subject}'`);
  }
  return {
    db: target.db,
    ...(target.table !== undefined ? { table: target.table } : {}),
    ...(h.contentType ? { contentType: h.contentType } : {}),
    ...(h.precision ? { precision: h.precision } : {}),
    ...(h.format ? { format: h.format } : {}),
    ...physicalOf(h),
  };
}

/** The media types (of no Content-Type, and of those line protocol clients send) the codecs read as line protocol. */
export function lineProtocolMediaTypes(codecs: CodecRegistry): string[] {
  return ['', ...lineProtocolCodec.contentTypes].filter((t) => !t.endsWith('*') && codecs.forContentType(t || undefined) === lineProtocolCodec);
}

/**
 * eddy.write received by parse workers (their own NATS connections, same queue group) instead of the main thread:
 * line protocol payloads are parsed and WAL-encoded there and never cross to the main thread as bytes.
 */
export interface WriteOffload {
  pool: ParsePool;
  /** The worker's nats.js connect options (the node's server and service credentials). */
  connect: TakeWrites['connect'];
  /** Media types the node reads as line protocol ('' = no Content-Type). */
  lineProtocolTypes: string[];
}

export async function ensureIngestStream(jsm: JetStreamManager, replicas = 1): Promise<void> {
  try {
    await jsm.streams.info(Streams.ingest);
  } catch {
    await jsm.streams.add({ name: Streams.ingest, subjects: [Subjects.ingestAll], retention: RetentionPolicy.Workqueue, max_msg_size: -1, num_replicas: replicas });
  }
  try {
    await jsm.consumers.info(Streams.ingest, INGEST_CONSUMER);
  } catch {
    await jsm.consumers.add(Streams.ingest, {
      durable_name: INGEST_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // A message delivered to a node that then died comes back after ack_wait; keep it short.
      ack_wait: 10_000_000_000,
      max_ack_pending: 4096,
    });
  }
}

export class NatsIngest {
  private sub: Subscription | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private current: { stop(): void } | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly writes: WritePath,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    /** Back-pressure: a write waits here for room (its reply waits, the buffered consumer stops pulling). */
    private readonly gate: WriteGate = new WriteGate(0),
    private readonly maxInFlight = 16,
    /** Messages the consumer's pulls may have outstanding (each at most max_payload: the bound in bytes is that times this). */
    private readonly pullMessages = 16,
    /** Parse workers that take the eddy.write subscription from the main thread once they are ready. */
    private readonly offload: WriteOffload | null = null,
  ) {}

  start(): void {
    // The main thread answers eddy.write until a worker holds the subscription (and again if none does).
    this.subscribeHere();
    if (this.offload) {
      this.offload.pool.takeWrites({
        take: { connect: this.offload.connect, subject: Subjects.writeAll, queue: WRITE_QUEUE, maxWriteBytes: this.writes.maxWriteBytes, lineProtocolTypes: this.offload.lineProtocolTypes },
        inbound: (w) => void this.onInbound(w),
        changed: () => this.workersChanged(),
      });
    }
    this.loop = this.ingestLoop();
  }

  private subscribeHere(): void {
    this.sub ??= this.nc.subscribe(Subjects.writeAll, { queue: WRITE_QUEUE, callback: (err, msg) => { if (!err) void this.onWrite(msg); } });
  }

  /**
   * A worker subscribed: the main thread's subscription is drained (what it received is still answered). None holds it
   * (the last one died): the main thread subscribes again. Writes in flight during a hand-over may be applied in either
   * order, as writes sent to two nodes of a queue group are.
   */
  private workersChanged(): void {
    if (this.stopped || !this.offload) return;
    if (this.offload.pool.subscribedCount > 0) {
      const sub = this.sub;
      this.sub = null;
      void sub?.drain().catch(() => undefined);
    } else this.subscribeHere();
  }

  private onWrite(msg: Msg): Promise<void> {
    const headers = writeHeaders(msg.headers);
    return this.answer(msg.subject, msg.data.length, (data) => msg.respond(data), () => this.writes.parseAndWrite({ ...inputOf(msg.subject, headers, 'write'), data: msg.data }));
  }

  /** A write a worker's subscription received: already parsed (or failed to parse) there when it is line protocol. */
  private onInbound(w: InboundWrite): Promise<void> {
    return this.answer(w.subject, w.bytes, (data) => { if (w.reply) this.nc.publish(w.reply, data); }, () => {
      const input = inputOf(w.subject, w.headers, 'write');
      if (w.parsed || w.error) this.metrics.writesParsedOffThread++;
      if (w.error) throw errorOf(w.error);
      if (w.parsed) {
        return this.writes.writeParsed(input.db, w.parsed, input.physicalTable !== undefined ? { physicalTable: input.physicalTable } : {});
      }
      return this.writes.parseAndWrite({ ...input, data: w.data! });
    });
  }

  /** Runs a synchronous write within back-pressure and answers it: the rows, or the error in the protocol's shape. */
  private async answer(subject: string, bytes: number, respond: (data: Uint8Array) => void, write: () => Promise<number>): Promise<void> {
    this.metrics.writeRequests++;
    let release: (() => void) | undefined;
    try {
      // Waits for room (the reply waits: the requester is slowed); with too much already waiting, the documented error reply (RateLimited).
      release = await this.gate.acquire(bytes);
      const rows = await write();
      respond(enc.encode(`{"ok":true,"rows":${rows}}`));
    } catch (e) {
      this.metrics.writeErrors++;
      const w = toWireError(e);
      this.logger.error(isUserError(w.code) ? 'write.rejected' : 'write.failed', `write on ${subject} failed`, { subject, code: w.code, error: w.message });
      respond(enc.encode(JSON.stringify({ ok: false, error: w })));
    } finally {
      release?.();
    }
  }

  /**
   * Pulls buffered messages in stream order, continuously (`consume`: the next pull is asked for while the current one
   * is still being applied, so the node never waits on a pull's round trip), at most `pullMessages` outstanding; up to
   * maxInFlight are applied at once (their parses run in parallel in the parse workers, their WAL appends are
   * pipelined). Each is acked once its rows are durable, or reported on eddy.errors.<db>.
   *
   * Pulls are bounded in messages, never in bytes (`max_bytes`): nats-server 2.9 drops a redelivered message from its
   * redelivery queue when it does not fit a pull's remaining bytes (409 Message Size Exceeds MaxBytes), and after a
   * restart it may then stay ack pending for minutes, never applied (README, Inside: "The buffered consumer's pulls").
   */
  private async ingestLoop(): Promise<void> {
    const consumer = await this.js.consumers.get(Streams.ingest, INGEST_CONSUMER);
    const inFlight = new Set<Promise<void>>();
    while (!this.stopped) {
      let messages;
      try {
        messages = await consumer.consume({ max_messages: this.pullMessages, expires: PULL_EXPIRES_MS });
        this.current = messages;
      } catch (e) {
        if (this.stopped) break;
        this.logger.error('ingest.fetch', 'ingest: pulling from the ingest stream failed', { error: (e as Error).message });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      try {
        // Messages delivered while the loop waits for a free slot sit in the pull's buffer, unacked and not kept alive;
        // after a wait, the next pull's worth are told to JetStream as in progress when they are taken, so that a slow
        // apply does not get them redelivered (and parsed again) after ack_wait.
        let mayBeStale = 0;
        for await (const m of messages) {
          if (mayBeStale > 0) {
            mayBeStale--;
            m.working();
          }
          const p = this.applyOne(m);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
          if (inFlight.size >= this.maxInFlight) {
            const waited = Date.now();
            await Promise.race(inFlight);
            if (Date.now() - waited >= STALE_WAIT_MS) mayBeStale = this.pullMessages;
          }
          if (this.stopped) break;
        }
      } catch (e) {
        if (!this.stopped) this.logger.error('ingest.fetch', 'ingest: reading the ingest stream failed', { error: (e as Error).message });
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(inFlight);
  }

  private async applyOne(m: JsMsg): Promise<void> {
    const target = parseWriteSubject(m.subject);
    const db = target?.db ?? 'public';
    // Tell JetStream we are still on it (waiting for back-pressure or a slow write), so it is not redelivered after ack_wait.
    const keepAlive = setInterval(() => m.working(), KEEP_ALIVE_MS);
    let release: (() => void) | undefined;
    try {
      // The consumer's pulls are bounded (bytes, maxInFlight): it waits for room rather than being refused.
      release = await this.gate.acquire(m.data.length, { mayRefuse: false });
      const input = inputOf(m.subject, writeHeaders(m.headers), 'ingest');
      // The message's identity is the write's idempotency key: redelivered after a crash between the WAL append and
      // the ack below, it is recognised in the WAL and not applied twice.
      await this.writes.parseAndWrite({ ...input, data: m.data, sourceId: `${m.info.stream}:${m.info.streamSequence}` });
      this.metrics.ingestMessages++;
      m.ack();
    } catch (e) {
      const w = toWireError(e);
      if (isUserError(w.code)) {
        this.metrics.ingestErrors++;
        this.logger.error('ingest.rejected', `ingest message ${m.seq} on ${m.subject} rejected (reported on ${Subjects.errors(db)})`, { subject: m.subject, seq: m.seq, code: w.code, error: w.message });
        this.nc.publish(Subjects.errors(db), enc.encode(JSON.stringify({ subject: m.subject, seq: m.seq, error: w })));
        m.term(w.message.slice(0, 200));
      } else {
        this.logger.error('ingest.retry', `ingest message ${m.seq} on ${m.subject} failed; will retry`, { subject: m.subject, seq: m.seq, code: w.code, error: w.message });
        m.nak(1000);
      }
    } finally {
      clearInterval(keepAlive);
      release?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.offload?.pool.releaseWrites();
    this.sub?.unsubscribe();
    this.current?.stop();
    await this.loop?.catch(() => undefined);
  }
}
