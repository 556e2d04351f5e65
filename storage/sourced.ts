// Idempotency keys of writes already in segments. A keyed write (a buffered ingest message's stream and sequence) is
// recognised as a repeat by the WAL's duplicate window while its record is in the WAL; once a flush purged the record,
// JetStream forgets its key (a purge, or a nats-server restart, drops the dedupe entries of purged messages), so a
// message redelivered after a crash between the flush and its ack would be applied twice. The manifest keeps the keys
// of the records its segments took, for as long as a redelivery can come (the WAL's window), and the region answers
// such a repeat without appending it again.

/** A key, the WAL sequence of its record, and when it was applied (ms, the host's clock). */
export type SourcedKey = [id: string, seq: number, at: number];

/** How long a key is kept: the WAL's duplicate window (actors/runtime/wal.ts WAL_DEDUP_WINDOW_NS), 10 minutes. */
export const SOURCED_WINDOW_MS = 10 * 60 * 1000;

/** Keys kept at most: a redelivery repeats what was applied shortly before a crash (the ingest consumer holds a few
 * messages at a time), so the newest keys are the ones that matter; the bound keeps the manifest small at any rate. */
const MAX_KEYS = 4_096;

export class SourcedKeys {
  /** Keys of records in the memtables, oldest first (applied in WAL order). */
  private pending: SourcedKey[] = [];
  /** Keys of records in segments (the manifest's), by id. */
  private flushed = new Map<string, SourcedKey>();

  constructor(initial: SourcedKey[] | undefined, private readonly windowMs: number) {
    for (const k of initial ?? []) this.flushed.set(k[0], k);
  }

  /** A keyed record applied to the memtable at `seq`. */
  note(id: string, seq: number, at: number): void {
    this.pending.push([id, seq, at]);
  }

  /** Whether a record with this key is in a segment already (its WAL record may be purged). */
  has(id: string): boolean {
    return this.flushed.has(id);
  }

  /**
   * The keys to record with a manifest whose segments hold every row through `flushedSeq`: the earlier ones still in
   * the window (measured from the newest key's time) and those the flush took. Call `committed` once it is written.
   */
  through(flushedSeq: number): SourcedKey[] {
    let k = 0;
    while (k < this.pending.length && this.pending[k]![1] <= flushedSeq) k++;
    const all = [...this.flushed.values(), ...this.pending.slice(0, k)];
    const newest = all.reduce((t, x) => Math.max(t, x[2]), 0);
    return all.filter((x) => x[2] >= newest - this.windowMs).slice(-MAX_KEYS);
  }

  /** The manifest recording `keys` (from `through(flushedSeq)`) is committed. */
  committed(flushedSeq: number, keys: SourcedKey[]): void {
    this.pending = this.pending.filter((x) => x[1] > flushedSeq);
    this.flushed = new Map(keys.map((x) => [x[0], x]));
  }
}
