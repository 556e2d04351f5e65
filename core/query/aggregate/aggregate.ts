// Hash grouping (group keys -> dense int ids) and aggregate functions computed into typed arrays per group.
import { StatusCode } from '../../errors.ts';
import type { FunctionCall, OrderByItem } from '../../sql/index.ts';
import { ExecError, valueKey } from '../expr/eval.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Vec } from '../vector.ts';
import { FLOAT_TYPES, INT_TYPES, dictOf, fromValues, getValue, isNull, numVec, setNull } from '../vector.ts';
import { compareValues } from '../plan/sort.ts';
import { digestOf, estimateQuantile, weightedDigestOf } from './tdigest.ts';
import { sketchAggregate } from './sketch.ts';

export interface Groups {
  ids: Int32Array;
  count: number;
  /** First row of each group, to read the group keys back. */
  first: Int32Array;
}

/** Assigns each row a dense group id (in order of first appearance); with no keys every row is group 0 and there is always one group. */
export function groupRows(keys: Vec[], n: number): Groups {
  const ids = new Int32Array(n);
  if (keys.length === 0) return { ids, count: 1, first: new Int32Array(1) };
  if (keys.length === 1) {
    const firsts: number[] = [];
    const card = keyCodes(keys[0]!, n, ids, firsts);
    return { ids, count: card, first: Int32Array.from(firsts) };
  }
  if (keys.some((k) => k.kind === 'any')) return groupByText(keys, n, ids);
  // Each key column coded to dense ints, the codes combined into one number per row, that number
  // mapped to a group id (a lookup table when the code space is small, else a Map).
  const codes: Int32Array[] = [];
  const cards: number[] = [];
  let space = 1;
  for (const k of keys) {
    const c = new Int32Array(n);
    const card = keyCodes(k, n, c, null);
    codes.push(c);
    cards.push(card);
    space *= card;
  }
  if (space > Number.MAX_SAFE_INTEGER) return groupByText(keys, n, ids);
  const combined = new Float64Array(n);
  for (let j = 0; j < codes.length; j++) {
    const c = codes[j]!, card = cards[j]!;
    for (let i = 0; i < n; i++) combined[i] = combined[i]! * card + c[i]!;
  }
  const firsts: number[] = [];
  if (space <= 4 * n + 4096) {
    const table = new Int32Array(space).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = combined[i]!;
      let id = table[key]!;
      if (id < 0) { id = firsts.length; table[key] = id; firsts.push(i); }
      ids[i] = id;
    }
  } else {
    const map = new Map<number, number>();
    let prev = -1, prevId = -1;
    for (let i = 0; i < n; i++) {
      const key = combined[i]!;
      if (key === prev) { ids[i] = prevId; continue; }
      let id = map.get(key);
      if (id === undefined) { id = firsts.length; map.set(key, id); firsts.push(i); }
      ids[i] = id;
      prev = key;
      prevId = id;
    }
  }
  return { ids, count: firsts.length, first: Int32Array.from(firsts) };
}

/**
 * Dense codes of one key column's values (null is a value), in order of first appearance, into
 * `out`; returns how many distinct values. Rows usually arrive in runs of equal keys (scans are
 * ordered by series and time), so a run reuses the previous row's code without a Map lookup.
 */
function keyCodes(k: Vec, n: number, out: Int32Array, firsts: number[] | null): number {
  const d = dictOf(k);
  if (d) return dictKeyCodes(d.codes, d.dict, n, out, firsts);
  const map = new Map<unknown, number>();
  const vals = k.v as ArrayLike<unknown>;
  const valid = k.kind === 'str' || k.kind === 'any' ? null : k.valid;
  const nullable = k.kind === 'str' || k.kind === 'any';
  let prev: unknown = undefined, prevCode = -1;
  for (let i = 0; i < n; i++) {
    let v = valid !== null && valid[i] === 0 ? null : vals[i];
    if (nullable && v === undefined) v = null;
    if (prevCode >= 0 && v === prev) { out[i] = prevCode; continue; }
    let c = map.get(v);
    if (c === undefined) { c = map.size; map.set(v, c); if (firsts) firsts.push(i); }
    out[i] = c;
    prev = v;
    prevCode = c;
  }
  return map.size;
}

