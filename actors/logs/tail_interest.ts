// Who wants eddy.tail.<db>.<table>: a NATS tail reader announces its interest on eddy.tail_interest.<db>.<table>
// (request-reply; the reply gives the TTL) and repeats it within the TTL. Every node keeps the announced tables with
// the time last announced; a table's interest ends when its TTL passes unrenewed. Committed rows are turned into tail
// NDJSON only for tables someone reads, so a log table nobody tails costs its writes nothing.
import type { NatsConnection, Subscription, Msg } from '@nats-io/transport-node';
import { Subjects, parseTableSubject, type Clock } from '../../core/index.ts';
import { INTEREST_TTL_MS, InterestTable, realEvery, type Every } from '../runtime/interest.ts';

export const TAIL_INTEREST_TTL_MS = INTEREST_TTL_MS;
export { InterestTable, type Every };

const enc = new TextEncoder();

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
