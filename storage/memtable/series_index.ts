// Series interning of the memtable, columnar: tag values get integer codes per tag column, a series is its tuple of codes.
import type { Column, SeriesHint } from '../../core/index.ts';

/**
 * Series hint sources remembered at once: parse workers, the main thread's parser and remote write's table, of every
 * frontend that writes to this region (in a cluster, each node's write path sends its parts with their hints).
 */
const MAX_SOURCES = 32;

/**
 * Tag tuple -> series id, without a string key per row or per series. Each tag column has its own value -> code map
 * (code 0 is null), visited once per distinct value of a batch's column (a dictionary column: once per dictionary
 * entry); a row's series is then found by hashing its integer codes into an open-addressing table whose entries are
 * compared code by code. So a batch costs one map lookup per distinct tag value and a few integer operations per row.
 */
export class SeriesIndex {
  /** Tag tuple (in primary-key order) of each series id. */
  readonly seriesTags: (string | null)[][] = [];
  /** Per tag position: value -> code (1-based; 0 is null). */
  private valueCode: Map<string, number>[] = [];
  /** Per tag position: code - 1 -> value (a new series' tuple is built from it). */
  private values: string[][] = [];
  /** Codes of series s at [s * k, s * k + k). */
  private codes = new Int32Array(0);
  private hashes = new Int32Array(0);
  /** Open addressing: slot -> series id + 1 (0 is empty). */
  private slots = new Int32Array(1024);
  private mask = 1023;
  private k: number;
  /** Per series hint source: its series number -> our series id + 1 (0: not seen yet). */
  private hinted = new Map<number, Int32Array>();

  constructor(tags: number) {
    this.k = tags;
    for (let t = 0; t < tags; t++) { this.valueCode.push(new Map()); this.values.push([]); }
  }

  get size(): number {
    return this.seriesTags.length;
  }

  /**
   * Series id of every row of a batch whose tag columns (by primary-key position, undefined = absent) are given. With
   * the producer's series numbers (`hint`), a row whose number was seen before costs an array read; the first rows of
   * a number are interned from their tags, which maps the number.
   */
  intern(n: number, tagCols: (Column | undefined)[], hint?: SeriesHint): { ids: Int32Array; added: number } {
    const before = this.seriesTags.length;
    if (this.k > 0 && hint !== undefined && hint.ids.length === n) {
      const fast = this.fromHint(n, hint);
      if (fast !== null) return { ids: fast, added: 0 };
      const ids = this.internTags(n, tagCols);
      this.learnHint(hint, ids);
      return { ids, added: this.seriesTags.length - before };
    }
    return { ids: this.internTags(n, tagCols), added: this.seriesTags.length - before };
  }

  /** The ids of a batch whose every series number is mapped, or null. */
  private fromHint(n: number, hint: SeriesHint): Int32Array | null {
    const map = this.hinted.get(hint.source);
    if (map === undefined) return null;
    const out = new Int32Array(n), ids = hint.ids, len = map.length;
    for (let i = 0; i < n; i++) {
      const s = ids[i]!;
      const id = s >= 0 && s < len ? map[s]! : 0;
      if (id <= 0) return null;
      out[i] = id - 1;
    }
    return out;
  }

  /** Maps the hint's numbers to the ids the tags gave; a number that met two series (a broken producer) is not trusted again. */
  private learnHint(hint: SeriesHint, ids: Int32Array): void {
    let map: Int32Array = this.hinted.get(hint.source) ?? new Int32Array(1024);
    if (!this.hinted.has(hint.source)) {
      if (this.hinted.size >= MAX_SOURCES) this.hinted.delete(this.hinted.keys().next().value!);
      this.hinted.set(hint.source, map);
    }
    const src = hint.ids;
    for (let i = 0; i < src.length; i++) {
      const s = src[i]!;
      if (s < 0) continue;
      if (s >= map.length) {
        const a: Int32Array = new Int32Array(Math.max(s + 1, map.length * 2));
        a.set(map);
        this.hinted.set(hint.source, (map = a));
      }
      const m = map[s]!;
      if (m === 0) map[s] = ids[i]! + 1;
      else if (m !== ids[i]! + 1) map[s] = -1;
    }
  }

  private internTags(n: number, tagCols: (Column | undefined)[]): Int32Array {
    const out = new Int32Array(n);
    const k = this.k;
    if (k === 0) {
      if (this.seriesTags.length === 0) this.seriesTags.push([]);
      return out;
    }
    const cols: (Int32Array | null)[] = new Array(k);
    for (let t = 0; t < k; t++) cols[t] = this.columnCodes(t, tagCols[t], n);
    const row = new Int32Array(k);
    let prevId = -1;
    for (let i = 0; i < n; i++) {
      let h = 0x2545f491, same = prevId >= 0;
      const base = prevId * k;
      for (let t = 0; t < k; t++) {
        const col = cols[t];
        const c = col === null ? 0 : col[i]!;
        row[t] = c;
        if (same && this.codes[base + t] !== c) same = false;
        h = Math.imul(h ^ c, 0x9e3779b1);
        h ^= h >>> 15;
      }
      if (same) { out[i] = prevId; continue; }
      out[i] = prevId = this.find(row, fmix(h));
    }
    return out;
  }

