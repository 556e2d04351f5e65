// Region leader fencing on the WAL: each leader term starts with a fence mark; an append made after a newer mark is stale.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { EddyError, StatusCode, Streams, Subjects } from '../../core/index.ts';
import { jsCall } from './js_call.ts';

/** The header carrying the term (its fence mark's stream sequence) of the leader that appended a WAL record. */
export const TERM_HEADER = 'Eddy-Term';

/**
 * How a region keeps a stale leader (a paused or partitioned datanode whose region was reopened elsewhere) from
 * writing. nats-server 2.9 has no conditional append on another subject, so the fence is checked around the append
 * rather than inside it:
 *
 * - A leader starting a term publishes a mark on the region's fence subject (Subjects.walFence); the mark's stream sequence is its term,
 *   and every record it appends carries it (TERM_HEADER). A newer leader's mark always has a larger sequence.
 * - A record with term t at sequence s is stale when a mark f exists with t < f < s: it was appended after a newer
 *   leader took over. Replays and catch-ups skip stale records, so the new leader's memtable never holds them.
 * - A leader answers an append only after a read of the fence subject issued after the append's ack: no mark after
 *   its term, or the first one after the record, means the record is valid (the new leader's replay includes it).
 *   Reads are shared: one read confirms every ack that arrived before it was sent, so appends stay pipelined.
 */
export function isStale(term: number | undefined, seq: number, marks: readonly number[]): boolean {
  if (term === undefined) return false;
  // marks ascend: the last one below seq decides.
  let last = 0;
  for (const f of marks) {
    if (f >= seq) break;
    last = f;
  }
  return last > term;
}

/** The term a WAL record's headers carry (undefined: appended without fencing). */
export function termOf(h: { get(k: string): string } | undefined): number | undefined {
  const v = h?.get(TERM_HEADER);
  return v ? Number(v) : undefined;
}

/** The first fence mark of a region at or after stream sequence `from`, or null. */
export async function nextMark(jsm: JetStreamManager, regionId: string, from: number, stream: string = Streams.wal): Promise<number | null> {
  // The server's STREAM.MSG.GET takes next_by_subj (2.9+); the client's type names it for direct gets only.
  const q = { seq: from, next_by_subj: Subjects.walFence(regionId) } as unknown as { seq: number };
  const m = await jsCall(() => jsm.streams.getMessage(stream, q), { what: `reading the fence of region ${regionId}`, safe: true }).catch(notFoundAsNull);
  return m ? m.seq : null;
}

/** JetStream's "no message found" as null; any other error thrown. */
export function notFoundAsNull(e: unknown): null {
  if (/no message found|not found|404/i.test(String((e as Error)?.message ?? e))) return null;
  throw e;
}

/**
 * Tells stale WAL records apart for a reader that follows a region's WAL live (a flow): the marks are read again only
 * for a record past what the last reading covered. A reading first takes the region's last record, then the marks
 * after the newest one known: every mark before that record was stored before it, so the reading covers every record
 * up to it (a reader that catches up reads the marks once; a live one about once per record it is handed).
 */
export class LiveStaleFilter {
  private readonly marks: number[] = [];
  /** Every mark below any record at or before this sequence is in `marks`. */
  private coveredTo = 0;

  constructor(private readonly jsm: JetStreamManager, private readonly regionId: string, private readonly stream: string = Streams.wal) {}

  async stale(term: number | undefined, seq: number): Promise<boolean> {
    if (term === undefined) return false;
    if (seq > this.coveredTo) await this.read(seq);
    return isStale(term, seq, this.marks);
  }

  private async read(seq: number): Promise<void> {
    const last = await jsCall(() => this.jsm.streams.getMessage(this.stream, { last_by_subj: Subjects.wal(this.regionId) }), { what: `reading the WAL of region ${this.regionId}`, safe: true }).catch(notFoundAsNull);
    for (let f = await nextMark(this.jsm, this.regionId, (this.marks.at(-1) ?? 0) + 1, this.stream); f !== null; f = await nextMark(this.jsm, this.regionId, f + 1, this.stream)) this.marks.push(f);
    this.coveredTo = Math.max(seq, last?.seq ?? 0);
  }
}

/** Tells stale WAL records apart while replaying in sequence order (marks listed once, before the replay). */
export class StaleFilter {
  private i = 0;
  private last = 0;
  constructor(private readonly marks: readonly number[]) {}

  stale(term: number | undefined, seq: number): boolean {
    while (this.i < this.marks.length && this.marks[this.i]! < seq) this.last = this.marks[this.i++]!;
    return term !== undefined && this.last > term;
  }
}

/** Failure of a region whose term a newer leader ended: the caller goes to the region's route again. */
export class RegionFencedError extends EddyError {
  constructor(regionId: string, term: number, mark: number) {
    super(StatusCode.RegionReadonly, `region ${regionId} has a newer leader (term ${mark} after this node's ${term}): write refused here, retry at the routed node`);
  }
}

