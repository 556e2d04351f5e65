// A window frame's bounds for every row of one sorted partition at once: [start[k], end[k]] (positions in the
// partition, clamped to it; start > end is an empty frame). Peer groups are found once, RANGE offsets by binary search.
import { PlanError, StatusCode } from '../../errors.ts';
import type { FrameExclude, FunctionCall, WindowFrameBound } from '../../sql/index.ts';
import { intervalNs, parseInterval } from '../expr/time.ts';
import type { Vec } from '../vector.ts';
import { getValue, isNull } from '../vector.ts';

export type WindowFrameLike = { units: string; start: WindowFrameBound; end?: WindowFrameBound; exclude?: FrameExclude };

/**
 * A RANGE frame's reach by value: the one ORDER BY key's values and the offsets of its bounds, in the key's units
 * (nanoseconds for a timestamp key, whose offset is an interval). Undefined for ROWS / GROUPS frames and RANGE frames
 * whose bounds have no offset.
 */
export interface RangeKey { key: (row: number) => number | bigint | null; asc: boolean; start?: number | bigint; end?: number | bigint }

export function rangeKey(frame: WindowFrameLike | undefined, ord: { vec: Vec; asc: boolean }[], c: FunctionCall): RangeKey | undefined {
  if (!frame || frame.units !== 'RANGE') return undefined;
  const hasOffset = (b?: WindowFrameBound) => !!b?.offset && (b.kind === 'preceding' || b.kind === 'following');
  if (!hasOffset(frame.start) && !hasOffset(frame.end)) return undefined;
  if (ord.length !== 1) throw new PlanError('A RANGE frame with an offset needs exactly one ORDER BY expression', c.pos, StatusCode.PlanQuery);
  const o = ord[0]!, v = o.vec;
  const isTs = v.kind === 'ts';
  const offset = (b?: WindowFrameBound): number | bigint | undefined => {
    if (!b?.offset || (b.kind !== 'preceding' && b.kind !== 'following')) return undefined;
    const e = b.offset;
    const text = e.type === 'interval' && e.value.type === 'string' ? e.value.value + (e.unit ? ` ${e.unit}` : '') : e.type === 'string' ? e.value : undefined;
    if (isTs) {
      const iv = text === undefined ? null : parseInterval(text);
      if (!iv) throw new PlanError('A RANGE frame over a timestamp takes an interval offset', c.pos, StatusCode.PlanQuery);
      return intervalNs(iv);
    }
    if (e.type !== 'number') throw new PlanError('A RANGE frame over numbers takes a numeric offset', c.pos, StatusCode.PlanQuery);
    return Number(e.value);
  };
  return {
    key: (r) => (isNull(v, r) ? null : isTs ? (v.v as BigInt64Array)[r]! : Number(getValue(v, r))),
    asc: o.asc, start: offset(frame.start), end: offset(frame.end),
  };
}

/** Peer groups of a sorted partition: each row's group number and each group's first and last row. */
export interface PeerGroups { of: Int32Array; first: number[]; last: number[] }

export function peerGroups(rows: number[], cmp: (p: number, q: number) => number): PeerGroups {
  const of = new Int32Array(rows.length), first: number[] = [], last: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    if (k === 0 || cmp(rows[k - 1]!, rows[k]!) !== 0) { first.push(k); last.push(k); } else last[last.length - 1] = k;
    of[k] = first.length - 1;
  }
  return { of, first, last };
}

export interface FrameBounds { start: Int32Array; end: Int32Array }

/**
 * EXCLUDE as PostgreSQL defines it: for row k, the positions [from, to] left out of its frame, and `keep` (k itself,
 * or -1) kept among them: CURRENT ROW is k alone, GROUP its peer group, TIES the peer group but k.
 */
export type Exclusion = (k: number) => { from: number; to: number; keep: number };

export function frameExclusion(x: FrameExclude, rows: number[], cmp: (p: number, q: number) => number): Exclusion {
  if (x === 'current_row') return (k) => ({ from: k, to: k, keep: -1 });
  const peers = peerGroups(rows, cmp);
  return (k) => ({ from: peers.first[peers.of[k]!]!, to: peers.last[peers.of[k]!]!, keep: x === 'ties' ? k : -1 });
}

/** The positions of the frame [a, b] less an exclusion, in order. */
export function framePositions(a: number, b: number, ex: { from: number; to: number; keep: number }): number[] {
  const out: number[] = [];
  for (let j = a; j <= b; j++) if (j < ex.from || j > ex.to || j === ex.keep) out.push(j);
  return out;
}

