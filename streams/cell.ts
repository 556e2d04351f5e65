// One (group, window) of a flow: its member rows (key -> value vector) and aggregates that add and retract them.
import { Hll, UddSketch } from '../core/index.ts';
import type { AggregateSpec, FlowValue } from './types.ts';
import { keyOf, order } from './values.ts';

export interface WindowState {
  /** null for a flow without a time window (one global window, never final). */
  start: bigint | null;
  end: bigint | null;
  cells: Map<string, Cell>;
  /** Row key (tags + time index) -> the cell holding that row's current version. */
  rows: Map<string, Cell>;
  /** Bumped by every change: a checkpoint writes the window again only when it changed since its saved version. */
  version?: number;
  /** The id of the checkpoint part holding this window as of `savedVersion` (incremental checkpoints). */
  savedId?: number;
  savedVersion?: number;
}

export interface Cell {
  key: string;
  keys: FlowValue[];
  win: WindowState;
  /** Row key -> value vector (slot 0: time index, then aggregate arguments): what retraction and recompute read. */
  members: Map<string, FlowValue[]>;
  cnt: Float64Array;
  sum: Float64Array;
  /** min/max value or first/last value, valid unless stale. */
  ext: FlowValue[];
  extOrd: FlowValue[];
  extKey: string[];
  stale: Uint8Array;
  distinct: (Map<string, number> | null)[];
  dirty: boolean;
  /** A row for this cell went out; a later empty/rejected state must be emitted as a delete. */
  emitted: boolean;
}

export function newCell(aggs: AggregateSpec[], key: string, keys: FlowValue[], win: WindowState): Cell {
  const n = aggs.length;
  return {
    key, keys, win,
    members: new Map(),
    cnt: new Float64Array(n),
    sum: new Float64Array(n),
    ext: new Array<FlowValue>(n).fill(null),
    extOrd: new Array<FlowValue>(n).fill(null),
    extKey: new Array<string>(n).fill(''),
    stale: new Uint8Array(n),
    distinct: aggs.map((a) => (a.kind === 'count_distinct' ? new Map() : null)),
    dirty: false,
    emitted: false,
  };
}

/** (order value, row key) ascending with NULL order values last: true when a sorts before b. */
function before(ao: FlowValue, ak: string, bo: FlowValue, bk: string): boolean {
  if (ao === null && bo !== null) return false;
  if (ao !== null && bo === null) return true;
  const c = ao === null ? 0 : order(ao, bo);
  return c !== 0 ? c < 0 : ak < bk;
}

export function cellAdd(c: Cell, aggs: AggregateSpec[], rowKey: string, vals: FlowValue[]): void {
  c.members.set(rowKey, vals);
  for (let j = 0; j < aggs.length; j++) {
    const a = aggs[j]!;
    const v = a.slot < 0 ? 1 : vals[a.slot]!;
    switch (a.kind) {
      case 'count':
        if (v !== null) c.cnt[j]++;
        break;
      case 'count_distinct':
        if (v !== null) {
          const m = c.distinct[j]!;
          const k = keyOf([v]);
          m.set(k, (m.get(k) ?? 0) + 1);
        }
        break;
      case 'sum':
      case 'avg':
        if (v !== null) { c.cnt[j]++; c.sum[j] += v as number; }
        break;
      case 'min':
      case 'max':
        if (v !== null) {
          c.cnt[j]++;
          if (!c.stale[j] && (c.cnt[j] === 1 || (a.kind === 'min' ? order(v, c.ext[j]!) < 0 : order(v, c.ext[j]!) > 0))) c.ext[j] = v;
        }
        break;
      case 'first_value':
      case 'last_value': {
        c.cnt[j]++;
        if (c.stale[j]) break;
        const o = vals[a.orderSlot]!;
        const better = c.cnt[j] === 1 || (a.kind === 'first_value' ? before(o, rowKey, c.extOrd[j]!, c.extKey[j]!) : before(c.extOrd[j]!, c.extKey[j]!, o, rowKey));
        if (better) { c.ext[j] = v; c.extOrd[j] = o; c.extKey[j] = rowKey; }
        break;
      }
      case 'percentile':
      case 'sketch':
        if (v !== null) c.cnt[j]++;
        c.stale[j] = 1;
        break;
    }
  }
}

