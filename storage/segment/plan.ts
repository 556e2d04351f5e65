// The first pass of a segment write (write.ts): one walk over the source's row groups that learns what the file's
// schema must say before its first row group is written: each column's stats, the byte width of its encoded values,
// a float column's decimal scale, and each row group's time range and tag stats. Only one row group of a column is
// looked at at a time, so the walk holds no more than the source's slices.
import type { TableSchema } from '../../core/index.ts';
import { decimalPlan, encodeDecimal, encodeInt64, widthOf } from './encoding.ts';
import { words } from '../int64.ts';
import { OP_COLUMN } from '../ops.ts';
import { columnStats } from './stats.ts';
import type { SegmentSource } from './source.ts';
import type { ColumnData, ColumnStats, RowGroupMeta } from '../types.ts';

// Scratch words reused across writes: first touch of fresh memory is what makes large allocations slow.
let scratch = new Int32Array(0);
export function scratchWords(n: number): Int32Array {
  if (scratch.length < 2 * n) scratch = new Int32Array(Math.max(2 * n, scratch.length * 2));
  return scratch;
}

/**
 * Zigzag words of the n rows of a group's slice of an encoded column into the shared scratch, and the largest value's
 * width (-1 when a decimal does not round-trip). `scale` >= 0: a decimal float column; else int64 words of `order`.
 */
export function encodeWords(c: ColumnData, n: number, order: 1 | 2, scale: number): { zz: Int32Array; width: number } {
  const zz = scratchWords(n);
  if (scale >= 0) {
    const max = new Float64Array(1);
    const ok = encodeDecimal(c.values as Float64Array, c.valid, n, scale, [0], zz, max);
    return { zz, width: ok ? widthOf(max[0]!) : -1 };
  }
  return { zz, width: encodeInt64(words(c.values as BigInt64Array), c.valid, n, order, [0], zz) };
}

/** A stat value as something to compare: floats' non-finite values are strings in stats, integers are decimal strings. */
function rank(type: ColumnData['type'], v: number | string): number | bigint | string {
  if (type === 'float64') return typeof v === 'string' ? Number(v) : v;
  if (type === 'int64' || type === 'timestamp' || type === 'uint64') return BigInt(v);
  return v;
}

/** Stats of rows [0, a + b) from those of [0, a) and [a, a + b). */
function mergeStats(type: ColumnData['type'], x: ColumnStats, y: ColumnStats): ColumnStats {
  const pick = (p: number | string | null, q: number | string | null, less: boolean): number | string | null => {
    if (p === null) return q;
    if (q === null) return p;
    const rp = rank(type, p), rq = rank(type, q);
    return (less ? rq < rp : rq > rp) ? q : p;
  };
  return { min: pick(x.min, y.min, true), max: pick(x.max, y.max, false), nulls: x.nulls + y.nulls };
}

