// Column and run helpers: null columns, row ranges, gathering ranges of several runs into one run.
import type { DataType } from '../core/index.ts';
import type { ColumnData, Run } from './types.ts';

/** Rows taken from source runs, as (run, start, length) triples in output order. */
export class Ranges {
  src: number[] = [];
  start: number[] = [];
  len: number[] = [];
  rows = 0;
  push(src: number, start: number, len: number): void {
    if (len <= 0) return;
    const k = this.src.length - 1;
    if (k >= 0 && this.src[k] === src && this.start[k]! + this.len[k]! === start) this.len[k]! += len;
    else { this.src.push(src); this.start.push(start); this.len.push(len); }
    this.rows += len;
  }
  /** Keeps the first n rows. */
  limit(n: number): void {
    if (this.rows <= n) return;
    let left = n;
    for (let k = 0; k < this.len.length; k++) {
      if (this.len[k]! >= left) {
        this.len[k] = left;
        this.src.length = this.start.length = this.len.length = left === 0 ? k : k + 1;
        break;
      }
      left -= this.len[k]!;
    }
    this.rows = n;
  }
}

export function allocTyped(type: DataType, n: number): ColumnData['values'] {
  switch (type) {
    case 'float64': return new Float64Array(n);
    case 'int64': case 'timestamp': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'boolean': return new Uint8Array(n);
    case 'string': return new Int32Array(n);
  }
}

const WIDTH: Record<DataType, number> = { float64: 8, int64: 8, timestamp: 8, uint64: 8, boolean: 1, string: 4 };

/**
 * Like allocTyped, but the memory is not cleared: for callers that write every element (segment decoders, gathers).
 * A cleared typed array of a few KiB and up costs far more to allocate (measured ~0.5 ms each in a node holding the
 * decoded cache, against ~10 us here), and a cold scan allocates one per column and row group.
 */
export function allocTypedUnsafe(type: DataType, n: number): ColumnData['values'] {
  if (n < 512) return allocTyped(type, n);
  const buf = Buffer.allocUnsafeSlow(n * WIDTH[type]).buffer;
  switch (type) {
    case 'float64': return new Float64Array(buf, 0, n);
    case 'int64': case 'timestamp': return new BigInt64Array(buf, 0, n);
    case 'uint64': return new BigUint64Array(buf, 0, n);
    case 'boolean': return new Uint8Array(buf, 0, n);
    case 'string': return new Int32Array(buf, 0, n);
  }
}

/** A column with every row null (old segments lack columns added later). */
export function nullColumn(type: DataType, n: number): ColumnData {
  const c: ColumnData = { type, values: allocTyped(type, n), valid: new Uint8Array(n) };
  if (type === 'string') c.dict = [];
  return c;
}

/**
 * Union of the dictionary values the ranges use, sorted, with each source's code -> union code map (identity when
 * the sources share one dictionary). Only used values: text columns decode one dictionary per page, as large as its
 * rows, and a needle scan gathers a few rows out of many pages.
 */
function unionDicts(cols: ColumnData[], r: Ranges): { dict: string[]; maps: (Int32Array | null)[] } {
  const first = cols[0]!.dict!;
  if (cols.every((c) => c.dict === first)) return { dict: first, maps: cols.map(() => null) };
  // per source, the codes the ranges use (each once), found without walking whole dictionaries
  const seen = cols.map((c) => new Uint8Array(c.dict!.length));
  const used: number[][] = cols.map(() => []);
  for (let k = 0; k < r.src.length; k++) {
    const j = r.src[k]!, codes = cols[j]!.values as Int32Array, u = seen[j]!, list = used[j]!;
    for (let i = r.start[k]!, e = i + r.len[k]!; i < e; i++) {
      const c = codes[i]!;
      if (u[c] === 0) { u[c] = 1; list.push(c); }
    }
  }
  const set = new Set<string>();
  cols.forEach((c, j) => { for (const code of used[j]!) set.add(c.dict![code]!); });
  const dict = [...set].sort();
  const pos = new Map(dict.map((v, i) => [v, i]));
  // codes no range uses stay 0: never read
  return {
    dict,
    maps: cols.map((c, j) => {
      const m = new Int32Array(c.dict!.length);
      for (const code of used[j]!) m[code] = pos.get(c.dict![code]!)!;
      return m;
    }),
  };
}

/**
 * The ranges of one column out of the source runs: one range of one run is a view of it (runs are never written in
 * place: a metric engine scan of one logical table reads one stretch of the physical run), several are copied.
 */
/** Rows [from, to) of a column as views, no copy. */
export function sliceColumn(c: ColumnData, from: number, to: number): ColumnData {
  const out: ColumnData = { type: c.type, values: c.values.subarray(from, to) as ColumnData['values'], valid: c.valid ? c.valid.subarray(from, to) : null };
  if (c.dict) out.dict = c.dict;
  return out;
}

export function gatherColumn(cols: ColumnData[], r: Ranges): ColumnData {
  const type = cols[0]!.type;
  if (r.src.length === 1) {
    const c = cols[r.src[0]!]!, s = r.start[0]!, e = s + r.len[0]!;
    if (s === 0 && e === c.values.length) return c;
    const out: ColumnData = { type, values: c.values.subarray(s, e) as ColumnData['values'], valid: c.valid ? c.valid.subarray(s, e) : null };
    if (c.dict) out.dict = c.dict;
    return out;
  }
  const n = r.rows;
  // every row is written below: the ranges cover 0..n
  const out: ColumnData = { type, values: allocTypedUnsafe(type, n), valid: null };
  const anyNull = cols.some((c) => c.valid !== null);
  if (anyNull) out.valid = new Uint8Array(n);
  let maps: (Int32Array | null)[] = [];
  if (type === 'string') ({ dict: out.dict, maps } = unionDicts(cols, r));
  let o = 0;
  for (let k = 0; k < r.src.length; k++) {
    const c = cols[r.src[k]!]!, s = r.start[k]!, len = r.len[k]!;
    const map = maps[r.src[k]!];
    if (map) {
      const src = c.values as Int32Array, dst = out.values as Int32Array;
      for (let i = 0; i < len; i++) dst[o + i] = map[src[s + i]!]!;
    } else {
      (out.values as Float64Array).set((c.values as Float64Array).subarray(s, s + len), o);
    }
    if (anyNull) {
      if (c.valid) out.valid!.set(c.valid.subarray(s, s + len), o);
      else out.valid!.fill(1, o, o + len);
    }
    o += len;
  }
  return out;
}

/** Builds a run of the named columns from ranges of the source runs. */
export function gatherRun(runs: Run[], r: Ranges, names: Iterable<string>): Run {
  const cols = new Map<string, ColumnData>();
  for (const name of names) cols.set(name, gatherColumn(runs.map((x) => x.cols.get(name)!), r));
  return { rows: r.rows, cols };
}

/** Reads a tag/string value of row i (null when missing). */
export function stringAt(c: ColumnData, i: number): string | null {
  if (c.valid && c.valid[i] === 0) return null;
  return c.dict![(c.values as Int32Array)[i]!] ?? null;
}

