// NATS entry points: eddy.write.<db> (request-reply; eddy.write_at.<server>.<db> for this node's server) and eddy.ingest.<db> (JetStream-buffered), both into the write path.
import type { NatsConnection, Subscription, Msg, MsgHdrs } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, RetentionPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { DEFAULT_PHYSICAL_TABLE } from './prometheus/defaults.ts';
import { Streams, Subjects, isUserError, parseWriteSubject, toWireError, InvalidArgumentError } from '../../core/index.ts';
import type { WritePath } from './write.ts';
import { WriteGate } from './write_gate.ts';
import type { Metrics } from '../runtime/metrics.ts';
import type { Logger } from '../runtime/logger.ts';

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

function headerOf(h: MsgHdrs | undefined, name: string): string | undefined {
  const v = h?.get(name);
  return v ? v : undefined;
}

/**
 * `Eddy-Physical-Table`: the metric engine's physical table for Prometheus payloads (HTTP's `physical_table`);
 * a Prometheus payload without it goes to GreptimeDB's default physical table, as over HTTP.
 */
function physicalOf(h: Parameters<typeof headerOf>[0]): { physicalTable?: string } {
  const p = headerOf(h, 'Eddy-Physical-Table');
  if (p) return { physicalTable: p };
  return headerOf(h, 'Eddy-Format')?.toLowerCase() === 'prometheus' ? { physicalTable: DEFAULT_PHYSICAL_TABLE } : {};
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
  private localSub: Subscription | null = null;
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
    /**
     * Messages applied at once. 4, not 16: the same applied rate on the 1M-row buffered bench (quiet machine, two runs
     * each: 308k/404k against 377k/290k rows/s), with the node and nats-server's peak RSS until queryable 305-315 MiB
     * against 422-423 (nats-server 78-83 against 128-129 MiB: fewer 1.8 MiB messages pulled ahead and held).
     */
    private readonly maxInFlight = 4,
    /** Messages the consumer's pulls may have outstanding (each at most max_payload: the bound in bytes is that times this). */
    private readonly pullMessages = 4,
  ) {}

  start(): void {
    this.sub = this.nc.subscribe(Subjects.writeAll, { queue: WRITE_QUEUE, callback: (err, msg) => { if (!err) void this.onWrite(msg); } });
    // The same writes addressed to the frontends on this node's nats-server (a client picks its own server's subject),
    // so that the payload reaches a frontend without crossing a route. Bound to the server of the first connection:
    // after a reconnect elsewhere they still arrive, over a route.
    const server = this.nc.info?.server_name;
    if (server) this.localSub = this.nc.subscribe(Subjects.writeAtAll(server), { queue: WRITE_QUEUE, callback: (err, msg) => { if (!err) void this.onWrite(msg); } });
    this.loop = this.ingestLoop();
  }

  private async onWrite(msg: Msg): Promise<void> {
    this.metrics.writeRequests++;
    let release: (() => void) | undefined;
    try {
      // Waits for room (the reply waits: the requester is slowed); with too much already waiting, the documented error reply (RateLimited).
      release = await this.gate.acquire(msg.data.length);
      const target = parseWriteSubject(msg.subject);
      if (!target) throw new InvalidArgumentError(`bad write subject '${msg.subject}': use eddy.write.<db> or eddy.write.<db>.<table> (or eddy.write_at.<server>.<db>[.<table>])`);
      const input = {
        db: target.db,
        data: msg.data,
        ...(target.table !== undefined ? { table: target.table } : {}),
        ...(headerOf(msg.headers, 'Content-Type') ? { contentType: headerOf(msg.headers, 'Content-Type')! } : {}),
        ...(headerOf(msg.headers, 'Eddy-Precision') ? { precision: headerOf(msg.headers, 'Eddy-Precision')! } : {}),
        ...(headerOf(msg.headers, 'Eddy-Format') ? { format: headerOf(msg.headers, 'Eddy-Format')! } : {}),
      };
      const rows = await this.writes.parseAndWrite({ ...input, ...physicalOf(msg.headers) });
      msg.respond(enc.encode(`{"ok":true,"rows":${rows}}`));
    } catch (e) {
      this.metrics.writeErrors++;
      const w = toWireError(e);
      this.logger.error(isUserError(w.code) ? 'write.rejected' : 'write.failed', `write on ${msg.subject} failed`, { subject: msg.subject, code: w.code, error: w.message });
      msg.respond(enc.encode(JSON.stringify({ ok: false, error: w })));
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
      if (!target) throw new InvalidArgumentError(`bad ingest subject '${m.subject}'`);
      const input = {
        db: target.db,
        data: m.data,
        ...(target.table !== undefined ? { table: target.table } : {}),
        ...(headerOf(m.headers, 'Content-Type') ? { contentType: headerOf(m.headers, 'Content-Type')! } : {}),
        ...(headerOf(m.headers, 'Eddy-Precision') ? { precision: headerOf(m.headers, 'Eddy-Precision')! } : {}),
        ...(headerOf(m.headers, 'Eddy-Format') ? { format: headerOf(m.headers, 'Eddy-Format')! } : {}),
      };
      // The message's identity is the write's idempotency key: redelivered after a crash between the WAL append and
      // the ack below, it is recognised in the WAL and not applied twice.
      await this.writes.parseAndWrite({ ...input, ...physicalOf(m.headers), sourceId: `${m.info.stream}:${m.info.streamSequence}` });
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
    this.sub?.unsubscribe();
    this.localSub?.unsubscribe();
    this.current?.stop();
    await this.loop?.catch(() => undefined);
  }
}
