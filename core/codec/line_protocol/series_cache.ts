// Series key cache: the raw bytes of a line's `measurement,tag=value,...` section -> its parsed names and values.
import type { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import { sameBytes } from './intern.ts';
import { newSeriesSource } from '../../batch.ts';

/**
 * One series key as parsed once: what the slow path found, so a later line (in this payload or a later
 * one) with the same bytes skips tag scanning, unescaping and interning. `res*` hold what the entry
 * resolved to in the parse that last used it (its builders and dict codes); that parse clears them.
 */
export class SeriesEntry {
  stamp = -1;
  resMeasurement: MeasurementBuilder | null = null;
  resCols: ColumnBuilder[] = [];
  resCodes: Int32Array = new Int32Array(0);
  /** The entry that followed this one last time: payloads tend to list series in the same order. */
  next: SeriesEntry | null = null;
  /** Its number in the cache (a batch's SeriesHint ids), set when it is added. */
  serial = -1;

  constructor(
    readonly key: Uint8Array,
    readonly hash: number,
    readonly measurement: string,
    readonly rawMeasurement: Uint8Array,
    readonly tagNames: string[],
    readonly tagRawKeys: Uint8Array[],
    readonly tagValues: string[],
  ) {}
}

/**
 * Open-addressing table of series keys, kept across parses by a caller that parses many payloads of
 * the same series (the write path). Bounded: when it holds `maxEntries` keys or `maxBytes` of key
 * bytes it starts over, so high-cardinality input costs a rebuild, not unbounded memory.
 */
export class SeriesCache {
  private slots = new Int32Array(1024);
  private mask = 1023;
  private entries: SeriesEntry[] = [];
  /** The entry found last, whose `next` predicts the following line's key. */
  last: SeriesEntry | null = null;
  private bytes = 0;
  /** Incremented per parse; entries resolved under an older stamp are resolved again. */
  private parses = 0;
  /** The SeriesHint source of the entries' serials: a new one whenever the cache starts over. */
  source = newSeriesSource();
  private clearedAt = 0;

  constructor(readonly maxEntries = 200_000, readonly maxBytes = 64 * 1024 * 1024) {}

  get size(): number {
    return this.entries.length;
  }

  nextParse(): number {
    return ++this.parses;
  }

  /** The series hint source of a parse begun at `stamp`, or null when the cache started over since (serials mixed). */
  sourceSince(stamp: number): number | null {
    return this.clearedAt >= stamp ? null : this.source;
  }

  /** The entry whose key is buf[s, e) (hashed as h by the caller), or null. */
  find(buf: Uint8Array, s: number, e: number, h: number): SeriesEntry | null {
    const len = e - s;
    const mask = this.mask;
    const slots = this.slots;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const slot = slots[k]!;
      if (slot === 0) return null;
      const entry = this.entries[slot - 1]!;
      if (entry.hash === h && entry.key.length === len && sameBytes(buf, s, entry.key)) return entry;
    }
  }

  add(entry: SeriesEntry): void {
    if (this.entries.length >= this.maxEntries || this.bytes + entry.key.length > this.maxBytes) this.clear();
    entry.serial = this.entries.length;
    this.entries.push(entry);
    this.bytes += entry.key.length;
    if (this.entries.length * 2 > this.mask) this.grow();
    else this.place(this.slots, this.mask, this.entries.length);
  }

  clear(): void {
    this.source = newSeriesSource();
    this.clearedAt = this.parses;
    for (const e of this.entries) e.next = null;
    this.last = null;
    this.entries = [];
    this.bytes = 0;
    this.slots = new Int32Array(1024);
    this.mask = 1023;
  }

  private place(slots: Int32Array, mask: number, slot: number): void {
    let k = this.entries[slot - 1]!.hash & mask;
    while (slots[k] !== 0) k = (k + 1) & mask;
    slots[k] = slot;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size);
    for (let i = 1; i <= this.entries.length; i++) this.place(slots, size - 1, i);
    this.slots = slots;
    this.mask = size - 1;
  }
}
