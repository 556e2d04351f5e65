// The first pass of a segment write (write.ts): one walk over the source's row groups that learns what the file's
// schema must say before its first row group is written: each column's stats, the byte width of its encoded values,
// a float column's decimal scale, and each row group's time range and tag stats. Only one row group of a column is
// looked at at a time, so the walk holds no more than the source's slices.
import type { TableSchema } from '../../core/index.ts';
import { decimalPlan, encodeDecimal, encodeInt64, widthOf } from './encoding.ts';
import { words } from '../int64.ts';
import { OP_COLUMN } from '../ops.ts';
import { sliceColumn } from '../run.ts';
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
export function encodeWords(c: ColumnData, n: number, order: 1 | 2, scale: number, starts: number[] = [0]): { zz: Int32Array; width: number } {
  const zz = scratchWords(n);
  if (scale >= 0) {
    const max = new Float64Array(1);
    const ok = encodeDecimal(c.values as Float64Array, c.valid, n, scale, starts, zz, max);
    return { zz, width: ok ? widthOf(max[0]!) : -1 };
  }
  return { zz, width: encodeInt64(words(c.values as BigInt64Array), c.valid, n, order, starts, zz) };
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

/** A page's time range and the tag stats that are narrower than its row group's (file metadata `eddy.pages`). */
export interface PageStats {
  minTs: string;
  maxTs: string;
  tags?: Record<string, ColumnStats>;
}

/** What the first pass learned. */
export interface SegmentFacts {
  /** Row group starts (ascending, first 0; one empty group when there are no rows). */
  starts: number[];
  /** Rows per page (a group's pages start at multiples of it from the group's start). */
  pageRows: number;
  columns: Record<string, ColumnStats>;
  groups: RowGroupMeta[];
  /** Stats of every page in file order. */
  pages: PageStats[];
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

/** Rows of a segment's pages, page by page, from its row groups' rows (each group cut at multiples of pageRows). */
export function pageSizes(groupRows: readonly number[], pageRows: number): number[] {
  const out: number[] = [];
  for (const rows of groupRows) for (const a of groupStarts(rows, pageRows)) out.push(Math.min(pageRows, rows - a));
  return out;
}

/**
 * Walks the source's row groups once. A float column whose groups need different decimal scales is checked again at
 * the largest (rare: the scale is the smallest at which every value is exact, as one pass over the column would find).
 */
export function learnSegment(src: SegmentSource, schema: TableSchema, rowGroupRows: number, pageRowsWanted = rowGroupRows): SegmentFacts {
  const n = src.rows;
  const starts = groupStarts(n, rowGroupRows);
  const pageRows = Math.max(1, Math.min(pageRowsWanted, rowGroupRows));
  const pages: PageStats[] = [];
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
    // Pages of the group (starts relative to it): the encodings restart at each, so a page decodes alone.
    const ps = groupStarts(len, pageRows);
    const pageEnd = (j: number): number => (j + 1 < ps.length ? ps[j + 1]! : len);
    const pageTags: Record<string, ColumnStats>[] = ps.map(() => ({}));
    const first = pages.length;
    for (let j = 0; j < ps.length; j++) pages.push({ minTs: '', maxTs: '' });
    for (const name of src.names) {
      if (name === OP_COLUMN) continue;
      const c = src.slice(name, a, b);
      const text = c.type === 'string' && src.textColumn(name);
      if (c.dict && !dicts.has(name)) dicts.set(name, c.dict);
      const statsOf = (x: ColumnData, m: number): ColumnStats => (c.type === 'string' && !text ? sortedDictStats(x, m) : columnStats(x, m));
      const isTime = name === schema.timeIndex, isTag = tags.includes(name);
      let st: ColumnStats;
      if (isTime || isTag) {
        // Pages keep their own time range and tag stats; the group's are their union.
        st = statsOf(sliceColumn(c, 0, pageEnd(0)), pageEnd(0));
        const per = [st];
        for (let j = 1; j < ps.length; j++) {
          const p = statsOf(sliceColumn(c, ps[j]!, pageEnd(j)), pageEnd(j) - ps[j]!);
          per.push(p);
          st = mergeStats(c.type, st, p);
        }
        per.forEach((p, j) => {
          if (isTag) { pageTags[j]![name] = p; return; }
          const ts = c.values as BigInt64Array, page = pages[first + j]!;
          page.minTs = String(p.min ?? ts[ps[j]!]);
          page.maxTs = String(p.max ?? ts[ps[j]!]);
        });
      } else st = statsOf(c, len);
      columns[name] = k === 0 ? st : mergeStats(c.type, columns[name]!, st);
      if (c.type === 'timestamp' || c.type === 'int64') {
        widths.set(name, Math.max(widths.get(name) ?? 0, encodeWords(c, len, c.type === 'timestamp' ? 2 : 1, -1, ps).width));
      } else if (c.type === 'float64') {
        const list = scales.get(name) ?? [];
        list.push(list.includes(null) ? null : decimalPlan(c.values as Float64Array, c.valid, len, ps));
        scales.set(name, list);
      }
      if (isTime) {
        const ts = c.values as BigInt64Array;
        g.minTs = String(st.min ?? ts[0]);
        g.maxTs = String(st.max ?? ts[0]);
      } else if (isTag) {
        tagStats[name] = st;
      }
    }
    // A page's tag stats equal to its group's are left out (a reader falls back to the group's).
    pageTags.forEach((t, j) => {
      for (const [name, p] of Object.entries(t)) {
        const whole = tagStats[name]!;
        if (p.min === whole.min && p.max === whole.max && p.nulls === whole.nulls) continue;
        (pages[first + j]!.tags ??= {})[name] = p;
      }
    });
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
    const d = decimalOf(src, name, list, starts, end, pageRows);
    if (d) decimals.set(name, d);
  }
  return { starts, pageRows, columns, groups, pages, widths, decimals, dicts };
}

function decimalOf(
  src: SegmentSource, name: string, list: ({ scale: number; width: number } | null)[], starts: number[], end: (k: number) => number, pageRows: number,
): { scale: number; width: number } | null {
  if (list.includes(null)) return null;
  let scale = Math.max(...list.map((d) => d!.scale));
  for (;;) {
    let width = 0, raised = false;
    for (let k = 0; k < starts.length && !raised; k++) {
      let d = list[k]!;
      if (d.scale !== scale) {
        const c = src.slice(name, starts[k]!, end(k));
        const again = decimalPlan(c.values as Float64Array, c.valid, end(k) - starts[k]!, groupStarts(end(k) - starts[k]!, pageRows), scale);
        if (!again) return null;
        d = list[k] = again;
        if (again.scale > scale) { scale = again.scale; raised = true; }
      }
      width = Math.max(width, d.width);
    }
    if (!raised) return { scale, width };
  }
}
