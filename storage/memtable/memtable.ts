// The memtable: append-only columnar chunks of applied batches, with tag tuples interned to series ids.
import type { Column, ColumnValues, DataType, TableSchema, WriteBatch } from '../../core/index.ts';
import { InvalidArgumentError } from '../../core/errors.ts';
import { minMaxIndex, words } from '../int64.ts';

/** One non-tag column of a chunk: plain or dictionary-coded strings (values are Int32Array codes when dict is set). */
export interface ChunkColumn {
  values: ColumnValues;
  valid: Uint8Array | null;
  dict?: string[] | undefined;
  /** Type the batch carried; differs from the schema's after ALTER TABLE MODIFY COLUMN (sorting casts it). */
  type?: DataType;
}

/** One applied batch: its typed arrays are kept as they are (callers must not mutate a batch after apply). */
export interface Chunk {
  rows: number;
  seq: number;
  ts: BigInt64Array;
  series: Int32Array;
  /** Non-tag columns by name; a column the batch lacks is absent. */
  cols: Map<string, ChunkColumn>;
  /** Op of every row (ops.ts): a delete chunk holds tombstones only. */
  op: number;
}

/** A tag value's part of a series key: length-prefixed (so the joined key is unambiguous), '-' for null. */
function piece(v: string | null): string {
  return v === null ? '-' : `${v.length}:${v}`;
}

/**
 * A tag column of one batch as codes into a small dictionary (-1 = null). Plain string columns are coded
 * here with one Map lookup per row; dictionary columns keep their codes, so tag values are resolved per
 * distinct code, not per row.
 */
interface CodedTag {
  codes: Int32Array | null;
  dict: (string | null)[];
  valid: Uint8Array | null;
}

function codeTag(c: Column | undefined, n: number): CodedTag {
  if (!c) return { codes: null, dict: [], valid: null };
  if (c.dict) return { codes: c.values as Int32Array, dict: c.dict, valid: c.valid };
  // Tags are interned as strings: an INT/BIGINT primary-key column is coded by its text (arrow-out parses it back).
  let vals = c.values as (string | null)[];
  if (!Array.isArray(vals)) vals = Array.from(c.values as ArrayLike<unknown>, (x, i) => (c.valid && c.valid[i] === 0 ? null : String(x)));
  const codes = new Int32Array(n);
  const dict: string[] = [];
  const pos = new Map<string, number>();
  let prev: string | null | undefined, prevCode = -1;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v === prev) { codes[i] = prevCode; continue; }
    let k: number;
    if (v === null || v === undefined) k = -1;
    else {
      const p = pos.get(v);
      if (p === undefined) { k = dict.length; dict.push(v); pos.set(v, k); } else k = p;
    }
    codes[i] = prevCode = k;
    prev = v;
  }
  return { codes, dict, valid: c.valid };
}

export class Memtable {
  readonly chunks: Chunk[] = [];
  /** Tag tuple (in primary-key order) of each series id. */
  readonly seriesTags: (string | null)[][] = [];
  /**
   * Series id by key (the tuple's pieces joined): one flat map rather than a trie of maps, whose inner maps (one per
   * distinct tag prefix, mostly of one entry) cost several hundred bytes a series on a metric engine's wide keys.
   */
  private index = new Map<string, number>();
  rows = 0;
  bytes = 0;
  /** Rows that are tombstones. */
  deletes = 0;
  minTs: bigint | null = null;
  maxTs: bigint | null = null;
  firstSeq = 0;
  lastSeq = 0;
  /** Bumped on every apply and schema change. */
  version = 0;
  /** Bumped when cached sorted runs are wrong as a whole (schema change); new chunks alone do not bump it. */
  epoch = 0;
  /** Written while the table kept the last write of each key; it became append-only since (sorting still dedups). */
  lastWriteWins = false;

  constructor(private tagNames: string[]) {}

  /** Applies a batch of rows (op Put) or of keys to delete (op Delete: only tags and the time index are read). */
  apply(batch: WriteBatch, seq: number, schema: TableSchema, op = 0): void {
    const n = batch.rows;
    if (n === 0) return;
    let tsCol: BigInt64Array | null = null;
    const tagCols: (Column | undefined)[] = this.tagNames.map(() => undefined);
    const cols = new Map<string, ChunkColumn>();
    let bytes = n * 12;
    for (const c of batch.columns) {
      if (c.name === schema.timeIndex) { tsCol = c.values as BigInt64Array; continue; }
      const ti = this.tagNames.indexOf(c.name);
      if (ti >= 0) { tagCols[ti] = c; continue; }
      if (op !== 0) continue;
      cols.set(c.name, c.dict ? { values: c.values, valid: c.valid, dict: c.dict, type: c.type } : { values: c.values, valid: c.valid, type: c.type });
      bytes += Array.isArray(c.values) ? n * 16 : (c.values as Uint8Array).byteLength + (c.valid ? n : 0);
    }
    if (!tsCol) throw new InvalidArgumentError(`batch for ${batch.table} has no time index column ${schema.timeIndex}`);
    const series = this.internSeries(n, tagCols);
    this.chunks.push({ rows: n, seq, ts: tsCol, series, cols, op });
    if (op !== 0) this.deletes += n;
    const [lo, hi] = minMaxIndex(words(tsCol), n);
    if (this.minTs === null || tsCol[lo]! < this.minTs) this.minTs = tsCol[lo]!;
    if (this.maxTs === null || tsCol[hi]! > this.maxTs) this.maxTs = tsCol[hi]!;
    if (this.rows === 0) this.firstSeq = seq;
    this.lastSeq = seq;
    this.rows += n;
    this.bytes += bytes;
    this.version++;
  }

