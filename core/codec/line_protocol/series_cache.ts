// Series key cache: the raw bytes of a line's `measurement,tag=value,...` section -> its parsed names and values.
import type { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import { matchesKey, type RawKey } from './raw_key.ts';
import { newSeriesSource } from '../../batch.ts';

/**
 * What series keys share: a measurement and its tag keys in order (TSBS's 1,000 hosts have one). A parse binds a layout
 * to its column builders once (`res*`, cleared by that parse), not once per series key.
 */
export class SeriesLayout {
  stamp = -1;
  resMeasurement: MeasurementBuilder | null = null;
  resCols: ColumnBuilder[] = [];

  constructor(
    readonly measurement: string,
    readonly rawMeasurement: RawKey,
    readonly tagNames: string[],
    readonly tagRawKeys: RawKey[],
  ) {}
}

/**
 * One series key as parsed once: what the slow path found, so a later line (in this payload or a later
 * one) with the same bytes skips tag scanning, unescaping and interning. `resCodes` are its tags' dict codes in the
 * parse that last used it (stamp); a later parse finds them from the value ids, an array read per tag.
 */
export class SeriesEntry {
  stamp = -1;
  resCodes: Int32Array;
  /** The entry that followed this one last time: payloads tend to list series in the same order. */
  next: SeriesEntry | null = null;
  /** Its number in the cache (a batch's SeriesHint ids), set when it is added. */
  serial = -1;

  constructor(
    readonly key: RawKey,
    readonly hash: number,
    readonly layout: SeriesLayout,
    /** Tag values, and their numbers in the cache's value table (SeriesCache.valueId). */
    readonly tagValues: string[],
    readonly valueIds: Int32Array,
  ) {
    this.resCodes = new Int32Array(tagValues.length);
  }
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
  /** The SeriesHint source of the entries' serials: a new one whenever the cache starts over (and value ids with it). */
  source = newSeriesSource();
  private clearedAt = 0;
  private layouts = new Map<string, SeriesLayout>();
  private values = new Map<string, number>();

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

  /** The entry whose key is buf[s, e) (hashed as h by the caller; `view` over buf), or null. */
  find(view: DataView, buf: Uint8Array, s: number, e: number, h: number): SeriesEntry | null {
    const len = e - s;
    const mask = this.mask;
    const slots = this.slots;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const slot = slots[k]!;
      if (slot === 0) return null;
      const entry = this.entries[slot - 1]!;
      if (entry.hash === h && entry.key.length === len && matchesKey(view, buf, s, entry.key)) return entry;
    }
  }

  /** The layout of a measurement with these tag keys, shared by the entries that have it. */
  layout(measurement: string, rawMeasurement: RawKey, tagNames: string[], tagRawKeys: RawKey[]): SeriesLayout {
    const k = JSON.stringify([measurement, ...tagNames]);
    let l = this.layouts.get(k);
    if (l === undefined) this.layouts.set(k, (l = new SeriesLayout(measurement, rawMeasurement, tagNames, tagRawKeys)));
    return l;
  }

  /** The number of a tag value in this cache (until it starts over: `source` then changes). */
  valueId(v: string): number {
    let id = this.values.get(v);
    if (id === undefined) this.values.set(v, (id = this.values.size));
    return id;
  }

  /** Starts over first when one more entry of this size would not fit, so that its layout and value ids are taken after. */
  makeRoom(keyBytes: number): void {
    if (this.entries.length > 0 && (this.entries.length >= this.maxEntries || this.bytes + keyBytes > this.maxBytes)) this.clear();
  }

  add(entry: SeriesEntry): void {
    this.makeRoom(entry.key.length);
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
    this.layouts = new Map();
    this.values = new Map();
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
