// Merges sorted runs into one (series, ts) order; on equal keys the later run (newer data) wins, or comes first if append-only.
import { cmp, words } from './int64.ts';
import { Ranges, stringAt } from './run.ts';
import { compareKeyTuples } from '../core/index.ts';
import type { MergeMode } from './ops.ts';
import type { ColumnData, Run } from './types.ts';

interface SeriesList {
  /** Start row of each series, plus the end. */
  bounds: number[];
  rank: Int32Array;
}

/** Splits a run into its series (contiguous rows with equal tags) and returns their tag tuples. */
function seriesOf(run: Run, tags: ColumnData[]): { bounds: number[]; tuples: (string | null)[][] } {
  const bounds: number[] = [];
  const tuples: (string | null)[][] = [];
  const codes = tags.map((c) => c.values as Int32Array);
  for (let i = 0; i < run.rows; i++) {
    let same = i > 0;
    for (let t = 0; same && t < tags.length; t++) {
      const v = tags[t]!.valid;
      same = codes[t]![i] === codes[t]![i - 1] && (!v || v[i] === v[i - 1]);
    }
    if (!same) {
      bounds.push(i);
      tuples.push(tags.map((c) => stringAt(c, i)));
    }
  }
  bounds.push(run.rows);
  return { bounds, tuples };
}

function rankSeries(runs: Run[], tagNames: string[]): SeriesList[] {
  const parts = runs.map((r) => seriesOf(r, tagNames.map((n) => r.cols.get(n)!)));
  const all = new Map<string, (string | null)[]>();
  for (const p of parts) for (const t of p.tuples) all.set(JSON.stringify(t), t);
  const sorted = [...all.entries()].sort((a, b) => compareKeyTuples(a[1], b[1]));
  const rankOf = new Map(sorted.map(([k], i) => [k, i]));
  return parts.map((p) => ({ bounds: p.bounds, rank: Int32Array.from(p.tuples, (t) => rankOf.get(JSON.stringify(t))!) }));
}

/** Merges the rows of one series present in several runs by ts (w: int64 word views of the ts columns). */
function mergeSeries(out: Ranges, who: number[], pos: number[], end: number[], w: Int32Array[], mode: MergeMode): void {
  const dedup = mode === 'last_row';
  for (;;) {
    // Head with the smallest ts; on ties the later run (it is newer): it wins when deduping, it comes first when the
    // table is append-only (GreptimeDB's sequence-descending order); last_non_null collapses ties oldest first.
    let best = -1, sec = -1;
    for (let k = 0; k < who.length; k++) {
      if (pos[k]! >= end[k]!) continue;
      if (best < 0) { best = k; continue; }
      const c = cmp(w[k]!, pos[k]!, w[best]!, pos[best]!);
      if (c < 0 || (c === 0 && mode !== 'last_non_null')) { sec = best; best = k; }
      else if (sec < 0 || cmp(w[k]!, pos[k]!, w[sec]!, pos[sec]!) < 0) sec = k;
    }
    if (best < 0) return;
    const bw = w[best]!;
    let i = pos[best]!;
    const start = i;
    // Take the whole stretch of the best run that stays below every other head.
    if (sec < 0) i = end[best]!;
    else {
      const sw = w[sec]!, sp = pos[sec]!;
      while (i < end[best]! && cmp(bw, i, sw, sp) < 0) i++;
      if (i === start) i++;
    }
    out.push(who[best]!, start, i - start);
    pos[best] = i;
    if (dedup) {
      for (let k = 0; k < who.length; k++) while (k !== best && pos[k]! < end[k]! && cmp(w[k]!, pos[k]!, bw, i - 1) === 0) pos[k]!++;
    }
  }
}

/** Ranges of the runs (given oldest first) in merged (series, ts) order; one row per key under last_row. */
export function mergeRuns(runs: Run[], tagNames: string[], timeIndex: string, mode: MergeMode): Ranges {
  const out = new Ranges();
  if (runs.length === 1) { out.push(0, 0, runs[0]!.rows); return out; }
  const lists = rankSeries(runs, tagNames);
  const ts = runs.map((r) => words(r.cols.get(timeIndex)!.values as BigInt64Array));
  const cur = lists.map(() => 0);
  for (;;) {
    let minRank = -1;
    for (let r = 0; r < runs.length; r++) {
      const l = lists[r]!;
      if (cur[r]! < l.rank.length && (minRank < 0 || l.rank[cur[r]!]! < minRank)) minRank = l.rank[cur[r]!]!;
    }
    if (minRank < 0) return out;
    const who: number[] = [], pos: number[] = [], end: number[] = [], tss: Int32Array[] = [];
    for (let r = 0; r < runs.length; r++) {
      const l = lists[r]!, s = cur[r]!;
      if (s < l.rank.length && l.rank[s] === minRank) {
        who.push(r); pos.push(l.bounds[s]!); end.push(l.bounds[s + 1]!); tss.push(ts[r]!);
        cur[r] = s + 1;
      }
    }
    if (who.length === 1) out.push(who[0]!, pos[0]!, end[0]! - pos[0]!);
    else mergeSeries(out, who, pos, end, tss, mode);
  }
}