  /** Series id of one tag tuple. */
  private seriesOf(tuple: (string | null)[]): number {
    let key = '';
    for (let t = 0; t < tuple.length; t++) key += piece(tuple[t] ?? null);
    return this.seriesOfKey(key, tuple);
  }

  private seriesOfKey(key: string, tuple: (string | null)[] | (() => (string | null)[])): number {
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.seriesTags.length;
      const tup = typeof tuple === 'function' ? tuple() : tuple;
      this.seriesTags.push(tup);
      this.index.set(key, id);
      this.bytes += 64 * tup.length;
    }
    return id;
  }

  /** seriesOf for one row's codes: the key from per-batch pieces of each code, the tuple built only for a new series. */
  private seriesOfCodes(tags: CodedTag[], key: number[], pieces: (string | undefined)[][]): number {
    const k = key.length;
    let sk = '';
    for (let t = 0; t < k; t++) {
      const c = key[t]!;
      if (c < 0) { sk += '-'; continue; }
      const ps = pieces[t]!;
      sk += ps[c] ??= piece(tags[t]!.dict[c] ?? null);
    }
    return this.seriesOfKey(sk, () => {
      const tuple = new Array<string | null>(k);
      for (let t = 0; t < k; t++) tuple[t] = key[t]! < 0 ? null : tags[t]!.dict[key[t]!] ?? null;
      return tuple;
    });
  }

  // Each row's tag codes form a mixed-radix number; a batch-local map from that number to the series id means
  // the series index (key building and string hashing) is visited once per distinct tag tuple of the batch, not once per row.
  private internSeries(n: number, tagCols: (Column | undefined)[]): Int32Array {
    const out = new Int32Array(n);
    const k = tagCols.length;
    if (k === 0) {
      if (this.seriesTags.length === 0) this.seriesTags.push([]);
      return out;
    }
    // All tags plain string arrays: one key per row beats coding every column first.
    if (tagCols.every((c) => !c || (!c.dict && Array.isArray(c.values)))) return this.internPlain(n, tagCols, out);
    const tags = tagCols.map((c) => codeTag(c, n));
    const pieces = tags.map((): (string | undefined)[] => []);
    let radixOk = true, span = 1;
    for (const t of tags) { span *= t.dict.length + 1; if (span > 2 ** 52) radixOk = false; }
    const local = new Map<number | string, number>();
    const key = new Array<number>(k);
    let prevKey: number | string | null = null, prevId = -1;
    for (let i = 0; i < n; i++) {
      let num = 0;
      for (let t = 0; t < k; t++) {
        const tg = tags[t]!;
        let c = -1;
        if (tg.codes !== null && !(tg.valid !== null && tg.valid[i] === 0)) {
          c = tg.codes[i]!;
          if (c < 0 || c >= tg.dict.length) c = -1;
        }
        key[t] = c;
        num = num * (tg.dict.length + 1) + c + 1;
      }
      const kk: number | string = radixOk ? num : key.join(',');
      if (kk === prevKey) { out[i] = prevId; continue; }
      let id = local.get(kk);
      if (id === undefined) {
        id = this.seriesOfCodes(tags, key, pieces);
        local.set(kk, id);
      }
      out[i] = prevId = id;
      prevKey = kk;
    }
    return out;
  }

  /** Forgets the data of dropped columns, so a column later added under the same name starts empty. */
  dropColumns(names: string[]): void {
    for (const c of this.chunks) for (const n of names) c.cols.delete(n);
    this.invalidate();
  }

  /** The schema changed (columns added): sorted views of the chunks must be rebuilt. */
  invalidate(): void {
    this.version++;
    this.epoch++;
  }

  private internPlain(n: number, tagCols: (Column | undefined)[], out: Int32Array): Int32Array {
    const k = tagCols.length;
    const vals = tagCols.map((c) => (c ? (c.values as (string | null)[]) : null));
    const valids = tagCols.map((c) => c?.valid ?? null);
    const tagAt = (t: number, i: number): string | null => {
      const col = vals[t];
      if (!col) return null;
      const v = valids[t];
      return v && v[i] === 0 ? null : col[i] ?? null;
    };
    for (let i = 0; i < n; i++) {
      let key = '';
      for (let t = 0; t < k; t++) key += piece(tagAt(t, i));
      const id = this.index.get(key);
      if (id !== undefined) { out[i] = id; continue; }
      const tuple: (string | null)[] = [];
      for (let t = 0; t < k; t++) tuple.push(tagAt(t, i));
      out[i] = this.seriesOfKey(key, tuple);
    }
    return out;
  }

  /** Primary key grew (ALTER TABLE ADD tag): existing series get the new tags' defaults (or null) and are re-keyed. */
  extendTags(tagNames: string[], fill: (string | null)[] = []): void {
    const added = tagNames.length - this.tagNames.length;
    this.tagNames = tagNames;
    this.index = new Map();
    for (let id = 0; id < this.seriesTags.length; id++) {
      const tuple = this.seriesTags[id]!;
      for (let i = 0; i < added; i++) tuple.push(fill[i] ?? null);
      let key = '';
      for (let t = 0; t < tuple.length; t++) key += piece(tuple[t] ?? null);
      this.index.set(key, id);
    }
    this.version++;
    this.epoch++;
  }
}
