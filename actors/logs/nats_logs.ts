// NATS ways in to the logs engine: eddy.logs.<db>.<table> (request-reply, answered once the rows are durable) and its
// buffered twin eddy.ingest_logs.<db>.<table> (JetStream stream EDDY_LOGS); payload text lines or NDJSON (Content-Type),
// pipeline in the `Eddy-Pipeline` header (greptime_identity when absent). Also republishes committed rows of log tables
// on eddy.tail.<db>.<table> for live tail, while a reader announces interest (tail_interest.ts).
import type { NatsConnection, Subscription, Msg, MsgHdrs } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, RetentionPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import {
  InvalidArgumentError, Streams, Subjects, decodeBatches, isUserError, parseTableSubject, toWireError, type Clock,
} from '../../core/index.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Logger } from '../runtime/logger.ts';
import type { LogIngest, IngestOptions } from './log_ingest.ts';
import { batchNdjson } from './rows_out.ts';
import { TailInterest } from './tail_interest.ts';
import { WriteGate } from '../gateway/write_gate.ts';
import { isStall, pullOrdered } from '../runtime/ordered_pull.ts';
import { ensureAsset } from '../runtime/js_assets.ts';

const LOGS_QUEUE = 'eddy-logs';
const LOGS_CONSUMER = 'eddy-logs';
const TAIL_QUEUE = 'eddy-tail';
/** A pull waits this long for messages; the server sends an idle heartbeat every half of it, two missed are a stall. */
const PULL_EXPIRES_MS = 5000;
const enc = new TextEncoder();

function header(h: MsgHdrs | undefined, name: string): string | undefined {
  const v = h?.get(name);
  return v ? v : undefined;
}

function optionsOf(h: MsgHdrs | undefined): IngestOptions {
  const version = header(h, 'Eddy-Pipeline-Version');
  return { ...(version ? { version } : {}), ...(header(h, 'Eddy-Skip-Errors') === 'true' ? { skipErrors: true } : {}) };
}

export async function ensureLogsStream(jsm: JetStreamManager, replicas = 1): Promise<void> {
  try {
    await jsm.streams.info(Streams.logs);
  } catch {
    await jsm.streams.add({ name: Streams.logs, subjects: [Subjects.logsIngestAll], retention: RetentionPolicy.Workqueue, max_msg_size: -1, num_replicas: replicas });
  }
  try {
    await jsm.consumers.info(Streams.logs, LOGS_CONSUMER);
  } catch {
    await jsm.consumers.add(Streams.logs, { durable_name: LOGS_CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 10_000_000_000, max_ack_pending: 1024 });
  }
}

export class NatsLogs {
  private subs: Subscription[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  private current: { stop(): void } | null = null;
  /** Per announced table: its eddy.changes subscription (queue group: one node republishes each batch). */
  private readonly tailSubs = new Map<string, Subscription>();
  private interest: TailInterest | null = null;
  private onStop!: () => void;
  /** Resolves when stop() begins: a wait for memory gives up then (the message stays in the stream). */
  private readonly stopping = new Promise<void>((r) => { this.onStop = r; });

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly logs: LogIngest,
    private readonly catalog: Catalog,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly opts: { replicas?: number; tail?: boolean; tailTtlMs?: number } = {},
    /** Back-pressure, as for eddy.write / eddy.ingest (nats_ingest.ts): a request's reply waits, the buffered loop waits. */
    private readonly gate: WriteGate = new WriteGate(0),
  ) {}

  async start(): Promise<void> {
    this.subs.push(this.nc.subscribe(Subjects.logsAll, { queue: LOGS_QUEUE, callback: (err, msg) => { if (!err) void this.onRequest(msg); } }));
    if (this.opts.tail !== false) {
      this.interest = new TailInterest(this.nc, this.clock, (db, table) => {
        this.tailSubs.set(`${db}\0${table}`, this.nc.subscribe(Subjects.changes(db, table), { queue: TAIL_QUEUE, callback: (err, msg) => { if (!err) void this.onChange(msg); } }));
      }, (db, table) => {
        this.tailSubs.get(`${db}\0${table}`)?.unsubscribe();
        this.tailSubs.delete(`${db}\0${table}`);
      }, this.opts.tailTtlMs);
      this.interest.start();
    }
    await ensureAsset(`stream ${Streams.logs}`, () => ensureLogsStream(this.jsm, this.opts.replicas ?? 1));
    this.loop = this.bufferedLoop();
  }

  private async apply(subject: string, data: Uint8Array, h: MsgHdrs | undefined, sourceId?: string) {
    const t = parseTableSubject(subject);
    if (!t) throw new InvalidArgumentError(`bad logs subject '${subject}': use eddy.logs.<db>.<table>`);
    const opts = { ...optionsOf(h), ...(sourceId !== undefined ? { sourceId } : {}) };
    return { t, r: await this.logs.ingestBody(t.db, t.table, header(h, 'Eddy-Pipeline'), data, header(h, 'Content-Type') ?? 'text/plain', opts) };
  }

