// Growable columns for one measurement while parsing; finish() turns them into a WriteBatch.
import type { Column, ColumnValues, WriteBatch } from '../../batch.ts';
import type { DataType, SemanticType } from '../../schema.ts';
import { RawKey } from './raw_key.ts';

const EMPTY = new Uint8Array(0);
const NO_KEY = new RawKey(EMPTY);

/** One column being filled. Rows it never saw stay 0/null and get valid[i] = 0 at the end. */
export class ColumnBuilder {
  cap = 0;
  f64 = new Float64Array(0);
  /** int64/uint64 values, written as two 32-bit words through `words`. */
  big: BigInt64Array | BigUint64Array = new BigInt64Array(0);
  words = new Uint32Array(0);
  u8 = EMPTY;
  /** string values as codes into `dict` (0 where the row has none: `valid` tells). */
  codes = new Int32Array(0);
  /** The column's own dictionary, in first-seen order; the batch carries it as Column.dict. */
  readonly dict: string[] = [];
  private readonly dictPos = new Map<string, number>();
  /** Parser interner id -> dict code + 1, so a repeated slice costs an array read. */
  private localOf = new Int32Array(0);
  /** Where the previous value of a tag column lies in the input, and its dict code. */
  lastStart = -1;
  lastEnd = -1;
  lastCode = 0;
  lastNeg = false;
  /** Initial capacity once the measurement's first line shows how many lines may follow. */
  hint = 0;
  valid: Uint8Array | null = null;
  startRow = -1;
  lastRow = -1;

  constructor(
    readonly name: string,
    readonly type: DataType,
    readonly semantic: SemanticType,
    /** The raw bytes of the key as first seen, for the same-key-as-last-line fast path. */
    readonly rawKey: RawKey,
  ) {}

  /** The dict code of a string. */
  codeOf(str: string): number {
    let k = this.dictPos.get(str);
    if (k === undefined) {
      k = this.dict.length;
      this.dict.push(str);
      this.dictPos.set(str, k);
    }
    return k;
  }

  /** The dict code of the string with parser interner id `id` (strs resolves ids). */
  codeOfId(id: number, strs: readonly string[]): number {
    if (id >= this.localOf.length) {
      const a = new Int32Array(Math.max(64, id + 1, this.localOf.length * 2));
      a.set(this.localOf);
      this.localOf = a;
    }
    const k = this.localOf[id]!;
    if (k !== 0) return k - 1;
    const code = this.codeOf(strs[id]!);
    this.localOf[id] = code + 1;
    return code;
  }

  /** Series cache value id -> dict code + 1, for the cache generation `valueSource`: a cached series costs array reads. */
  private valueCodes = new Int32Array(0);
  private valueSource = -1;

  /** The dict code of `str`, whose id in the series cache of generation `source` is `id`. */
  codeOfValue(id: number, str: string, source: number): number {
    if (source !== this.valueSource || id >= this.valueCodes.length) {
      const a = new Int32Array(Math.max(64, id + 1, this.valueCodes.length * 2));
      if (source === this.valueSource) a.set(this.valueCodes);
      this.valueCodes = a;
      this.valueSource = source;
    }
    const k = this.valueCodes[id]!;
    if (k !== 0) return k - 1;
    const code = this.codeOf(str);
    this.valueCodes[id] = code + 1;
    return code;
  }

  /** Marks row r as present; returns false when the row already had a value (a duplicate key). */
  mark(r: number): boolean {
    if (r === this.lastRow) return false;
    if (r >= this.cap) this.grow(r + 1);
    if (this.lastRow === -1) this.startRow = r;
    else if (this.valid === null && r !== this.lastRow + 1) this.allocValid();
    if (this.valid !== null) this.valid[r] = 1;
    this.lastRow = r;
    return true;
  }

  private allocValid(): void {
    const v = new Uint8Array(this.cap);
    if (this.lastRow >= 0) v.fill(1, this.startRow, this.lastRow + 1);
    this.valid = v;
  }

