// Decoded segment columns kept in memory (per file and column, whole or by row group), so repeated scans skip decompression and decoding.
import type { ColumnData } from './types.ts';

function bytesOf(c: ColumnData): number {
  return c.values.byteLength + (c.valid?.byteLength ?? 0) + 64;
}

/**
 * A least-recently-used cache of decoded row-group columns under a byte budget. Segment files never change
 * once written (a rewrite gets a new name), so entries are valid until their file is removed. Entries are
 * shared with the runs handed out: nobody writes into them.
 */
export class DecodedCache {
  private readonly entries = new Map<string, ColumnData>();
  /** Keys of each file, to drop them when the file goes. */
  private readonly byFile = new Map<string, Set<string>>();
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
    for (const [victim, c] of this.entries) {
      if (this.used <= this.budget) break;
      this.entries.delete(victim);
      this.used -= bytesOf(c);
      this.byFile.get(victim.slice(0, victim.indexOf('\u0000')))?.delete(victim);
    }
  }

  get bytes(): number {
    return this.used;
  }

  private static key(file: string, group: number, column: string): string {
    return `${file}\u0000${group}\u0000${column}`;
  }

  get(file: string, group: number, column: string): ColumnData | undefined {
    const k = DecodedCache.key(file, group, column);
    const hit = this.entries.get(k);
    if (hit) {
      // Re-insert: Map order is the recency order.
      this.entries.delete(k);
      this.entries.set(k, hit);
      this.hits++;
    } else this.misses++;
    return hit;
  }

  set(file: string, group: number, column: string, data: ColumnData): void {
    const size = bytesOf(data);
    if (size > this.budgetBytes / 4) return;
    const k = DecodedCache.key(file, group, column);
    const old = this.entries.get(k);
    if (old) this.used -= bytesOf(old);
    this.entries.delete(k);
    this.entries.set(k, data);
    this.used += size;
    let keys = this.byFile.get(file);
    if (!keys) this.byFile.set(file, (keys = new Set()));
    keys.add(k);
    this.evict();
  }

  delete(file: string, group: number, column: string): void {
    const k = DecodedCache.key(file, group, column);
    const c = this.entries.get(k);
    if (!c) return;
    this.entries.delete(k);
    this.used -= bytesOf(c);
    this.byFile.get(file)?.delete(k);
  }

  /** Forgets every entry of a file (removed by compaction, TTL, truncate or drop). */
  dropFile(file: string): void {
    const keys = this.byFile.get(file);
    if (!keys) return;
    for (const k of keys) {
      const c = this.entries.get(k);
      if (c) this.used -= bytesOf(c);
      this.entries.delete(k);
    }
    this.byFile.delete(file);
  }
}

/** The process-wide cache: 512 MiB until the node sizes it (`--cache-mb`). */
export const sharedDecodedCache = new DecodedCache(512 * 1024 * 1024);
