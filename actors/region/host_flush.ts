// A region host's flushes: memtable to a segment, then the WAL purged up to it (no further than the flows' floor);
// fenced (a stale leader commits nothing), and after a failed flush (full disk) writes are refused until one succeeds.
import { EddyError, StatusCode } from '../../core/index.ts';
import { ManifestConflictError, type RegionStore } from '../../storage/index.ts';
import type { Wal } from '../runtime/wal.ts';
import type { WalTerm } from '../runtime/wal_fence.ts';
import { walFloor } from '../runtime/wal_floor.ts';
import type { RegionHostDeps } from './host_deps.ts';

/** What the flushes need of their host. */
export interface FlushHost {
  readonly deps: RegionHostDeps;
  readonly wal: Wal;
  readonly term: WalTerm | null;
  store(): RegionStore;
  /** A newer leader ended this term (throws `e` on). */
  fenced(e: unknown): never;
  /** Some acknowledged write not applied yet holds a WAL sequence at or below the applied one (host.ts ackedUnapplied). */
  outOfOrder(): boolean;
  /** Resolves once the writes called so far are applied. */
  applied(): Promise<void>;
  /** A flush wrote a segment (index files to build). */
  flushed(): void;
  /** A flush ended, well or not (memory freed). */
  freed(): void;
}

export class RegionFlushes {
  /** Why the last flush failed (a full disk): writes are refused until a flush succeeds again. */
  private error: string | null = null;
  private retryAt = 0;
  /** The flush running now, if any. */
  inFlight: Promise<void> | null = null;
  /** When the memtable last went from empty to holding rows (ms, from the clock). */
  dirtySince: number | null = null;

  constructor(private readonly h: FlushHost) {}

  /**
   * Null when writes may go on; else the error refusing them (the last flush failed). `requestFlush` is asked (at
   * most once a second) to try the flush again.
   */
  refusal(requestFlush: () => boolean): EddyError | null {
    if (this.error === null) return null;
    const now = this.h.deps.clock.now();
    if (now >= this.retryAt && requestFlush()) this.retryAt = now + 1000;
    return new EddyError(StatusCode.StorageUnavailable, `region ${this.h.deps.regionId} refuses writes: its last flush failed (${this.error}); writes resume once a flush succeeds`);
  }

  /** The memtable took its first rows since the last flush. */
  dirtied(): void {
    if (this.dirtySince === null) this.dirtySince = this.h.deps.clock.now();
  }

  /** Whether the memtable is older than flushIntervalMs (a time-based flush is due). */
  get old(): boolean {
    const every = this.h.deps.flushIntervalMs;
    return this.dirtySince !== null && !!every && this.h.deps.clock.now() - this.dirtySince >= every;
  }

  /** Flushes the memtable (the machine's flush step) and purges the WAL it covered. */
  async run(): Promise<void> {
    const p = this.flushAndPurge();
    this.inFlight = p;
    try {
      await p;
    } finally {
      this.inFlight = null;
      this.h.freed();
    }
  }

  /** Resolves once no flush is running (its failure is the flush caller's). */
  async settled(): Promise<void> {
    if (this.inFlight) await this.inFlight.catch(() => undefined);
  }

  private async flushAndPurge(): Promise<void> {
    const { h } = this;
    let res: Awaited<ReturnType<RegionStore['flush']>>;
    // A stale leader must not commit files or purge the WAL under the new one.
    await h.term?.assertCurrent().catch((e) => h.fenced(e));
    // Frozen only once no acknowledged write below the applied sequence waits (a resent append got a later sequence
    // than writes after it): checked and frozen in one synchronous step (store.flush freezes before its first await).
    while (h.outOfOrder()) await h.applied();
    try {
      res = await h.store().flush();
    } catch (e) {
      // A newer leader claimed the shared manifest: nothing was committed, and nothing is purged.
      if (e instanceof ManifestConflictError) h.fenced(e);
      this.error = (e as Error).message;
      throw e;
    }
    this.error = null;
    this.dirtySince = h.store().memRows > 0 ? h.deps.clock.now() : null;
    if (!res) return;
    h.deps.metrics.flushes++;
    h.flushed();
    // Flows read this region's WAL: keep what they have not checkpointed yet. The manifest naming the flushed rows is
    // committed (a compare-and-set that fails once a newer leader claimed it), so any later leader replays from past
    // them: the purge cannot take records a newer leader still needs.
    const floor = await walFloor(h.deps.js, h.deps.regionId);
    const upTo = floor === null ? res.flushedSeq : Math.min(res.flushedSeq, floor);
    if (upTo > 0) await h.wal.purgeThrough(upTo);
    // Fence marks before this leader's term matter no more once the WAL is purged past it (WalTerm.purgeMarks).
    if (upTo > 0) await h.term?.purgeMarks(upTo);
  }
}
