// Who wants a table's committed batches on eddy.changes.<db>.<table>. A reader announces on
// eddy.changes_interest.<db>.<table> (or eddy.changes_interest.<db> for every table of a database): request-reply, the
// reply gives the TTL, and the reader repeats it within the TTL (`followChanges`). A live tail announcement
// (eddy.tail_interest.<db>.<table>) counts too: the tail is made from eddy.changes. Every node keeps the announced
// tables (`ChangesInterest`) and its regions publish a table's batches only while it is wanted, so a write nobody
// follows is not sent a second time (flows do not need eddy.changes: they read the region WALs).
//
// Across nodes and restarts: each announcement is also put in the KV bucket eddy_interest (entries live one TTL) before
// it is answered, and a node reads that bucket before its regions open; so a node (re)started while a reader follows
// publishes that reader's rows from its first write. A node running when the announcement came saw it on its own
// subscription (no queue group) by the time the reply, sent after the KV put's round trip, reached the reader.
import type { NatsConnection, Subscription, Msg } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { InvalidArgumentError, KvKeys, Subjects, kvUntoken, parseInterestSubject, type Clock } from '../../core/index.ts';
import { kvKeys } from './kv_keys.ts';

export const INTEREST_TTL_MS = 30_000;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A periodic timer; tests drive `sweep()` themselves with a simulated clock. */
export type Every = (ms: number, fn: () => void) => () => void;
export const realEvery: Every = (ms, fn) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return () => clearInterval(t);
};

/** The tables with live interest: key `<db>\0<table>`, value the time last announced. Pure: no I/O. */
export class InterestTable {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** Records an announcement (kept when `now` is older than what is known); true when the table had no interest before. */
  announce(db: string, table: string, now: number): boolean {
    const k = `${db}\0${table}`;
    const last = this.seen.get(k);
    if (last === undefined || now > last) this.seen.set(k, now);
    return last === undefined;
  }

  has(db: string, table: string): boolean {
    return this.seen.has(`${db}\0${table}`);
  }

  /** Drops the tables whose last announcement is older than the TTL; returns them. */
  expire(now: number): { db: string; table: string }[] {
    const out: { db: string; table: string }[] = [];
    for (const [k, t] of this.seen) {
      if (now - t < this.ttlMs) continue;
      this.seen.delete(k);
      const [db, table] = k.split('\0') as [string, string];
      out.push({ db, table });
    }
    return out;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** A node's view of who wants eddy.changes: fed by announcements and, at start, by the KV bucket eddy_interest. */
export class ChangesInterest {
  readonly table: InterestTable;
  private readonly subs: Subscription[] = [];
  private stopSweep: (() => void) | null = null;

  constructor(
    private readonly nc: NatsConnection,
    /** eddy_interest (null: announcements are not kept across restarts). */
    private readonly kv: KV | null,
    private readonly clock: Clock,
    private readonly ttlMs = INTEREST_TTL_MS,
    private readonly every: Every = realEvery,
  ) {
    this.table = new InterestTable(ttlMs);
  }

  /** Subscribes, then reads the kept announcements: resolves once this node knows every live interest. */
  async start(): Promise<void> {
    const record = (msg: Msg) => {
      const t = parseInterestSubject(msg.subject);
      if (t) this.table.announce(t.db, t.table, this.clock.now());
    };
    // Every node records (no queue group); one node keeps it in KV and answers.
    for (const s of [Subjects.changesInterestAll, Subjects.tailInterestAll]) this.subs.push(this.nc.subscribe(s, { callback: (err, msg) => { if (!err) record(msg); } }));
    this.subs.push(this.nc.subscribe(Subjects.changesInterestAll, { queue: 'eddy-changes-interest', callback: (err, msg) => { if (!err) void this.keep(msg, true); } }));
    this.subs.push(this.nc.subscribe(Subjects.tailInterestAll, { queue: 'eddy-changes-interest', callback: (err, msg) => { if (!err) void this.keep(msg, false); } }));
    if (this.kv) {
      for (const key of await kvKeys(this.kv, KvKeys.changesInterestAll)) {
        const e = await this.kv.get(key).catch(() => null);
        if (!e || e.operation !== 'PUT') continue;
        const at = Number(dec.decode(e.value));
        const parts = key.split('.');
        if (!Number.isFinite(at) || parts.length < 2) continue;
        this.table.announce(kvUntoken(parts[1]!), parts.length > 2 ? kvUntoken(parts[2]!) : '', at);
      }
    }
    this.stopSweep = this.every(Math.max(1000, Math.floor(this.ttlMs / 4)), () => this.sweep());
  }

  /** Keeps an announcement in KV, then (an eddy.changes announcement) answers it with the subject and the TTL. */
  private async keep(msg: Msg, reply: boolean): Promise<void> {
    const t = parseInterestSubject(msg.subject);
    if (!t) {
      if (reply && msg.reply) msg.respond(enc.encode(JSON.stringify({ ok: false, error: `bad subject '${msg.subject}': announce a table (<prefix>.<db>.<table>) or a database (<prefix>.<db>)` })));
      return;
    }
    const now = this.clock.now();
    this.table.announce(t.db, t.table, now);
    await this.kv?.put(KvKeys.changesInterest(t.db, t.table === '' ? undefined : t.table), enc.encode(String(now))).catch(() => undefined);
    if (reply && msg.reply) {
      const subject = t.table === '' ? Subjects.changesDb(t.db) : Subjects.changes(t.db, t.table);
      msg.respond(enc.encode(JSON.stringify({ ok: true, subject, ttl_ms: this.ttlMs })));
    }
  }

  /** Whether a region should publish this table's committed batches. */
  wanted(db: string, table: string): boolean {
    return this.table.size > 0 && (this.table.has(db, table) || this.table.has(db, ''));
  }

  /** Ends the interest of tables not announced within the TTL. */
  sweep(): void {
    this.table.expire(this.clock.now());
  }

  stop(): void {
    this.stopSweep?.();
    for (const s of this.subs) s.unsubscribe();
    this.subs.length = 0;
  }
}

/**
 * A reader's side: announces interest in a table's eddy.changes (every table of `db` without one), resolves once a
 * node answered (rows committed from then on are published), and renews it within the TTL until `stop()`.
 */
export async function followChanges(
  nc: NatsConnection, db: string, table?: string, onError: (e: Error) => void = () => undefined,
): Promise<{ stop(): void }> {
  const subject = table === undefined ? Subjects.changesInterestDb(db) : Subjects.changesInterest(db, table);
  const announce = async () => JSON.parse((await nc.request(subject, undefined, { timeout: 10_000 })).string()) as { ok: boolean; ttl_ms: number; error?: string };
  const first = await announce();
  if (!first.ok) throw new InvalidArgumentError(first.error ?? `announcing on ${subject} failed`);
  const t = setInterval(() => void announce().catch(onError), Math.max(1000, Math.floor(first.ttl_ms / 3)));
  t.unref?.();
  return { stop: () => clearInterval(t) };
}