/** keyCodes of a dictionary-coded string key: a table from dictionary code to group code, no hashing per row. */
function dictKeyCodes(codes: Int32Array, dict: (string | null)[], n: number, out: Int32Array, firsts: number[] | null): number {
  // Slot dict.length stands for null; equal strings under two codes (a merged dictionary) share one group code.
  const byCode = new Int32Array(dict.length + 1).fill(-1);
  const byValue = new Map<string | null, number>();
  let card = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    const slot = c < 0 ? dict.length : c;
    let g = byCode[slot]!;
    if (g < 0) {
      const value = c < 0 ? null : dict[c] ?? null;
      const seen = byValue.get(value);
      if (seen === undefined) { g = card++; byValue.set(value, g); if (firsts) firsts.push(i); } else g = seen;
      byCode[slot] = g;
    }
    out[i] = g;
  }
  return card;
}

/** Grouping on a text key per row: for key types whose values are objects (lists, intervals). */
function groupByText(keys: Vec[], n: number, ids: Int32Array): Groups {
  const firsts: number[] = [];
  const map = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let s = '';
    for (const k of keys) s += valueKey(isNull(k, i) ? null : k.v[i]) + '\u0001';
    let id = map.get(s);
    if (id === undefined) { id = firsts.length; map.set(s, id); firsts.push(i); }
    ids[i] = id;
  }
  return { ids, count: firsts.length, first: Int32Array.from(firsts) };
}

/** Row indices of each group, in input order (counting sort over ids). */
function rowsByGroup(g: Groups, mask: Uint8Array | null): { start: Int32Array; rows: Int32Array } {
  const n = g.ids.length;
  const start = new Int32Array(g.count + 1);
  for (let i = 0; i < n; i++) if (!mask || mask[i]) start[g.ids[i]! + 1]!++;
  for (let k = 0; k < g.count; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, g.count);
  const rows = new Int32Array(start[g.count]!);
  for (let i = 0; i < n; i++) if (!mask || mask[i]) rows[fill[g.ids[i]!]!++] = i;
  return { start, rows };
}

export interface AggInput {
  name: string;
  call: FunctionCall;
  args: Vec[];
  /** 1 for rows the aggregate sees (FILTER, DISTINCT); null for all. */
  mask: Uint8Array | null;
  /** Vectors of the ORDER BY / WITHIN GROUP keys. */
  order: { vec: Vec; item: OrderByItem }[];
}

function sumType(dt: DType): DType {
  if (INT_TYPES.has(dt)) return dt.startsWith('U') ? 'UInt64' : 'Int64';
  return 'Float64';
}