  private async onRequest(msg: Msg): Promise<void> {
    let release: (() => void) | undefined;
    try {
      // Waits for room (the reply waits); with too much already waiting, the RateLimited error reply.
      release = await this.gate.acquire(msg.data.length);
      const { r } = await this.apply(msg.subject, msg.data, msg.headers);
      msg.respond(enc.encode(JSON.stringify({ ok: true, rows: r.rows, ...(r.failed ? { skipped: r.failed, errors: r.errors } : {}), ...(r.filtered ? { filtered: r.filtered } : {}) })));
    } catch (e) {
      const w = toWireError(e);
      this.logger.error(isUserError(w.code) ? 'logs.rejected' : 'logs.failed', `logs on ${msg.subject} failed`, { subject: msg.subject, code: w.code, error: w.message });
      msg.respond(enc.encode(JSON.stringify({ ok: false, error: w })));
    } finally {
      release?.();
    }
  }

  private async bufferedLoop(): Promise<void> {
    const consumer = await this.js.consumers.get(Streams.logs, LOGS_CONSUMER);
    while (!this.stopped) {
      try {
        // Pulls only when there is room: while a flush frees memory the messages wait in the stream, not in the node.
        if (!this.gate.hasRoom()) (await this.gate.acquireUntil(1, this.stopping, { mayRefuse: false }))?.();
        if (this.stopped) break;
        // In order: a log stream's lines keep their order in the table. Applying a batch may take long on a loaded
        // node; only the server going quiet on an open pull is a stall (reported, then pulled again at once).
        const r = await pullOrdered(consumer, { max_messages: 64, expires: PULL_EXPIRES_MS }, (m) => (this.stopped ? Promise.resolve() : this.applyBuffered(m)), (it) => { this.current = it; });
        if (r.error && !this.stopped) {
          if (!isStall(r.error)) throw r.error;
          this.logger.warn(`logs: the server sent nothing on an open pull of ${Streams.logs} for over ${PULL_EXPIRES_MS} ms (heartbeats missed); pulling again`, { stream: Streams.logs });
        }
      } catch (e) {
        if (this.stopped) break;
        this.logger.error('logs.fetch', 'logs: reading the EDDY_LOGS stream failed', { error: (e as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async applyBuffered(m: JsMsg): Promise<void> {
    const t = parseTableSubject(m.subject);
    const db = t?.db ?? 'public';
    // Still on it while waiting for room, so JetStream does not redeliver it after ack_wait.
    const keepAlive = setInterval(() => m.working(), 5000);
    let release: (() => void) | undefined;
    try {
      // The loop's fetches are bounded (64 messages, in order): it waits for room rather than being refused.
      release = (await this.gate.acquireUntil(m.data.length, this.stopping, { mayRefuse: false })) ?? undefined;
      if (!release) return; // stopping: not acked, delivered again later
      // A message delivered again (its ack_wait passed while it waited) is recognised in the WAL, not written twice.
      const { r } = await this.apply(m.subject, m.data, m.headers, `${m.info.stream}:${m.info.streamSequence}`);
      if (r.failed > 0) this.nc.publish(Subjects.errors(db), enc.encode(JSON.stringify({ subject: m.subject, seq: m.seq, skipped: r.failed, errors: r.errors })));
      m.ack();
    } catch (e) {
      const w = toWireError(e);
      if (isUserError(w.code)) {
        this.logger.error('logs.rejected', `buffered logs message ${m.seq} on ${m.subject} rejected (reported on ${Subjects.errors(db)})`, { subject: m.subject, seq: m.seq, code: w.code, error: w.message });
        this.nc.publish(Subjects.errors(db), enc.encode(JSON.stringify({ subject: m.subject, seq: m.seq, error: w })));
        m.term(w.message.slice(0, 200));
      } else {
        this.logger.error('logs.retry', `buffered logs message ${m.seq} on ${m.subject} failed; will retry`, { subject: m.subject, seq: m.seq, code: w.code, error: w.message });
        m.nak(1000);
      }
    } finally {
      clearInterval(keepAlive);
      release?.();
    }
  }

  /** Committed batches of append-mode (log) tables go out on eddy.tail.<db>.<table>, one JSON object per line. */
  private async onChange(msg: Msg): Promise<void> {
    const t = parseTableSubject(msg.subject);
    if (!t) return;
    try {
      const schema = await this.catalog.getTable(t.db, t.table);
      if (!schema?.options.appendMode) return;
      let text = '';
      for (const b of decodeBatches(msg.data)) text += batchNdjson(b, schema);
      if (text) this.nc.publish(Subjects.tail(t.db, t.table), enc.encode(text));
    } catch (e) {
      this.logger.error('tail.failed', `tail: republishing ${msg.subject} failed`, { error: (e as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.onStop();
    for (const s of this.subs) s.unsubscribe();
    this.interest?.stop();
    for (const s of this.tailSubs.values()) s.unsubscribe();
    this.current?.stop();
    await this.loop?.catch(() => undefined);
  }
}