/** Removes a row's previous version; returns false when the cell did not hold it. */
export function cellRetract(c: Cell, aggs: AggregateSpec[], rowKey: string): boolean {
  const vals = c.members.get(rowKey);
  if (!vals) return false;
  c.members.delete(rowKey);
  for (let j = 0; j < aggs.length; j++) {
    const a = aggs[j]!;
    const v = a.slot < 0 ? 1 : vals[a.slot]!;
    switch (a.kind) {
      case 'count':
        if (v !== null) c.cnt[j]--;
        break;
      case 'count_distinct':
        if (v !== null) {
          const m = c.distinct[j]!;
          const k = keyOf([v]);
          const n = (m.get(k) ?? 1) - 1;
          if (n === 0) m.delete(k);
          else m.set(k, n);
        }
        break;
      case 'sum':
      case 'avg':
        if (v !== null) {
          c.cnt[j]--;
          // Exactly zero when nothing is left, whatever rounding the subtractions left behind.
          c.sum[j] = c.cnt[j] === 0 ? 0 : c.sum[j]! - (v as number);
        }
        break;
      case 'min':
      case 'max':
        if (v !== null) {
          c.cnt[j]--;
          if (order(v, c.ext[j]!) === 0) c.stale[j] = 1;
        }
        break;
      case 'first_value':
      case 'last_value':
        c.cnt[j]--;
        if (c.extKey[j] === rowKey) c.stale[j] = 1;
        break;
      case 'percentile':
      case 'sketch':
        if (v !== null) c.cnt[j]--;
        c.stale[j] = 1;
        break;
    }
  }
  return true;
}

/** Current aggregate values; stale extremes and percentiles are recomputed from the members. */
export function cellResults(c: Cell, aggs: AggregateSpec[]): FlowValue[] {
  const out = new Array<FlowValue>(aggs.length);
  for (let j = 0; j < aggs.length; j++) {
    const a = aggs[j]!;
    switch (a.kind) {
      case 'count': out[j] = c.cnt[j]!; break;
      case 'count_distinct': out[j] = c.distinct[j]!.size; break;
      case 'sum': out[j] = c.cnt[j] ? c.sum[j]! : null; break;
      case 'avg': out[j] = c.cnt[j] ? c.sum[j]! / c.cnt[j]! : null; break;
      case 'percentile': out[j] = c.cnt[j] ? percentile(c, a) : null; break;
      case 'sketch': out[j] = sketchState(c, a); break;
      default:
        if (c.stale[j]) recompute(c, a, j);
        out[j] = c.cnt[j] ? c.ext[j]! : null;
    }
  }
  return out;
}

function recompute(c: Cell, a: AggregateSpec, j: number): void {
  c.stale[j] = 0;
  let first = true;
  for (const [rowKey, vals] of c.members) {
    const v = vals[a.slot]!;
    if (a.kind === 'min' || a.kind === 'max') {
      if (v === null) continue;
      if (first || (a.kind === 'min' ? order(v, c.ext[j]!) < 0 : order(v, c.ext[j]!) > 0)) c.ext[j] = v;
    } else {
      const o = vals[a.orderSlot]!;
      const better = first || (a.kind === 'first_value' ? before(o, rowKey, c.extOrd[j]!, c.extKey[j]!) : before(c.extOrd[j]!, c.extKey[j]!, o, rowKey));
      if (better) { c.ext[j] = v; c.extOrd[j] = o; c.extKey[j] = rowKey; }
    }
    first = false;
  }
}

/** Exact linear-interpolated percentile (what approx_percentile_cont approximates). */
export function percentileOf(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  xs.sort((x, y) => x - y);
  const pos = p * (xs.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}

/** The group's sketch state, built from its members (sketches merge but do not retract). */
function sketchState(c: Cell, a: AggregateSpec): string {
  const s = a.sketch!;
  if (s.fn === 'hll' || s.fn === 'hll_merge') {
    const h = new Hll();
    for (const vals of c.members.values()) {
      const v = vals[a.slot];
      if (v === null || v === undefined) continue;
      if (s.fn === 'hll') h.addText(String(v));
      else h.merge(Hll.decode(String(v)));
    }
    return h.encode();
  }
  const u = new UddSketch(s.buckets!, s.alpha!);
  for (const vals of c.members.values()) {
    const v = vals[a.slot];
    if (v === null || v === undefined) continue;
    if (s.fn === 'uddsketch_state') u.add(v as number);
    else u.merge(UddSketch.decode(String(v)));
  }
  return u.encode();
}

function percentile(c: Cell, a: AggregateSpec): number | null {
  const xs: number[] = [];
  for (const vals of c.members.values()) {
    const v = vals[a.slot];
    if (v !== null && v !== undefined) xs.push(v as number);
  }
  return percentileOf(xs, a.fraction ?? 0.5);
}