/** One region's term on this node: claims it, and confirms (batched) that appends made in it are still valid. */
export class WalTerm {
  /** This leader's term (its mark's sequence); null before claim(). */
  term: number | null = null;
  /** The first newer mark, once seen: records at or after it are stale. */
  fencedAt: number | null = null;
  private round: Promise<void> | null = null;
  private nextRound: Promise<void> | null = null;

  /** `stream`: the stream holding the region's WAL (wal_streams.ts). */
  constructor(
    private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, private readonly regionId: string,
    private readonly stream: string = Streams.wal,
  ) {}

  /** Starts a term: publishes a mark, ending any older leader's. */
  async claim(): Promise<number> {
    // Safe to publish again: a mark stored by an attempt whose answer was lost only precedes this term's mark, and
    // this leader appends nothing between them.
    const ack = await jsCall(() => this.js.publish(Subjects.walFence(this.regionId), new Uint8Array(0)), { what: `claiming region ${this.regionId}`, safe: true });
    this.term = ack.seq;
    this.fencedAt = null;
    return ack.seq;
  }

  /** Every mark's sequence, ascending (a handful: one per leader change). */
  async marks(): Promise<number[]> {
    const out: number[] = [];
    for (let from = 1; ;) {
      const m = await this.next(from);
      if (!m) return out;
      out.push(m);
      from = m + 1;
    }
  }

  /** The first mark at or after `from`, or null. */
  private next(from: number): Promise<number | null> {
    return nextMark(this.jsm, this.regionId, from, this.stream);
  }

  /**
   * Resolves when the record this leader appended at `seq` is valid; throws RegionFencedError when a newer leader's
   * mark precedes it. Call only after the append's ack arrived: the confirming read is issued after that.
   */
  async confirm(seq: number): Promise<void> {
    if (this.term === null) return;
    if (this.fencedAt === null) await this.check();
    if (this.fencedAt === null) return;
    if (seq > this.fencedAt) throw new RegionFencedError(this.regionId, this.term, this.fencedAt);
    // A newer mark after the record: valid, unless earlier marks were purged (purgeMarks) and hid the first newer one.
    // They go only with every record before the purging leader's term, so a record still in the WAL is judged right;
    // one already purged cannot be told, and is refused here (a resend to the route is answered from the WAL).
    if (!(await this.recordKept(seq))) throw new RegionFencedError(this.regionId, this.term, this.fencedAt);
  }

  /** Whether the WAL still holds this region's record at `seq`. */
  private async recordKept(seq: number): Promise<boolean> {
    const m = await jsCall(() => this.jsm.streams.getMessage(this.stream, { seq }), { what: `reading record ${seq} of region ${this.regionId}`, safe: true }).catch(notFoundAsNull);
    return m !== null && m.subject === Subjects.wal(this.regionId);
  }

  /**
   * Drops the marks before this leader's term once the WAL is purged through `upTo` (at or past the term). A record
   * left (after upTo) that a purged mark made stale is still stale by this term's mark, which stays between them; the
   * marks after it stay too. So one mark per region remains in a steady state instead of one per leader change.
   */
  async purgeMarks(upTo: number): Promise<void> {
    if (this.term === null || this.term > upTo) return;
    await jsCall(() => this.jsm.streams.purge(this.stream, { filter: Subjects.walFence(this.regionId), seq: this.term! }), { what: `purging old marks of region ${this.regionId}`, safe: true });
  }

  /** Throws RegionFencedError when a newer leader has claimed the region (before a flush or a WAL purge). */
  async assertCurrent(): Promise<void> {
    if (this.term === null) return;
    if (this.fencedAt === null) await this.check();
    if (this.fencedAt !== null) throw new RegionFencedError(this.regionId, this.term, this.fencedAt);
  }

  /** Whether a record (term t, sequence seq) someone appended is stale: a mark lies between its term and it. */
  async staleRecord(term: number | undefined, seq: number): Promise<boolean> {
    if (term === undefined) return false;
    const f = await this.next(term + 1);
    return f !== null && f < seq;
  }

  /** One read of the fence subject, started after every caller waiting on it arrived (shared by those callers). */
  private check(): Promise<void> {
    if (this.nextRound) return this.nextRound;
    const start = (): Promise<void> => {
      const r = this.read().finally(() => {
        if (this.round === r) this.round = null;
      });
      this.round = r;
      return r;
    };
    if (!this.round) return start();
    const n = this.round.catch(() => undefined).then(() => {
      this.nextRound = null;
      return start();
    });
    this.nextRound = n;
    return n;
  }

  private async read(): Promise<void> {
    const term = this.term;
    if (term === null) return;
    const f = await this.next(term + 1);
    if (f !== null && this.term === term) this.fencedAt = f;
  }
}
