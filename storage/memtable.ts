// The memtable: append-only columnar chunks of applied batches, with tag tuples interned to series ids.
import type { ColumnValues, TableSchema, WriteBatch } from '../core/index.ts';
import { minMaxIndex, words } from './int64.ts';

/** One applied batch: its typed arrays are kept as they are (callers must not mutate a batch after apply). */
export interface Chunk {
  rows: number;
  seq: number;
  ts: BigInt64Array;
  series: Int32Array;
  /** Non-tag columns by name; a column the batch lacks is absent. */
  cols: Map<string, { values: ColumnValues; valid: Uint8Array | null }>;
}

type Trie = Map<string | null, Trie | number>;

export class Memtable {
  readonly chunks: Chunk[] = [];
  /** Tag tuple (in primary-key order) of each series id. */
  readonly seriesTags: (string | null)[][] = [];
  private trie: Trie = new Map();
  rows = 0;
  bytes = 0;
  minTs: bigint | null = null;
  maxTs: bigint | null = null;
  firstSeq = 0;
  lastSeq = 0;
  /** Bumped on every apply so a cached sorted view knows it is stale. */
  version = 0;

  constructor(private tagNames: string[]) {}

  apply(batch: WriteBatch, seq: number, schema: TableSchema): void {
    const n = batch.rows;
    if (n === 0) return;
    let tsCol: BigInt64Array | null = null;
    const tagCols: ((string | null)[] | null)[] = this.tagNames.map(() => null);
    const tagValid: (Uint8Array | null)[] = this.tagNames.map(() => null);
    const cols = new Map<string, { values: ColumnValues; valid: Uint8Array | null }>();
    let bytes = n * 12;
    for (const c of batch.columns) {
      if (c.name === schema.timeIndex) { tsCol = c.values as BigInt64Array; continue; }
      const ti = this.tagNames.indexOf(c.name);
      if (ti >= 0) { tagCols[ti] = c.values as (string | null)[]; tagValid[ti] = c.valid; continue; }
      cols.set(c.name, { values: c.values, valid: c.valid });
      bytes += Array.isArray(c.values) ? n * 16 : (c.values as Uint8Array).byteLength + (c.valid ? n : 0);
    }
    if (!tsCol) throw new Error(`batch for ${batch.table} has no time index column ${schema.timeIndex}`);
    const series = this.internSeries(n, tagCols, tagValid);
    this.chunks.push({ rows: n, seq, ts: tsCol, series, cols });
    const [lo, hi] = minMaxIndex(words(tsCol), n);
    if (this.minTs === null || tsCol[lo]! < this.minTs) this.minTs = tsCol[lo]!;
    if (this.maxTs === null || tsCol[hi]! > this.maxTs) this.maxTs = tsCol[hi]!;
    if (this.rows === 0) this.firstSeq = seq;
    this.lastSeq = seq;
    this.rows += n;
    this.bytes += bytes;
    this.version++;
  }

  // A trie of maps keyed by one tag value per level: interning costs k lookups and no string building per row.
  private internSeries(n: number, tagCols: ((string | null)[] | null)[], tagValid: (Uint8Array | null)[]): Int32Array {
    const out = new Int32Array(n);
    const k = tagCols.length;
    if (k === 0) {
      if (this.seriesTags.length === 0) this.seriesTags.push([]);
      return out;
    }
    const tagAt = (t: number, i: number): string | null => {
      const col = tagCols[t];
      if (!col) return null;
      const v = tagValid[t];
      return v && v[i] === 0 ? null : col[i] ?? null;
    };
    for (let i = 0; i < n; i++) {
      let node: Trie = this.trie;
      for (let t = 0; t < k - 1; t++) {
        const v = tagAt(t, i);
        let next = node.get(v) as Trie | undefined;
        if (next === undefined) { next = new Map(); node.set(v, next); }
        node = next;
      }
      const last = tagAt(k - 1, i);
      let id = node.get(last) as number | undefined;
      if (id === undefined) {
        id = this.seriesTags.length;
        const tuple: (string | null)[] = [];
        for (let t = 0; t < k; t++) tuple.push(tagAt(t, i));
        this.seriesTags.push(tuple);
        node.set(last, id);
        this.bytes += 64 * k;
      }
      out[i] = id;
    }
    return out;
  }

  /** Primary key grew (ALTER TABLE ADD tag): existing series get null for the new tags and are re-keyed. */
  extendTags(tagNames: string[]): void {
    const added = tagNames.length - this.tagNames.length;
    this.tagNames = tagNames;
    this.trie = new Map();
    this.seriesTags.forEach((tuple, id) => {
      for (let i = 0; i < added; i++) tuple.push(null);
      let node = this.trie;
      for (let t = 0; t < tuple.length - 1; t++) {
        let next = node.get(tuple[t]!) as Trie | undefined;
        if (next === undefined) { next = new Map(); node.set(tuple[t]!, next); }
        node = next;
      }
      if (tuple.length > 0) node.set(tuple[tuple.length - 1]!, id);
    });
    this.version++;
  }
}