  /** Primary key grew by `added` tags: existing series get `fill` (or null) for them and are hashed again. */
  extend(added: number, fill: (string | null)[]): void {
    const oldK = this.k, k = oldK + added, S = this.seriesTags.length;
    // a producer's series number now names a tuple with the new tags null, not the old series with their defaults
    this.hinted.clear();
    for (let t = 0; t < added; t++) { this.valueCode.push(new Map()); this.values.push([]); }
    this.k = k;
    const fillCodes = Array.from({ length: added }, (_, t) => (fill[t] == null ? 0 : this.codeOf(oldK + t, fill[t]!)));
    const old = this.codes;
    this.codes = new Int32Array(Math.max(16, S) * k);
    if (this.hashes.length < S) this.hashes = new Int32Array(Math.max(16, S));
    for (let s = 0; s < S; s++) {
      const tuple = this.seriesTags[s]!;
      for (let t = 0; t < added; t++) tuple.push(fill[t] ?? null);
      for (let t = 0; t < oldK; t++) this.codes[s * k + t] = old[s * oldK + t]!;
      for (let t = 0; t < added; t++) this.codes[s * k + oldK + t] = fillCodes[t]!;
      this.hashes[s] = hashCodes(this.codes, s * k, k);
    }
    this.rehash(this.slots.length);
  }

  private codeOf(t: number, v: string): number {
    const m = this.valueCode[t]!;
    let c = m.get(v);
    if (c === undefined) { c = m.size + 1; m.set(v, c); this.values[t]!.push(v); }
    return c;
  }

  /** The codes of one tag column of a batch (null when every row is null). */
  private columnCodes(t: number, c: Column | undefined, n: number): Int32Array | null {
    if (!c) return null;
    const out = new Int32Array(n);
    const valid = c.valid;
    if (c.dict) {
      const dict = c.dict, codes = c.values as Int32Array;
      const map = new Int32Array(dict.length).fill(-1);
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const d = codes[i]!;
        if (d < 0 || d >= dict.length) continue;
        let g = map[d]!;
        if (g < 0) {
          const v = dict[d];
          g = map[d] = v === null || v === undefined ? 0 : this.codeOf(t, v);
        }
        out[i] = g;
      }
      return out;
    }
    // Tags are interned as strings: an INT/BIGINT primary-key column is coded by its text (arrow-out parses it back).
    const plain = Array.isArray(c.values);
    const vals = c.values as ArrayLike<unknown>;
    let prev: unknown = undefined, prevCode = 0;
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const v = vals[i];
      if (v === prev) { out[i] = prevCode; continue; }
      out[i] = prevCode = v === null || v === undefined ? 0 : this.codeOf(t, plain ? (v as string) : String(v));
      prev = v;
    }
    return out;
  }

  /** The id of the series with codes `row` and hash h, added when new. */
  private find(row: Int32Array, h: number): number {
    const k = this.k, codes = this.codes, mask = this.mask, slots = this.slots;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const slot = slots[p]!;
      if (slot === 0) return this.add(row, h, p);
      const s = slot - 1;
      if (this.hashes[s] !== h) continue;
      let eq = true;
      for (let t = 0, b = s * k; t < k; t++) if (codes[b + t] !== row[t]) { eq = false; break; }
      if (eq) return s;
    }
  }

  private add(row: Int32Array, h: number, slot: number): number {
    const k = this.k, s = this.seriesTags.length;
    if ((s + 1) * k > this.codes.length) {
      const a = new Int32Array(Math.max(16 * k, this.codes.length * 2));
      a.set(this.codes);
      this.codes = a;
    }
    if (s >= this.hashes.length) {
      const a = new Int32Array(Math.max(16, this.hashes.length * 2));
      a.set(this.hashes);
      this.hashes = a;
    }
    this.codes.set(row, s * k);
    this.hashes[s] = h;
    const tuple = new Array<string | null>(k);
    for (let t = 0; t < k; t++) tuple[t] = row[t] === 0 ? null : this.valueOf(t, row[t]!);
    this.seriesTags.push(tuple);
    this.slots[slot] = s + 1;
    if ((s + 1) * 2 > this.mask) this.rehash(this.slots.length * 2);
    return s;
  }

  private valueOf(t: number, c: number): string {
    return this.values[t]![c - 1]!;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size), mask = size - 1;
    for (let s = 0; s < this.seriesTags.length; s++) {
      let p = this.hashes[s]! & mask;
      while (slots[p] !== 0) p = (p + 1) & mask;
      slots[p] = s + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashCodes(codes: Int32Array, base: number, k: number): number {
  let h = 0x2545f491;
  for (let t = 0; t < k; t++) {
    h = Math.imul(h ^ codes[base + t]!, 0x9e3779b1);
    h ^= h >>> 15;
  }
  return fmix(h);
}
