// A JetStream publish for WAL appends: core request/reply on the stream subject, the PubAck JSON read here.
//
// Why not `js.publish`: nats.js 3.4 answers every request through a RequestOne whose cleanup, after the answer is
// resolved, builds `new RequestError("cancelled")` to reject the already settled promise (an Error and a stack capture
// per append, thrown away; ~1.7% of the node during remote-write ingest), and each publish copies its options, builds a
// headers object and a timer promise. Here: one wildcard reply subscription per connection (as nats.js's own request
// mux), a token per append, one sweep timer for the deadlines of all appends in flight, the answer parsed as JSON.
//
// Outcomes, as jsCall (js_call.ts) reads them: the PubAck's `{seq, duplicate}`; nats-server's 503 status (nobody
// listens on the subject: the stream has no leader for a moment) as nats.js's NoRespondersError (isNoLeader); no
// answer by the deadline as nats.js's TimeoutError (isTimeout); a JetStream error answer as WalAppendRefusedError.
import { NatsConnectionImpl, createInbox, errors as natsErrors, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { JetStreamClientImpl } from '@nats-io/jetstream/internal';
import type { JetStreamClient } from '@nats-io/jetstream';

/** A stored append: its stream sequence, and whether the stream already held a message with its Nats-Msg-Id. */
export interface PubAck {
  seq: number;
  duplicate: boolean;
}

/** JetStream answered the append with an error (`{"error":{"code","err_code","description"}}`): nothing was stored. */
export class WalAppendRefusedError extends Error {
  constructor(readonly code: number, readonly errCode: number, readonly description: string, subject: string) {
    super(`JetStream refused the append on ${subject}: ${description} (code ${code}, err_code ${errCode})`);
    this.name = 'WalAppendRefusedError';
  }
}

/** An answer that is not a PubAck: says what is wrong and where in the answer. */
export class PubAckFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PubAckFormatError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads nats-server's answer to a JetStream publish (`{"stream":"S","seq":N[,"domain":"D"][,"duplicate":true]}`, or
 * `{"error":{...}}`). Throws WalAppendRefusedError for an error answer, PubAckFormatError for anything else that is not
 * a PubAck with a positive integer `seq`.
 */
export function parsePubAck(data: Uint8Array, subject: string): PubAck {
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw new PubAckFormatError(`the answer to an append on ${subject} is not UTF-8 (${data.length} bytes)`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    // V8's message names the position ("... in JSON at position 7")
    throw new PubAckFormatError(`the answer to an append on ${subject} is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PubAckFormatError(`the answer to an append on ${subject} is not a JSON object: ${clip(text)}`);
  const o = v as Record<string, unknown>;
  if (o.error !== undefined) {
    const er = (typeof o.error === 'object' && o.error !== null ? o.error : {}) as Record<string, unknown>;
    const num = (x: unknown) => (typeof x === 'number' ? x : 0);
    throw new WalAppendRefusedError(num(er.code), num(er.err_code), typeof er.description === 'string' ? er.description : clip(JSON.stringify(o.error)), subject);
  }
  const seq = o.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw new PubAckFormatError(`the answer to an append on ${subject} has no positive integer "seq": ${clip(text)}`);
  if (typeof o.stream !== 'string' || o.stream === '') throw new PubAckFormatError(`the answer to an append on ${subject} names no stream: ${clip(text)}`);
  if (o.duplicate !== undefined && typeof o.duplicate !== 'boolean') throw new PubAckFormatError(`the answer to an append on ${subject} has a non-boolean "duplicate": ${clip(text)}`);
  return { seq, duplicate: o.duplicate === true };
}

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}...` : s);

interface Pending {
  resolve(a: PubAck): void;
  reject(e: unknown): void;
  subject: string;
  deadline: number;
}

/** How often the deadlines of the appends in flight are checked (only while some are). */
const SWEEP_MS = 100;

/** Appends to JetStream streams over one connection; `walPublisherOf` gives the connection's one instance. */
export class WalPublisher {
  private readonly prefix: string;
  private sub: Subscription | null = null;
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly nc: NatsConnection) {
    // the connection's own inbox prefix (a NATS user may subscribe only below its own: core/subjects.ts userInboxPrefix)
    this.prefix = `${createInbox(nc instanceof NatsConnectionImpl ? nc.options.inboxPrefix : undefined)}.`;
  }

  /** In flight now (a test's view). */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Publishes `data` on `subject` with `headers` (Nats-Msg-Id among them, for deduplication) and resolves with the
   * stream's PubAck; rejects after `timeoutMs` without an answer (TimeoutError), at once on no responders.
   */
  publish(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, timeoutMs: number): Promise<PubAck> {
    if (this.sub === null || this.sub.isClosed()) this.sub = this.nc.subscribe(`${this.prefix}*`, { callback: (err, m) => (err ? this.failAll(err) : this.answer(m.subject, m.data, m.headers)) });
    const token = (this.next++).toString(36);
    return new Promise<PubAck>((resolve, reject) => {
      this.pending.set(token, { resolve, reject, subject, deadline: Date.now() + timeoutMs });
      try {
        this.nc.publish(subject, data, headers ? { reply: this.prefix + token, headers } : { reply: this.prefix + token });
      } catch (e) {
        this.pending.delete(token);
        reject(e);
        return;
      }
      this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
    });
  }

  private answer(replySubject: string, data: Uint8Array, h: MsgHdrs | undefined): void {
    const token = replySubject.slice(this.prefix.length);
    const p = this.pending.get(token);
    if (p === undefined) return; // timed out already
    this.pending.delete(token);
    if (data.length === 0 && h?.code === 503) p.reject(new natsErrors.NoRespondersError(p.subject));
    else {
      try {
        p.resolve(parsePubAck(data, p.subject));
      } catch (e) {
        p.reject(e);
      }
    }
    this.idle();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(token);
      p.reject(new natsErrors.TimeoutError());
    }
    this.idle();
  }

  /** The reply subscription ended (connection closed, permissions): no answer can come to what is in flight. */
  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
    this.sub = null;
    this.idle();
  }

  private idle(): void {
    if (this.pending.size === 0 && this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}

const publishers = new WeakMap<NatsConnection, WalPublisher>();

/** The one publisher of the connection behind a JetStream client (nats.js's JetStreamClientImpl). */
export function walPublisherOf(js: JetStreamClient): WalPublisher {
  if (!(js instanceof JetStreamClientImpl)) throw new TypeError('walPublisherOf: not a nats.js JetStream client');
  let p = publishers.get(js.nc);
  if (!p) publishers.set(js.nc, (p = new WalPublisher(js.nc)));
  return p;
}