/** Stats of a string slice whose dictionary is sorted: min and max by code, no pass over the dictionary. */
export function sortedDictStats(c: ColumnData, n: number): ColumnStats {
  const codes = c.values as Int32Array, valid = c.valid;
  let lo = 0x7fffffff, hi = -1, nulls = 0;
  for (let i = 0; i < n; i++) {
    if (valid && valid[i] === 0) { nulls++; continue; }
    const k = codes[i]!;
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  return hi < 0 ? { min: null, max: null, nulls } : { min: c.dict![lo]!, max: c.dict![hi]!, nulls };
}

/** What the first pass learned. */
export interface SegmentFacts {
  /** Row group starts (ascending, first 0; one empty group when there are no rows). */
  starts: number[];
  columns: Record<string, ColumnStats>;
  groups: RowGroupMeta[];
  /** Encoded byte width of timestamp and int64 columns (the widest group's). */
  widths: Map<string, number>;
  /** Decimal scale and width of float columns that are short decimals. */
  decimals: Map<string, { scale: number; width: number }>;
  /** Each string column's dictionary (the same for every slice). */
  dicts: Map<string, string[]>;
}

export function groupStarts(n: number, rowGroupRows: number): number[] {
  const starts: number[] = [];
  for (let a = 0; a < n || a === 0; a += Math.max(1, rowGroupRows)) starts.push(a);
  return starts;
}

/**
 * Walks the source's row groups once. A float column whose groups need different decimal scales is checked again at
 * the largest (rare: the scale is the smallest at which every value is exact, as one pass over the column would find).
 */
export function learnSegment(src: SegmentSource, schema: TableSchema, rowGroupRows: number): SegmentFacts {
  const n = src.rows;
  const starts = groupStarts(n, rowGroupRows);
  const end = (k: number): number => (k + 1 < starts.length ? starts[k + 1]! : n);
  const columns: Record<string, ColumnStats> = {};
  const widths = new Map<string, number>(), dicts = new Map<string, string[]>();
  const scales = new Map<string, ({ scale: number; width: number } | null)[]>();
  const groupTags: Record<string, ColumnStats>[] = [];
  const groups: RowGroupMeta[] = [];
  const tags = schema.primaryKey.filter((t) => src.names.includes(t));
  for (let k = 0; k < starts.length; k++) {
    const a = starts[k]!, b = end(k), len = b - a;
    const g: RowGroupMeta = { rows: len, minTs: '', maxTs: '', tags: {} };
    const tagStats: Record<string, ColumnStats> = {};
    for (const name of src.names) {
      if (name === OP_COLUMN) continue;
      const c = src.slice(name, a, b);
      const text = c.type === 'string' && src.textColumn(name);
      if (c.dict && !dicts.has(name)) dicts.set(name, c.dict);
      const st = c.type === 'string' && !text ? sortedDictStats(c, len) : columnStats(c, len);
      columns[name] = k === 0 ? st : mergeStats(c.type, columns[name]!, st);
      if (c.type === 'timestamp' || c.type === 'int64') {
        widths.set(name, Math.max(widths.get(name) ?? 0, encodeWords(c, len, c.type === 'timestamp' ? 2 : 1, -1).width));
      } else if (c.type === 'float64') {
        const list = scales.get(name) ?? [];
        list.push(list.includes(null) ? null : decimalPlan(c.values as Float64Array, c.valid, len));
        scales.set(name, list);
      }
      if (name === schema.timeIndex) {
        const ts = c.values as BigInt64Array;
        g.minTs = String(st.min ?? ts[0]);
        g.maxTs = String(st.max ?? ts[0]);
      } else if (tags.includes(name)) {
        tagStats[name] = st;
      }
    }
    groups.push(g);
    groupTags.push(tagStats);
  }
  // Tag stats equal to the whole segment's are left out: a reader falls back to the segment's (scan.ts).
  groups.forEach((g, k) => {
    for (const [name, st] of Object.entries(groupTags[k]!)) {
      const whole = columns[name];
      if (whole && st.min === whole.min && st.max === whole.max && st.nulls === whole.nulls) continue;
      g.tags[name] = st;
    }
  });
  const decimals = new Map<string, { scale: number; width: number }>();
  for (const [name, list] of scales) {
    const d = decimalOf(src, name, list, starts, end);
    if (d) decimals.set(name, d);
  }
  return { starts, columns, groups, widths, decimals, dicts };
}

function decimalOf(
  src: SegmentSource, name: string, list: ({ scale: number; width: number } | null)[], starts: number[], end: (k: number) => number,
): { scale: number; width: number } | null {
  if (list.includes(null)) return null;
  let scale = Math.max(...list.map((d) => d!.scale));
  for (;;) {
    let width = 0, raised = false;
    for (let k = 0; k < starts.length && !raised; k++) {
      let d = list[k]!;
      if (d.scale !== scale) {
        const c = src.slice(name, starts[k]!, end(k));
        const again = decimalPlan(c.values as Float64Array, c.valid, end(k) - starts[k]!, [0], scale);
        if (!again) return null;
        d = list[k] = again;
        if (again.scale > scale) { scale = again.scale; raised = true; }
      }
      width = Math.max(width, d.width);
    }
    if (!raised) return { scale, width };
  }
}
