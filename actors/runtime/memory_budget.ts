// The node's memory budget (--memory-limit-mb): memtables, writes in flight and the decoded-segment cache share it.
import { totalmem } from 'node:os';

const MiB = 1024 * 1024;

/** What the budget needs of a region: its memtable's bytes, those of memtables being flushed, and a way to flush. */
export interface BudgetRegion {
  readonly memBytes: number;
  readonly flushingBytes: number;
  /** Asks for a flush of the memtable; false when the region cannot take one now (flushing, compacting, migrating). */
  requestFlush(): boolean;
}

export interface MemoryUse {
  limit: number;
  /** Rows in memtables that take writes. */
  memtables: number;
  /** Memtables frozen and being written to segments (their sorted copy and encoded bytes come on top while it runs). */
  flushing: number;
  /** Write payloads admitted and not yet applied. */
  writes: number;
  cache: number;
  cacheLimit: number;
}

/**
 * A quarter of the machine's memory (or of the cgroup's limit, when the process runs in one), between 256 MiB and
 * 2 GiB: on a machine other processes share, the node keeps to a part of it.
 */
export function defaultMemoryLimitMb(): number {
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const total = constrained > 0 && constrained < totalmem() ? constrained : totalmem();
  return Math.round(Math.min(2048, Math.max(256, total / 4 / MiB)));
}

/**
 * How the limit is shared. Writes (memtables, memtables being flushed, payloads in flight) may hold half of it:
 * past that, writes get back-pressure. Memtables that take writes are flushed, largest first, once they hold an
 * eighth, one eighth's worth at a time. A flush holds its memtable's sort (a permutation and its keys, ~20 bytes a row)
 * and one row group at a time (storage/memtable/sorted_source.ts): `npm run bench -- flush` measured 0.3-1.2 times
 * the memtable on top of it (2-4.7 times when the flush sorted the memtable into a copy and encoded the whole file). The decoded-segment cache gets at most a quarter; a compaction job holds at most an eighth decoded.
 */
export class MemoryBudget {
  /** Flushes the budget asked for (largest memtable first), on top of each region's own --flush-bytes. */
  flushesRequested = 0;
  private readonly freed = new Set<() => void>();
  /** Memtable bytes as of the last full count, plus what was applied since (counting every region is O(regions)). */
  private counted = { memtables: 0, flushing: 0 };
  private sinceCount = 0;

  constructor(
    readonly limitBytes: number,
    private readonly regions: () => Iterable<BudgetRegion>,
    private readonly writesInFlight: () => number = () => 0,
    private readonly cache: { bytes: number; budgetBytes: number } = { bytes: 0, budgetBytes: 0 },
  ) {}

  get writeLimitBytes(): number {
    return Math.floor(this.limitBytes / 2);
  }

  get flushAtBytes(): number {
    return Math.floor(this.limitBytes / 8);
  }

  /** Most bytes a compaction job's inputs hold decoded, every column (the merge holds less: storage/merge_source.ts): an eighth of the limit. */
  get compactionJobBytes(): number {
    return Math.floor(this.limitBytes / 8);
  }

  /** The parsed index files' share: at most an eighth of the limit, and no more than `indexBytes` (their fixed bound). */
  indexShare(indexBytes: number): number {
    return Math.min(indexBytes, Math.floor(this.limitBytes / 8));
  }

  /** The cache's share: at most a quarter of the limit, and no more than --cache-mb asks. */
  cacheShare(cacheBytes: number): number {
    return Math.min(cacheBytes, Math.floor(this.limitBytes / 4));
  }

  /** Bytes held by memtables (taking writes and being flushed), counted region by region. */
  private count(): { memtables: number; flushing: number } {
    let memtables = 0, flushing = 0;
    for (const r of this.regions()) {
      memtables += r.memBytes;
      flushing += r.flushingBytes;
    }
    this.counted = { memtables, flushing };
    this.sinceCount = 0;
    return this.counted;
  }

  /** Bytes held by memtables: the last count plus what was applied since (recounted every 1/64 of the limit). */
  held(): { memtables: number; flushing: number } {
    return this.counted;
  }

  /** A region applied a write that grew its memtable by `bytes`. */
  applied(bytes: number): void {
    this.counted.memtables += bytes;
    this.sinceCount += bytes;
    if (this.sinceCount >= this.limitBytes / 64) this.relieve();
  }

  /** True while memtables hold the writes' whole share: new writes wait (or are refused) until a flush frees some. */
  full(): boolean {
    const h = this.held();
    return h.memtables + h.flushing >= this.writeLimitBytes;
  }

  /** Room left in the writes' share for payloads in flight. */
  room(): number {
    const h = this.held();
    return this.writeLimitBytes - h.memtables - h.flushing;
  }

  /**
   * Flushes memtables, largest first, while those taking writes hold more than their share and no more than one
   * share's worth is being flushed. Called after writes are applied and whenever a flush or compaction ends (a region
   * busy then takes its flush on the next call).
   */
  relieve(): void {
    const { memtables, flushing } = this.count();
    let mutable = memtables;
    // one eighth's worth in flight at a time: the next flush starts when this one ends (released() calls relieve)
    if (mutable <= this.flushAtBytes || flushing >= this.flushAtBytes) return;
    const rs = [...this.regions()];
    rs.sort((a, b) => b.memBytes - a.memBytes);
    for (const r of rs) {
      if (mutable <= this.flushAtBytes || r.memBytes === 0) break;
      const bytes = r.memBytes;
      if (r.requestFlush()) {
        this.flushesRequested++;
        mutable -= bytes;
      }
    }
  }

  /** fn runs each time memory may have been freed (a flush ended): the write gate wakes its waiters. */
  onFreed(fn: () => void): () => void {
    this.freed.add(fn);
    return () => this.freed.delete(fn);
  }

  /** A flush or compaction ended: waiting writes may fit now, and other memtables may need their flush. */
  released(): void {
    this.relieve();
    for (const fn of this.freed) fn();
  }

  usage(): MemoryUse {
    const h = this.count();
    return { limit: this.limitBytes, ...h, writes: this.writesInFlight(), cache: this.cache.bytes, cacheLimit: this.cache.budgetBytes };
  }

  /** The budget as /metrics gauges (and information_schema.runtime_metrics rows). */
  gauges(): Record<string, number> {
    const u = this.usage();
    const m = process.memoryUsage();
    return {
      eddy_memory_limit_bytes: u.limit,
      eddy_memory_write_limit_bytes: this.writeLimitBytes,
      eddy_memory_memtables_bytes: u.memtables,
      eddy_memory_flushing_bytes: u.flushing,
      eddy_memory_writes_inflight_bytes: u.writes,
      eddy_memory_cache_bytes: u.cache,
      eddy_memory_cache_limit_bytes: u.cacheLimit,
      eddy_memory_budget_flushes: this.flushesRequested,
      process_resident_memory_bytes: m.rss,
      nodejs_heap_used_bytes: m.heapUsed,
      nodejs_heap_total_bytes: m.heapTotal,
      nodejs_external_memory_bytes: m.external,
      nodejs_array_buffers_bytes: m.arrayBuffers,
    };
  }
}
