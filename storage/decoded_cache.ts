// Decoded segment columns kept in memory (per file and column, whole, by row group or by page), so repeated scans skip decompression and decoding.
import type { ColumnData } from './types.ts';

function bytesOf(c: ColumnData): number {
  return c.values.byteLength + (c.valid?.byteLength ?? 0) + 64;
}

/** One cached column piece; the LRU order holds these objects, the index finds them by file, column and group. */
interface Entry { file: string; column: string; group: number; data: ColumnData; size: number }

/**
 * A least-recently-used cache of decoded row-group columns under a byte budget. Segment files never change
 * once written (a rewrite gets a new name), so entries are valid until their file is removed. Entries are
 * shared with the runs handed out: nobody writes into them. Lookups go file -> column -> group through nested maps
 * (a scan asks for hundreds of pieces: no key string is built per lookup); recency is the insertion order of a Set.
 */
export class DecodedCache {
  private readonly index = new Map<string, Map<string, Map<number, Entry>>>();
  private readonly lru = new Set<Entry>();
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(private budget: number) {}

  get budgetBytes(): number {
    return this.budget;
  }

  /** Changes the budget (`--cache-mb`), evicting the least recently used entries past it. */
  resize(bytes: number): void {
    this.budget = Math.max(0, bytes);
    this.evict();
  }

  private evict(): void {
    for (const victim of this.lru) {
      if (this.used <= this.budget) break;
      this.remove(victim);
    }
  }

  private remove(e: Entry): void {
    this.lru.delete(e);
    this.used -= e.size;
    const cols = this.index.get(e.file);
    const groups = cols?.get(e.column);
    if (!groups || groups.get(e.group) !== e) return;
    groups.delete(e.group);
    if (groups.size === 0) cols!.delete(e.column);
    if (cols!.size === 0) this.index.delete(e.file);
  }

  get bytes(): number {
    return this.used;
  }

  private find(file: string, group: number, column: string): Entry | undefined {
    return this.index.get(file)?.get(column)?.get(group);
  }

  get(file: string, group: number, column: string): ColumnData | undefined {
    const e = this.find(file, group, column);
    if (e) {
      // Re-insert: Set order is the recency order.
      this.lru.delete(e);
      this.lru.add(e);
      this.hits++;
      return e.data;
    }
    this.misses++;
    return undefined;
  }

  set(file: string, group: number, column: string, data: ColumnData): void {
    const size = bytesOf(data);
    if (size > this.budgetBytes / 4) return;
    const old = this.find(file, group, column);
    if (old) this.remove(old);
    const e: Entry = { file, column, group, data, size };
    let cols = this.index.get(file);
    if (!cols) this.index.set(file, (cols = new Map()));
    let groups = cols.get(column);
    if (!groups) cols.set(column, (groups = new Map()));
    groups.set(group, e);
    this.lru.add(e);
    this.used += size;
    this.evict();
  }

  delete(file: string, group: number, column: string): void {
    const e = this.find(file, group, column);
    if (e) this.remove(e);
  }

  /** Forgets every entry of a file (removed by compaction, TTL, truncate or drop). */
  dropFile(file: string): void {
    const cols = this.index.get(file);
    if (!cols) return;
    for (const groups of cols.values()) for (const e of groups.values()) { this.lru.delete(e); this.used -= e.size; }
    this.index.delete(file);
  }
}

/** The process-wide cache: 512 MiB until the node sizes it (`--cache-mb`). */
export const sharedDecodedCache = new DecodedCache(512 * 1024 * 1024);
