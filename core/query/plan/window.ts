// Window functions: partition, order within partition, then ranking / offset / framed aggregates per row.
import { PlanError, StatusCode } from '../../errors.ts';
import type { FunctionCall, WindowFrameBound } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr } from '../expr/eval.ts';
import { groupRows, computeAggregate } from '../aggregate/aggregate.ts';
import { compareValues } from './sort.ts';
import type { Vec } from '../vector.ts';
import { fromValues, getValue, isNull } from '../vector.ts';
import { fnName } from './walk.ts';
import { ANOMALY_FUNCTIONS, anomalyScore } from './window_anomaly.ts';
import { intervalNs, parseInterval } from '../expr/time.ts';
import { intArg, lagDefault, lagLead, ntile, valueInFrame } from './window_value.ts';

export function computeWindow(c: FunctionCall, scope: Scope): Vec {
  const w = c.over!;
  const n = scope.rel.len;
  const name = fnName(c);
  const parts = w.partitionBy.map((e) => evalExpr(e, scope));
  const g = groupRows(parts, n);
  const ord = w.orderBy.map((o) => ({ vec: evalExpr(o.expr, scope), asc: o.asc !== false, nf: o.nullsFirst ?? o.asc === false }));
  const args = c.args.map((a) => (a.type === 'wildcard' ? fromValues('Int64', new Array(n).fill(1)) : evalExpr(a, scope)));
  const cmp = (p: number, q: number): number => {
    for (const o of ord) {
      const np = isNull(o.vec, p), nq = isNull(o.vec, q);
      if (np || nq) { if (np && nq) continue; return np === o.nf ? -1 : 1; }
      const x = compareValues(o.vec.v[p], o.vec.v[q]);
      if (x) return o.asc ? x : -x;
    }
    return 0;
  };
  const members: number[][] = Array.from({ length: g.count }, () => []);
  for (let i = 0; i < n; i++) members[g.ids[i]!]!.push(i);
  const out = new Array<unknown>(n).fill(null);
  let dt = 'Int64';
  for (const rows of members) {
    rows.sort((p, q) => cmp(p, q) || p - q);
    const m = rows.length;
    switch (name) {
      case 'row_number': rows.forEach((r, k) => (out[r] = k + 1)); dt = 'UInt64'; break;
      case 'rank': case 'dense_rank': case 'percent_rank': case 'cume_dist': {
        let rank = 1, dense = 1;
        for (let k = 0; k < m; k++) {
          if (k > 0 && cmp(rows[k - 1]!, rows[k]!) !== 0) { rank = k + 1; dense++; }
          let peersEnd = k;
          while (peersEnd + 1 < m && cmp(rows[k]!, rows[peersEnd + 1]!) === 0) peersEnd++;
          out[rows[k]!] = name === 'rank' ? rank : name === 'dense_rank' ? dense : name === 'percent_rank' ? (m > 1 ? (rank - 1) / (m - 1) : 0) : (peersEnd + 1) / m;
        }
        dt = name === 'rank' || name === 'dense_rank' ? 'UInt64' : 'Float64';
        break;
      }
      case 'ntile': ntile(args, rows, out, c); dt = 'UInt64'; break;
      case 'lag': case 'lead': {
        if (!args[0]) throw new PlanError(`${name} takes 1 to 3 arguments, got 0`, c.pos, StatusCode.InvalidArguments);
        lagLead(args[0], intArg(args[1], 1, 'The offset', c), name === 'lag' ? -1 : 1, lagDefault(args, c), c.nulls === 'ignore', rows, out);
        dt = args[0].dt;
        break;
      }
      default: {
        // framed aggregate (also first_value / last_value / nth_value)
        const x = args[0];
        dt = x?.dt ?? 'Int64';
        const range = rangeKey(w.frame, ord, c);
        if (ANOMALY_FUNCTIONS.has(name)) dt = 'Float64';
        const nth = name === 'nth_value' ? intArg(args[1], NaN, 'The position', c) : 0;
        if (name === 'nth_value' && nth === 0) throw new PlanError('NTH_VALUE expects n to be non-zero', c.pos, StatusCode.InvalidArguments);
        const groups = w.frame?.units === 'GROUPS' ? peerGroups(rows, cmp) : undefined;
        for (let k = 0; k < m; k++) {
          const [a, b] = frameOf(w.frame, k, m, rows, cmp, ord.length > 0, range, groups);
          const frame = rows.slice(a, b + 1);
          if (ANOMALY_FUNCTIONS.has(name)) {
            const vals: number[] = [];
            for (const r of frame) if (!isNull(x!, r)) vals.push(Number(getValue(x!, r)));
            const cur = isNull(x!, rows[k]!) ? null : Number(getValue(x!, rows[k]!));
            out[rows[k]!] = anomalyScore(name, cur, vals, args[1] ? Number(getValue(args[1], rows[k]!)) : 1.5);
            continue;
          }
          if (name === 'first_value' || name === 'last_value' || name === 'nth_value') { out[rows[k]!] = valueInFrame(name, x!, nth, frame, c.nulls === 'ignore'); continue; }
          const sub = frame;
          const subArgs = args.map((v) => fromValues(v.dt, sub.map((i) => getValue(v, i))));
          const res = computeAggregate({ name, call: c, args: subArgs, mask: null, order: [] }, { ids: new Int32Array(sub.length), count: 1, first: new Int32Array(1) });
          out[rows[k]!] = getValue(res, 0);
          dt = res.dt;
        }
      }
    }
  }
  if (!['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value'].includes(name) && !ANOMALY_FUNCTIONS.has(name)) {
    if (!['sum', 'avg', 'mean', 'count', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp', 'var', 'var_pop', 'var_samp', 'median', 'array_agg', 'string_agg', 'bool_and', 'bool_or'].includes(name)) {
      throw new PlanError(`Invalid window function ${name}`, c.pos, StatusCode.PlanQuery);
    }
  }
  return fromValues(dt, out);
}

/**
 * A RANGE frame's reach by value: the one ORDER BY key's values and the offsets of its bounds, in the key's units
 * (nanoseconds for a timestamp key, whose offset is an interval). Undefined for ROWS / GROUPS frames and RANGE frames
 * whose bounds have no offset.
 */
interface RangeKey { key: (row: number) => number | bigint | null; asc: boolean; start?: number | bigint; end?: number | bigint }

function rangeKey(frame: WindowFrameLike | undefined, ord: { vec: Vec; asc: boolean }[], c: FunctionCall): RangeKey | undefined {
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

type WindowFrameLike = { units: string; start: WindowFrameBound; end?: WindowFrameBound };

/** GROUPS frames count peer groups: each row's group number and each group's first and last row. */
interface PeerGroups { of: Int32Array; first: number[]; last: number[] }

function peerGroups(rows: number[], cmp: (p: number, q: number) => number): PeerGroups {
  const of = new Int32Array(rows.length), first: number[] = [], last: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    if (k === 0 || cmp(rows[k - 1]!, rows[k]!) !== 0) { first.push(k); last.push(k); } else last[last.length - 1] = k;
    of[k] = first.length - 1;
  }
  return { of, first, last };
}

function frameOf(frame: WindowFrameLike | undefined, k: number, m: number, rows: number[], cmp: (p: number, q: number) => number, ordered: boolean, range?: RangeKey, groups?: PeerGroups): [number, number] {
  if (!frame) {
    if (!ordered) return [0, m - 1];
    let e = k;
    while (e + 1 < m && cmp(rows[k]!, rows[e + 1]!) === 0) e++;
    return [0, e];
  }
  const peers = (isStart: boolean): number => {
    let e = k;
    if (isStart) { while (e > 0 && cmp(rows[k]!, rows[e - 1]!) === 0) e--; }
    else while (e + 1 < m && cmp(rows[k]!, rows[e + 1]!) === 0) e++;
    return e;
  };
  // RANGE n PRECEDING / FOLLOWING: bounds by the key's value, n before or after the current row's in the sort's
  // direction (keys negated for a descending sort, so 'preceding' always means smaller): a start bound is the first
  // row at or past its limit, an end bound the last row at or before it.
  const byValue = (b: WindowFrameBound, off: number | bigint, isStart: boolean): number => {
    const dir = (v: number | bigint): number | bigint => (range!.asc ? v : -v);
    const c0 = range!.key(rows[k]!);
    if (c0 === null) return peers(isStart);
    const cur = dir(c0);
    const sign = b.kind === 'preceding' ? -1 : 1;
    const limit = typeof cur === 'bigint' ? cur + BigInt(sign) * (off as bigint) : cur + sign * (off as number);
    const at = (j: number): number | bigint | null => { const v = range!.key(rows[j]!); return v === null ? null : dir(v); };
    if (isStart) {
      let j = 0;
      while (j < m) { const v = at(j); if (v !== null && v >= limit) break; j++; }
      return j;
    }
    let j = m - 1;
    while (j >= 0) { const v = at(j); if (v !== null && v <= limit) break; j--; }
    return j;
  };
  const bound = (b: WindowFrameBound, isStart: boolean): number => {
    const off = range ? (isStart ? range.start : range.end) : undefined;
    if (off !== undefined && (b.kind === 'preceding' || b.kind === 'following')) return byValue(b, off, isStart);
    switch (b.kind) {
      case 'unbounded_preceding': return 0;
      case 'unbounded_following': return m - 1;
      case 'current_row': return frame.units === 'ROWS' ? k : peers(isStart);
      case 'preceding': case 'following': {
        const off = (b.kind === 'preceding' ? -1 : 1) * Number(b.offset && b.offset.type === 'number' ? b.offset.value : 0);
        if (!groups) return k + off;
        // n groups away: a start bound is that group's first row, an end bound its last (past the edges: the edge)
        const gi = groups.of[k]! + off, count = groups.first.length;
        if (gi < 0) return isStart ? 0 : -1;
        if (gi >= count) return isStart ? m : m - 1;
        return isStart ? groups.first[gi]! : groups.last[gi]!;
      }
    }
  };
  const a = Math.max(0, bound(frame.start, true));
  const b = Math.min(m - 1, bound(frame.end ?? { kind: 'current_row' }, false));
  return [a, b];
}