/**
 * Every row's frame in a partition sorted by `cmp`. No frame: the whole partition, or (with ORDER BY) from its start
 * to the current row's last peer. CURRENT ROW is the row itself for ROWS, its peer group's edge for RANGE and GROUPS;
 * n PRECEDING / FOLLOWING counts rows (ROWS), peer groups (GROUPS) or key values (RANGE, `range`).
 */
export function frameBounds(frame: WindowFrameLike | undefined, rows: number[], cmp: (p: number, q: number) => number, ordered: boolean, range?: RangeKey): FrameBounds {
  const m = rows.length;
  const start = new Int32Array(m), end = new Int32Array(m);
  if (!frame && !ordered) { end.fill(m - 1); return { start, end }; }
  const peers = peerGroups(rows, cmp);
  if (!frame) {
    for (let k = 0; k < m; k++) end[k] = peers.last[peers.of[k]!]!;
    return { start, end };
  }
  const byValue = range ? valueBounds(range, rows) : undefined;
  const fill = (b: WindowFrameBound, isStart: boolean, out: Int32Array): void => {
    const off = range ? (isStart ? range.start : range.end) : undefined;
    if (off !== undefined && (b.kind === 'preceding' || b.kind === 'following')) {
      for (let k = 0; k < m; k++) {
        const x = byValue!(k, b.kind === 'preceding' ? -1 : 1, off, isStart);
        out[k] = x ?? (isStart ? peers.first[peers.of[k]!]! : peers.last[peers.of[k]!]!);
      }
      return;
    }
    switch (b.kind) {
      case 'unbounded_preceding': out.fill(0); return;
      case 'unbounded_following': out.fill(m - 1); return;
      case 'current_row':
        for (let k = 0; k < m; k++) out[k] = frame.units === 'ROWS' ? k : isStart ? peers.first[peers.of[k]!]! : peers.last[peers.of[k]!]!;
        return;
      case 'preceding': case 'following': {
        const off = (b.kind === 'preceding' ? -1 : 1) * Number(b.offset && b.offset.type === 'number' ? b.offset.value : 0);
        if (frame.units !== 'GROUPS') { for (let k = 0; k < m; k++) out[k] = k + off; return; }
        // n groups away: a start bound is that group's first row, an end bound its last (past the edges: the edge)
        const count = peers.first.length;
        for (let k = 0; k < m; k++) {
          const gi = peers.of[k]! + off;
          out[k] = gi < 0 ? (isStart ? 0 : -1) : gi >= count ? (isStart ? m : m - 1) : isStart ? peers.first[gi]! : peers.last[gi]!;
        }
      }
    }
  };
  fill(frame.start, true, start);
  fill(frame.end ?? { kind: 'current_row' }, false, end);
  for (let k = 0; k < m; k++) {
    if (start[k]! < 0) start[k] = 0;
    if (end[k]! > m - 1) end[k] = m - 1;
  }
  return { start, end };
}

/**
 * RANGE n PRECEDING / FOLLOWING: bounds by the key's value, n before or after the current row's in the sort's
 * direction (keys negated for a descending sort, so 'preceding' always means smaller). A start bound is the first
 * row at or past its limit (none: past the end), an end bound the last row at or before it (none: before the start).
 * The NULL keys sort together at one end, so the others are one run in order: binary searches over that run.
 * A row whose key is NULL answers null: its frame edge is its peer group's.
 */
function valueBounds(range: RangeKey, rows: number[]): (k: number, sign: number, off: number | bigint, isStart: boolean) => number | null {
  const m = rows.length;
  const keys = new Array<number | bigint | null>(m);
  let lo = m, hi = 0;
  for (let k = 0; k < m; k++) {
    const v = range.key(rows[k]!);
    keys[k] = v === null ? null : range.asc ? v : -v;
    if (v !== null) { if (k < lo) lo = k; hi = k + 1; }
  }
  return (k, sign, off, isStart) => {
    const cur = keys[k];
    if (cur === null || cur === undefined) return null;
    const limit = typeof cur === 'bigint' ? cur + BigInt(sign) * (off as bigint) : cur + sign * (off as number);
    if (isStart) {
      // first j in [lo, hi) with key >= limit
      let a = lo, b = hi;
      while (a < b) { const h = (a + b) >>> 1; if ((keys[h] as number) >= (limit as number)) b = h; else a = h + 1; }
      return a < hi ? a : m;
    }
    // last j in [lo, hi) with key <= limit
    let a = lo, b = hi;
    while (a < b) { const h = (a + b) >>> 1; if ((keys[h] as number) <= (limit as number)) a = h + 1; else b = h; }
    return a > lo ? a - 1 : -1;
  };
}