export function computeAggregate(a: AggInput, g: Groups): Vec {
  const G = g.count;
  const ids = g.ids;
  const n = ids.length;
  const x = a.args[0];
  const m = a.mask;
  const name = a.name;
  if ((name === 'first_value' || name === 'last_value') && a.args.length !== 1) {
    throw new PlanError(`The function '${name}' expected 1 arguments but received ${a.args.length}`, a.call.pos);
  }
  const pos = a.call.pos;
  const numArg = (v: Vec | undefined): Vec => {
    if (!v) throw new PlanError(`${name} expects an argument`, pos);
    if (v.kind === 'num' || v.dt === 'Null') return v;
    if (v.kind === 'bool') return { kind: 'num', dt: 'Int64', v: Float64Array.from(v.v), valid: v.valid };
    throw new PlanError(`Execution error: User-defined coercion failed with Execution("${name} function does not support data type ${v.dt}")`, pos);
  };
  switch (name) {
    case 'count': {
      const out = numVec('Int64', G);
      if (!x || a.call.args[0]?.type === 'wildcard') { for (let i = 0; i < n; i++) if (!m || m[i]) out.v[ids[i]!]!++; }
      else for (let i = 0; i < n; i++) if ((!m || m[i]) && a.args.every((v) => !isNull(v, i))) out.v[ids[i]!]!++;
      return out;
    }
    case 'sum': case 'avg': case 'mean': {
      if (name !== 'sum' && x?.dt === 'Null') throw new ExecError(`Execution error: AvgAccumulator for (Null --> Float64)`, pos);
      const v = numArg(x);
      const dt = name === 'sum' ? (v.dt === 'Null' ? 'Int64' : sumType(v.dt)) : 'Float64';
      const out = numVec(dt, G);
      const cnt = new Float64Array(G);
      if (v.kind === 'num') {
        const vv = v.v, valid = v.valid;
        for (let i = 0; i < n; i++) {
          if ((m && !m[i]) || (valid && !valid[i])) continue;
          out.v[ids[i]!]! += vv[i]!;
          cnt[ids[i]!]!++;
        }
      }
      for (let k = 0; k < G; k++) {
        if (cnt[k] === 0) setNull(out, k);
        else if (name !== 'sum') out.v[k] = out.v[k]! / cnt[k]!;
      }
      return out;
    }
    case 'min': case 'max': {
      if (!x) throw new PlanError(`${name} expects an argument`, pos);
      const want = name === 'min' ? -1 : 1;
      const best = new Int32Array(G).fill(-1);
      if (x.kind === 'num') {
        const vv = x.v, valid = x.valid;
        for (let i = 0; i < n; i++) {
          if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
          const k = ids[i]!, b = best[k]!;
          if (b < 0) { best[k] = i; continue; }
          // NaN is the greatest float (as DataFusion orders them): max takes it, min never keeps it over a number.
          const xi = vv[i]!, xb = vv[b]!;
          if (want < 0 ? xi < xb || (Number.isNaN(xb) && !Number.isNaN(xi)) : xi > xb || (Number.isNaN(xi) && !Number.isNaN(xb))) best[k] = i;
        }
      } else if (x.kind === 'ts') {
        const vv = x.v, valid = x.valid;
        for (let i = 0; i < n; i++) {
          if ((m && !m[i]) || (valid !== null && valid[i] === 0)) continue;
          const k = ids[i]!, b = best[k]!;
          if (b < 0 || (want < 0 ? vv[i]! < vv[b]! : vv[i]! > vv[b]!)) best[k] = i;
        }
      } else {
        for (let i = 0; i < n; i++) {
          if ((m && !m[i]) || isNull(x, i)) continue;
          const k = ids[i]!, b = best[k]!;
          if (b < 0 || compareValues(x.v[i], x.v[b]) * want > 0) best[k] = i;
        }
      }
      return pick(x, best);
    }
    case 'first_value': case 'last_value': case 'first_non_null': case 'last_non_null': {
      if (!x) throw new PlanError(`${name} expects an argument`, pos);
      const last = name.startsWith('last');
      const skipNull = name.endsWith('non_null');
      return pick(x, firstLastRows(a, g, last, skipNull));
    }
    case 'stddev': case 'stddev_samp': case 'stddev_pop': case 'var': case 'variance': case 'var_samp': case 'var_pop': {
      const v = numArg(x);
      const cnt = new Float64Array(G), mean = new Float64Array(G), m2 = new Float64Array(G);
      if (v.kind === 'num') {
        for (let i = 0; i < n; i++) {
          if ((m && !m[i]) || isNull(v, i)) continue;
          const k = ids[i]!;
          cnt[k]!++;
          const d = v.v[i]! - mean[k]!;
          mean[k]! += d / cnt[k]!;
          m2[k]! += d * (v.v[i]! - mean[k]!);
        }
      }
      const pop = name.endsWith('_pop');
      const out = numVec('Float64', G);
      for (let k = 0; k < G; k++) {
        const c = cnt[k]!;
        if (c === 0 || (!pop && c < 2)) { setNull(out, k); continue; }
        const variance = m2[k]! / (pop ? c : c - 1);
        out.v[k] = name.startsWith('std') ? Math.sqrt(variance) : variance;
      }
      return out;
    }
    case 'approx_median': case 'approx_percentile_cont': case 'approx_percentile_cont_with_weight': {
      const weighted = name === 'approx_percentile_cont_with_weight';
      const within = a.call.withinGroup?.length ? a.call.withinGroup : null;
      const src = within ? a.order[0]?.vec : x;
      const wArg = weighted ? (within ? a.args[0] : a.args[1]) : undefined;
      const pArg = name === 'approx_median' ? undefined : weighted ? (within ? a.args[1] : a.args[2]) : (within ? a.args[0] : a.args[1]);
      const v = numArg(src);
      const w = wArg ? numArg(wArg) : null;
      let p = 0.5;
      if (pArg) {
        const pv = pArg.v.length ? getValue(pArg, 0) : 0.5;
        if (typeof pv !== 'number' || pv < 0 || pv > 1) throw new PlanError('Percentile value must be between 0.0 and 1.0 inclusive', pos, StatusCode.InvalidArguments);
        p = pv;
      }
      if (within?.[0]?.asc === false) p = 1 - p;
      const { start, rows } = rowsByGroup(g, m);
      const isInt = INT_TYPES.has(v.dt);
      const out = numVec(isInt ? v.dt : 'Float64', G);
      for (let k = 0; k < G; k++) {
        const vals: number[] = [], ws: number[] = [];
        for (let j = start[k]!; j < start[k + 1]!; j++) {
          const i = rows[j]!;
          if (isNull(v, i) || (w && isNull(w, i))) continue;
          vals.push(v.v[i] as number);
          if (w) ws.push(w.v[i] as number);
        }
        const d = w ? weightedDigestOf(Float64Array.from(vals), Float64Array.from(ws)) : digestOf(Float64Array.from(vals));
        if (!d) { setNull(out, k); continue; }
        const q = estimateQuantile(d, p);
        out.v[k] = isInt ? Math.trunc(q) : q;
      }
      return out;
    }
    case 'median': case 'percentile_cont': {
      let src = x;
      let pArg = a.args[1];
      if (name === 'percentile_cont' && a.call.withinGroup?.length) { src = a.order[0]?.vec; pArg = a.args[0]; }
      const v = numArg(src);
      let p = 0.5;
      if (name !== 'median') {
        const pv = pArg && pArg.v.length ? getValue(pArg, 0) : 0.5;
        if (typeof pv !== 'number' || pv < 0 || pv > 1) throw new PlanError('Percentile value must be between 0.0 and 1.0 inclusive', pos, StatusCode.InvalidArguments);
        p = a.call.withinGroup?.[0]?.asc === false ? 1 - pv : pv;
      }
      const { start, rows } = rowsByGroup(g, m);
      const out = numVec(name === 'median' && INT_TYPES.has(v.dt) ? v.dt : 'Float64', G);
      for (let k = 0; k < G; k++) {
        const vals: number[] = [];
        for (let j = start[k]!; j < start[k + 1]!; j++) { const i = rows[j]!; if (!isNull(v, i)) vals.push(v.v[i] as number); }
        if (!vals.length) { setNull(out, k); continue; }
        vals.sort((p1, q1) => p1 - q1);
        if (name === 'median') {
          const h = vals.length >> 1;
          out.v[k] = vals.length % 2 ? vals[h]! : INT_TYPES.has(v.dt) ? Math.trunc((vals[h - 1]! + vals[h]!) / 2) : (vals[h - 1]! + vals[h]!) / 2;
        } else {
          const pos2 = p * (vals.length - 1);
          const lo = Math.floor(pos2), hi = Math.ceil(pos2);
          out.v[k] = vals[lo]! + (vals[hi]! - vals[lo]!) * (pos2 - lo);
        }
      }
      return out;
    }
    case 'approx_distinct': case 'count_distinct': {
      if (!x) throw new PlanError(`${name} expects an argument`, pos);
      const sets = Array.from({ length: G }, () => new Set<unknown>());
      for (let i = 0; i < n; i++) if ((!m || m[i]) && !isNull(x, i)) sets[ids[i]!]!.add(x.v[i]);
      const out = numVec('UInt64', G);
      for (let k = 0; k < G; k++) out.v[k] = sets[k]!.size;
      return out;
    }
    case 'array_agg': case 'string_agg': {
      if (!x) throw new PlanError(`${name} expects an argument`, pos);
      const { start, rows } = rowsByGroup(g, m);
      const vals = new Array(G).fill(null);
      for (let k = 0; k < G; k++) {
        const r = Array.from(rows.subarray(start[k]!, start[k + 1]!));
        if (a.order.length) r.sort((p1, q1) => orderCmp(a.order, p1, q1));
        if (name === 'array_agg') { vals[k] = r.length ? r.map((i) => getValue(x, i)) : null; continue; }
        const items = r.filter((i) => !isNull(x, i)).map((i) => String(getValue(x, i)));
        const sepV = a.args[1] ? getValue(a.args[1], r[0] ?? 0) : null;
        vals[k] = items.length ? items.join(sepV === null ? '' : String(sepV)) : null;
      }
      return name === 'array_agg' ? { kind: 'any', dt: 'List', v: vals } : fromValues('String', vals);
    }
    case 'bool_and': case 'bool_or': {
      if (!x) throw new PlanError(`${name} expects an argument`, pos);
      const vals: (boolean | null)[] = new Array(G).fill(null);
      for (let i = 0; i < n; i++) {
        if ((m && !m[i]) || isNull(x, i)) continue;
        const b = Boolean(getValue(x, i)), k = ids[i]!;
        vals[k] = vals[k] === null ? b : name === 'bool_and' ? vals[k]! && b : vals[k]! || b;
      }
      return fromValues('Boolean', vals);
    }
    case 'bit_and': case 'bit_or': case 'bit_xor': {
      const v = numArg(x);
      const vals: (bigint | null)[] = new Array(G).fill(null);
      for (let i = 0; i < n; i++) {
        if ((m && !m[i]) || isNull(v, i)) continue;
        const b = BigInt(v.v[i] as number), k = ids[i]!;
        const c = vals[k];
        vals[k] = c === null ? b : name === 'bit_and' ? c & b : name === 'bit_or' ? c | b : c ^ b;
      }
      return fromValues(v.dt === 'Null' ? 'Int64' : v.dt, vals.map((b) => (b === null ? null : Number(b))));
    }
    case 'corr': case 'covar': case 'covar_samp': case 'covar_pop': case 'regr_slope': case 'regr_intercept': case 'regr_count': case 'regr_r2':
    case 'regr_avgx': case 'regr_avgy': case 'regr_sxx': case 'regr_syy': case 'regr_sxy': {
      const yv = numArg(a.args[0]), xv = numArg(a.args[1]);
      const { start, rows } = rowsByGroup(g, m);
      const out = numVec(name === 'regr_count' ? 'UInt64' : 'Float64', G);
      for (let k = 0; k < G; k++) {
        let c = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (let j = start[k]!; j < start[k + 1]!; j++) {
          const i = rows[j]!;
          if (isNull(yv, i) || isNull(xv, i)) continue;
          const Y = yv.v[i] as number, X = xv.v[i] as number;
          c++; sx += X; sy += Y; sxx += X * X; syy += Y * Y; sxy += X * Y;
        }
        const Sxx = sxx - (sx * sx) / c, Syy = syy - (sy * sy) / c, Sxy = sxy - (sx * sy) / c;
        let r: number | null;
        switch (name) {
          case 'corr': r = c < 2 || Sxx === 0 || Syy === 0 ? null : Sxy / Math.sqrt(Sxx * Syy); break;
          case 'covar': case 'covar_samp': r = c < 2 ? null : Sxy / (c - 1); break;
          case 'covar_pop': r = c < 1 ? null : Sxy / c; break;
          case 'regr_slope': r = c < 2 || Sxx === 0 ? null : Sxy / Sxx; break;
          case 'regr_intercept': r = c < 2 || Sxx === 0 ? null : sy / c - (Sxy / Sxx) * (sx / c); break;
          case 'regr_count': r = c; break;
          case 'regr_r2': r = c < 2 || Sxx === 0 ? null : Syy === 0 ? 1 : (Sxy * Sxy) / (Sxx * Syy); break;
          case 'regr_avgx': r = c ? sx / c : null; break;
          case 'regr_avgy': r = c ? sy / c : null; break;
          case 'regr_sxx': r = c ? Sxx : null; break;
          case 'regr_syy': r = c ? Syy : null; break;
          default: r = c ? Sxy : null;
        }
        if (r === null || Number.isNaN(r)) setNull(out, k);
        else out.v[k] = r;
      }
      return out;
    }
    case 'grouping': return numVec('Int32', G);
    case 'hll': case 'hll_merge': case 'uddsketch_state': case 'uddsketch_merge': return sketchAggregate(name, a.args, ids, G, m, pos);
  }
  throw new ExecError(`Unsupported aggregate function ${name}`, pos, StatusCode.Unsupported);
}

