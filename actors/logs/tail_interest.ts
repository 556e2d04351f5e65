// Who wants eddy.tail.<db>.<table>: a NATS tail reader announces its interest on eddy.tail_interest.<db>.<table>
// (request-reply; the reply gives the TTL) and repeats it within the TTL. Every node keeps the announced tables with
// the time last announced; a table's interest ends when its TTL passes unrenewed. Committed rows are turned into tail
// NDJSON only for tables someone reads, so a log table nobody tails costs its writes nothing.
import type { NatsConnection, Subscription, Msg } from '@nats-io/transport-node';
import { Subjects, parseTableSubject, type Clock } from '../../core/index.ts';

export const TAIL_INTEREST_TTL_MS = 30_000;

const enc = new TextEncoder();

/** A periodic timer; tests drive `sweep()` themselves with a simulated clock. */
export type Every = (ms: number, fn: () => void) => () => void;
const realEvery: Every = (ms, fn) => {
  const t = setInterval(fn, ms);
  t.unref?.();
  return () => clearInterval(t);
};

/** The tables with live interest: key `<db>\0<table>`, value the time last announced. Pure: no I/O. */
export class InterestTable {
  private readonly seen = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** Records an announcement; true when the table had no interest before. */
  announce(db: string, table: string, now: number): boolean {
    const k = `${db}\0${table}`;
    const fresh = !this.seen.has(k);
    this.seen.set(k, now);
    return fresh;
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

/**
 * Listens for announcements on every node (no queue group: each node must know), and calls `onStart` / `onEnd` when a
 * table's interest begins or lapses. The reply to an announcement is sent after `onStart` has subscribed, so rows
 * committed after the reply are republished.
 */
export class TailInterest {
  readonly table: InterestTable;
  private sub: Subscription | null = null;
  private stopSweep: (() => void) | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly clock: Clock,
    private readonly onStart: (db: string, table: string) => void,
    private readonly onEnd: (db: string, table: string) => void,
    private readonly ttlMs = TAIL_INTEREST_TTL_MS,
    private readonly every: Every = realEvery,
  ) {
    this.table = new InterestTable(ttlMs);
  }

  start(): void {
    this.sub = this.nc.subscribe(Subjects.tailInterestAll, { callback: (err, msg) => { if (!err) this.onAnnounce(msg); } });
    this.stopSweep = this.every(Math.max(1000, Math.floor(this.ttlMs / 4)), () => this.sweep());
  }

  private onAnnounce(msg: Msg): void {
    const t = parseTableSubject(msg.subject);
    if (!t) return;
    if (this.table.announce(t.db, t.table, this.clock.now())) this.onStart(t.db, t.table);
    if (msg.reply) msg.respond(enc.encode(JSON.stringify({ ok: true, subject: Subjects.tail(t.db, t.table), ttl_ms: this.ttlMs })));
  }

  /** Ends the interest of tables not announced within the TTL. */
  sweep(): void {
    for (const { db, table } of this.table.expire(this.clock.now())) this.onEnd(db, table);
  }

  stop(): void {
    this.stopSweep?.();
    this.sub?.unsubscribe();
  }
}