  private grow(min: number): void {
    const cap = Math.max(min, this.cap * 2, this.hint, 64);
    switch (this.type) {
      case 'float64': {
        const a = new Float64Array(cap);
        a.set(this.f64);
        this.f64 = a;
        break;
      }
      case 'int64':
      case 'uint64':
      case 'timestamp': {
        const a = this.type === 'uint64' ? new BigUint64Array(cap) : new BigInt64Array(cap);
        new Uint32Array(a.buffer).set(this.words);
        this.big = a;
        this.words = new Uint32Array(a.buffer);
        break;
      }
      case 'boolean': {
        const a = new Uint8Array(cap);
        a.set(this.u8);
        this.u8 = a;
        break;
      }
      case 'string': {
        const a = new Int32Array(cap);
        a.set(this.codes);
        this.codes = a;
        break;
      }
    }
    if (this.valid !== null) {
      const v = new Uint8Array(cap);
      v.set(this.valid);
      this.valid = v;
    }
    this.cap = cap;
  }

  /** The finished column; string columns come out in dictionary form (Int32Array codes + dict). */
  finish(rows: number): Column {
    if (rows > this.cap) this.grow(rows);
    // A hint that overshot (several measurements interleaved) is given back rather than kept alive by subarray.
    const fit = this.cap > 2 * rows + 64;
    if (this.valid === null && (this.startRow !== 0 || this.lastRow !== rows - 1)) this.allocValid();
    let values: ColumnValues;
    switch (this.type) {
      case 'float64': values = fit ? this.f64.slice(0, rows) : this.f64.subarray(0, rows); break;
      case 'int64': case 'uint64': case 'timestamp': values = fit ? this.big.slice(0, rows) : this.big.subarray(0, rows); break;
      case 'boolean': values = fit ? this.u8.slice(0, rows) : this.u8.subarray(0, rows); break;
      case 'string': values = fit ? this.codes.slice(0, rows) : this.codes.subarray(0, rows); break;
    }
    const col: Column = {
      name: this.name,
      type: this.type,
      semantic: this.semantic,
      values,
      valid: this.valid === null ? null : fit ? this.valid.slice(0, rows) : this.valid.subarray(0, rows),
    };
    if (this.type === 'string') col.dict = this.dict;
    return col;
  }
}

/** Rows of one measurement: its columns by name, and the key order of the last line for the fast path. */
export class MeasurementBuilder {
  rows = 0;
  readonly cols = new Map<string, ColumnBuilder>();
  readonly order: ColumnBuilder[] = [];
  /** seq[p] is the column of the p-th key on the previous line. */
  readonly seq: ColumnBuilder[] = [];
  readonly time: ColumnBuilder;
  /** Series cache serial of each row (the batch's SeriesHint); sidsOk turns false when a row's key was not cached. */
  private sids = new Int32Array(0);
  sidsOk = true;

  constructor(readonly name: string, readonly rawName: RawKey, timeColumn: string) {
    this.time = new ColumnBuilder(timeColumn, 'timestamp', 'timestamp', NO_KEY);
  }

  add(name: string, type: DataType, semantic: SemanticType, rawKey: RawKey): ColumnBuilder {
    const c = new ColumnBuilder(name, type, semantic, rawKey);
    this.cols.set(name, c);
    this.order.push(c);
    return c;
  }

  setSeries(r: number, serial: number): void {
    if (r >= this.sids.length) {
      const a = new Int32Array(Math.max(r + 1, this.sids.length * 2, this.time.hint, 64));
      a.set(this.sids);
      this.sids = a;
    }
    this.sids[r] = serial;
  }

  /** Called after the first line: sizes columns for the lines the rest of the payload may hold. */
  setHint(hint: number): void {
    this.time.hint = hint;
    for (const c of this.order) c.hint = hint;
  }

  /** Tags first, then fields, each in first-appearance order, then the time column; the series hint when `source` is given. */
  finish(source: number | null): WriteBatch {
    const columns: Column[] = [];
    for (const c of this.order) if (c.semantic === 'tag') columns.push(c.finish(this.rows));
    for (const c of this.order) if (c.semantic !== 'tag') columns.push(c.finish(this.rows));
    columns.push(this.time.finish(this.rows));
    const batch: WriteBatch = { table: this.name, rows: this.rows, columns };
    if (source !== null && this.sidsOk && this.rows > 0) batch.series = { source, ids: this.sids.slice(0, this.rows) };
    return batch;
  }
}