/** Rows of the per-group row sets that first_value/last_value-style aggregates pick, cached per grouping for unfiltered calls. */
const pickCache = new WeakMap<Groups, Map<Vec, Map<string, Int32Array>>>();

/**
 * The row of each group that sorts first (or last) by the aggregate's ORDER BY, ties broken by
 * input order: one pass keeping the best row, which is what a stable sort of each group's rows
 * would put first (last). Calls over the same grouping and ORDER BY share the answer.
 */
function firstLastRows(a: AggInput, g: Groups, last: boolean, skipNull: boolean): Int32Array {
  const x = a.args[0]!, m = a.mask, ids = g.ids, n = ids.length;
  const o = a.order.length === 1 ? a.order[0]! : null;
  const cacheKey = o && !m && !skipNull ? `${last}|${o.item.asc !== false}|${o.item.nullsFirst ?? ''}` : null;
  if (cacheKey) {
    const hit = pickCache.get(g)?.get(o!.vec)?.get(cacheKey);
    if (hit) return hit;
  }
  const best = new Int32Array(g.count).fill(-1);
  const order = a.order;
  const ov = o && o.vec.kind === 'ts' && o.vec.valid === null ? o.vec.v : null;
  const asc = o?.item.asc !== false;
  for (let i = 0; i < n; i++) {
    if ((m && !m[i]) || (skipNull && isNull(x, i))) continue;
    const k = ids[i]!, b = best[k]!;
    if (b < 0) { best[k] = i; continue; }
    let c: number;
    if (!order.length) c = i - b;
    else if (ov) c = ov[i]! === ov[b]! ? i - b : (ov[i]! > ov[b]!) === asc ? 1 : -1;
    else c = orderCmp(order, i, b);
    if (last ? c > 0 : c < 0) best[k] = i;
  }
  if (cacheKey) {
    let byVec = pickCache.get(g);
    if (!byVec) pickCache.set(g, (byVec = new Map()));
    let byKey = byVec.get(o!.vec);
    if (!byKey) byVec.set(o!.vec, (byKey = new Map()));
    byKey.set(cacheKey, best);
  }
  return best;
}

function orderCmp(order: { vec: Vec; item: OrderByItem }[], p: number, q: number): number {
  for (const { vec, item } of order) {
    const asc = item.asc !== false;
    const nf = item.nullsFirst ?? !asc;
    const np = isNull(vec, p), nq = isNull(vec, q);
    if (np || nq) {
      if (np && nq) continue;
      return (np ? -1 : 1) * (nf ? 1 : -1);
    }
    const c = compareValues(vec.v[p], vec.v[q]);
    if (c) return asc ? c : -c;
  }
  return p - q;
}

/** The rows `best` names (or null), as a vector of x's type. */
function pick(x: Vec, best: Int32Array): Vec {
  const vals = new Array(best.length);
  for (let k = 0; k < best.length; k++) vals[k] = best[k]! < 0 ? null : getValue(x, best[k]!);
  if (x.kind === 'ts') {
    const out = fromValues(x.dt, vals);
    return out;
  }
  return fromValues(x.dt, vals);
}

export { FLOAT_TYPES };
