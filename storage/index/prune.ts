// Pruning one segment by its index file: predicates -> rows that may match -> row groups to read, with what each index did.
import { indexKind, intersect, selectedRows, type ColumnPredicate, type IndexEstimate, type RowSelection } from '../../core/index.ts';
import { DEFAULT_PAGE_ROWS } from '../segment/write.ts';
import type { IndexUse, SegmentMeta } from '../types.ts';
import type { OpenIndex } from './readers.ts';
import type { SelectionMemo } from './query_selections.ts';

export interface SegmentPrune {
  /** Rows of the segment (segment row numbers) that may match every predicate an index answered. */
  rows: RowSelection;
  uses: IndexUse[];
  /** Predicates no current index of this segment answered. */
  unanswered: number;
}

const startsOf = new WeakMap<SegmentMeta, Uint32Array>();

/** A predicate's text, made once per predicate object (a scan asks every segment with the same objects). */
const keys = new WeakMap<ColumnPredicate, string>();
function keyOf(p: ColumnPredicate): string {
  let k = keys.get(p);
  if (k === undefined) keys.set(p, k = JSON.stringify(p));
  return k;
}

/** Rows of a page of the segment: the writer's page size, or a row group's rows when smaller. */
function pageRowsOf(meta: SegmentMeta): number {
  const first = meta.groups?.[0]?.rows ?? meta.rows;
  return Math.max(1, Math.min(DEFAULT_PAGE_ROWS, first));
}

/** Start row of each row group of a segment (and the end of the last one); computed once per segment record. */
export function groupStarts(meta: SegmentMeta): Uint32Array {
  let out = startsOf.get(meta);
  if (out) return out;
  const gs = meta.groups ?? [{ rows: meta.rows }];
  out = new Uint32Array(gs.length + 1);
  for (let k = 0; k < gs.length; k++) out[k + 1] = out[k]! + gs[k]!.rows;
  startsOf.set(meta, out);
  return out;
}

/** Groups (among `groups`, ascending) holding a selected row. */
export function groupsOf(sel: RowSelection, starts: Uint32Array, groups: number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (const g of groups) {
    const a = starts[g]!, b = starts[g + 1]!;
    while (j < sel.start.length && sel.end[j]! <= a) j++;
    if (j < sel.start.length && sel.start[j]! < b) out.push(g);
  }
  return out;
}

/** A page holding at most this share of selected rows is read for those rows only (read_cached.ts). */
export const SPARSE_SHARE = 1 / 16;

/** Share of a segment's pages a selection may touch before the index gives way to the scan. */
export const TOUCHED_SHARE = 0.9;

/**
 * Whether a selection of `est` (rows in ranges) would make the scan dearer than reading without it: it keeps more than
 * a needle's share of the rows (pages are then read whole, not for their selected rows) and its ranges are spread
 * over (nearly) every page, so it skips no page and only adds the walk of its ranges. Ranges are taken as scattered:
 * each touches its pages and one more, so a few long ranges (a clustered tag) still prune, many short ones do not.
 */
export function scanCheaper(est: IndexEstimate, rows: number, pageRows = DEFAULT_PAGE_ROWS): boolean {
  if (rows === 0 || est.rows <= rows * SPARSE_SHARE) return false;
  const pages = Math.ceil(rows / pageRows);
  return Math.min(pages, est.ranges + est.rows / pageRows) >= pages * TOUCHED_SHARE;
}

/**
 * Asks each index of the file whose key is current (`keys`) about the predicates on its column; the answers are
 * intersected. Undefined when no index answered any predicate. `memo` (the query's, keyed by `file`: the index file)
 * answers a predicate an earlier scan of the same query already asked this file's index.
 */
export function pruneSegment(meta: SegmentMeta, idx: OpenIndex, keys: Set<string>, preds: ColumnPredicate[], memo?: SelectionMemo, file = ''): SegmentPrune | undefined {
  let sel: RowSelection | undefined;
  const uses: IndexUse[] = [];
  let unanswered = 0;
  const starts = groupStarts(meta);
  const all = [...Array(starts.length - 1).keys()];
  for (const p of preds) {
    let answered = false;
    for (const e of idx.file.entries) {
      if (e.columns[0] !== p.column || !keys.has(e.key)) continue;
      if (p.op === 'spatial' && e.columns[1] !== p.lng) continue;
      const kind = indexKind(e.kind);
      if (!kind || !kind.answers(p)) continue;
      const pkey = keyOf(p);
      const ask = () => idx.answer(e, pkey, () => {
        const reader = idx.reader(e);
        if (reader === undefined) return undefined;
        // a selection that would skip no page costs more than the scan's own filter: answer nothing
        const est = kind.estimate?.(reader, p);
        if (est && scanCheaper(est, meta.rows, pageRowsOf(meta))) return undefined;
        return kind.prune(reader, p, meta.rows);
      });
      const got = memo ? memo(`${file}\u0000${e.key}\u0000${pkey}`, ask) : ask();
      if (!got) continue;
      answered = true;
      const before = sel ?? { start: Uint32Array.of(0), end: Uint32Array.of(meta.rows) };
      sel = intersect(before, got);
      uses.push({
        kind: e.kind, column: e.columns.join(', '), segments: 1,
        groupsBefore: groupsOf(before, starts, all).length, groupsAfter: groupsOf(sel, starts, all).length,
        rowsBefore: selectedRows(before), rowsAfter: selectedRows(sel),
      });
    }
    if (!answered) unanswered++;
  }
  return sel ? { rows: sel, uses, unanswered } : undefined;
}

/** Adds one segment's index uses into a scan's totals (one line per kind and column). */
export function addUses(total: IndexUse[], more: IndexUse[]): void {
  for (const u of more) {
    const t = total.find((x) => x.kind === u.kind && x.column === u.column);
    if (!t) { total.push({ ...u }); continue; }
    t.segments += u.segments; t.groupsBefore += u.groupsBefore; t.groupsAfter += u.groupsAfter;
    t.rowsBefore += u.rowsBefore; t.rowsAfter += u.rowsAfter;
  }
}
