// Partial aggregation pushed into regions: each region of a partitioned table groups and aggregates its own rows,
// the frontend merges the partial results (sums of counts, sums of sums, min of mins, ...) instead of pulling rows.
import { EddyError, PlanError } from '../../errors.ts';
import type { Expr, FunctionCall, OrderByItem, Select } from '../../sql/index.ts';
import { formatExpr, formatIdent } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr } from '../expr/eval.ts';
import { computeAggregate, groupRows } from '../aggregate/aggregate.ts';
import { exprName, relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { findField } from './rel.ts';
import { batchesToRel } from './scan.ts';
import { effectiveTtl, physicalOf } from '../statements/metric.ts';
import type { QState } from './state.ts';
import { traceOp } from './state.ts';
import type { ProjItem } from './group.ts';
import { aggregateCalls, aliasesOf, applyHaving, expandProjection, resolveGroupBy } from './group.ts';
import { hasUnnest } from './unnest.ts';
import type { Vec } from '../vector.ts';
import { INT_TYPES, exactInts, int64Vec, isNull, numVec, setNull, take } from '../vector.ts';
import { findSubqueries, findWindows, fnName } from './walk.ts';
import { groupingSets } from './grouping_sets.ts';

/**
 * Aggregates whose partial results merge exactly: count and sum add up, min and max compose, avg is sum over count,
 * and first_value / last_value ordered by the time index keep each region's pick with its time, the merge picking again.
 */
const MERGEABLE = new Set(['count', 'sum', 'min', 'max', 'avg', 'mean']);
const PICKS = new Set(['first_value', 'last_value']);

/** A region's partial result: the executor's columns, typed arrays as base64 so NaN, infinities and int64 survive. */
export interface WireRel {
  fields: { name: string; dt: string }[];
  cols: WireCol[];
  len: number;
}
type WireCol =
  | { kind: 'num' | 'ts' | 'bool'; dt: string; unit?: string; v: string; valid: string | null; big?: string }
  | { kind: 'str'; dt: string; v: (string | null)[] }
  | { kind: 'any'; dt: string; json: string };

const b64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64<T>(s: string, make: (buf: ArrayBuffer) => T): T {
  const b = Buffer.from(s, 'base64');
  return make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

export function relToWire(rel: Rel): WireRel {
  const cols = rel.cols.map((c): WireCol => {
    switch (c.kind) {
      // an int64 column beyond 2^53 also sends its exact words: the doubles alone would round it
      case 'num': return { kind: 'num', dt: c.dt, v: b64(c.v), valid: c.valid ? b64(c.valid) : null, ...(c.big ? { big: b64(c.big) } : {}) };
      case 'bool': return { kind: c.kind, dt: c.dt, v: b64(c.v), valid: c.valid ? b64(c.valid) : null };
      case 'ts': return { kind: 'ts', dt: c.dt, unit: c.unit, v: b64(c.v), valid: c.valid ? b64(c.valid) : null };
      case 'str': return { kind: 'str', dt: c.dt, v: c.v };
      default: return { kind: 'any', dt: c.dt, json: JSON.stringify(c.v, (_k, x: unknown) => (typeof x === 'bigint' ? { $bigint: String(x) } : x)) };
    }
  });
  return { fields: rel.fields.map((f) => ({ name: f.name, dt: f.dt })), cols, len: rel.len };
}

export function relFromWire(w: WireRel): Rel {
  const cols = w.cols.map((c): Vec => {
    switch (c.kind) {
      case 'num': {
        const valid = c.valid ? fromB64(c.valid, (b) => new Uint8Array(b)) : null;
        if (c.big) return int64Vec(c.dt, fromB64(c.big, (b) => (c.dt === 'UInt64' ? new BigUint64Array(b) : new BigInt64Array(b))), valid);
        return { kind: 'num', dt: c.dt, v: fromB64(c.v, (b) => new Float64Array(b)), valid };
      }
      case 'bool': return { kind: 'bool', dt: 'Boolean', v: fromB64(c.v, (b) => new Uint8Array(b)), valid: c.valid ? fromB64(c.valid, (b) => new Uint8Array(b)) : null };
      case 'ts': return { kind: 'ts', dt: c.dt, unit: c.unit as 's', v: fromB64(c.v, (b) => new BigInt64Array(b)), valid: c.valid ? fromB64(c.valid, (b) => new Uint8Array(b)) : null };
      case 'str': return { kind: 'str', dt: c.dt, v: c.v };
      default: return { kind: 'any', dt: c.dt, v: JSON.parse(c.json, (_k, x: unknown) => (x && typeof x === 'object' && '$bigint' in x ? BigInt((x as { $bigint: string }).$bigint) : x)) as unknown[] };
    }
  });
  return { fields: w.fields.map((f) => ({ name: f.name, dt: f.dt })), cols, len: w.len };
}

/** Why a region declined a partial aggregate (its answer would not fit a message): the frontend then scans instead. */
export const PARTIAL_TOO_LARGE = 'partial aggregate result too large';

interface Pushed { scope: Scope; items: ProjItem[]; aliasMap: Map<string, Expr> }

/**
 * GROUP BY / aggregates over one partitioned table, when every aggregate merges exactly and nothing needs rows at the
 * frontend: the regions run `SELECT keys, partial aggregates FROM t WHERE ... GROUP BY keys` and this merges their
 * groups into the scope the rest of the SELECT (HAVING, projection, ORDER BY, LIMIT) runs on. Null: run as usual.
 */
export async function tryPartialAggregate(sel: Select, orderBy: OrderByItem[], st: QState): Promise<Pushed | null> {
  const qctx = st.env.qctx;
  if (!qctx.partialAggregate || sel.from.length !== 1 || sel.align || sel.distinctOn) return null;
  const t = sel.from[0]!;
  if (t.type !== 'table') return null;
  const path = t.name.map((p) => p.value);
  if (path.length > 2 || (path.length === 1 && st.ctes.has(path[0]!))) return null;
  const name = path[path.length - 1]!;
  const db = path.length === 2 ? path[0]! : qctx.db;
  if (db.toLowerCase() === 'information_schema') return null;
  const schema = await qctx.getTable(db, name);
  if (!schema || schema.regions < 2 || physicalOf(schema) !== undefined) return null;
  // The regions apply the table's own TTL; a database TTL or an instant one is the frontend's to apply.
  const ttl = await effectiveTtl(schema, qctx);
  if (ttl.instant || ttl.ms !== schema.options.ttlMs) return null;
  const alias = t.alias?.name.value;
  if (t.alias?.columns?.length) return null;
  const base = batchesToRel([], schema, alias ?? name);
  const rel0: Rel = alias ? base : { ...base, fields: base.fields.map((f) => ({ ...f, schema: db })) };
  const namer = relNamer(rel0);
  const items = expandProjection(sel, rel0);
  const exprs = [sel.where, sel.having, ...items.map((i) => i.expr), ...orderBy.map((o) => o.expr)];
  if (hasUnnest(items.map((i) => i.expr)) || exprs.some((e) => findSubqueries(e).length || findWindows(e).length)) return null;
  const groupExprs = resolveGroupBy(sel, items, rel0);
  const calls = aggregateCalls(sel, items, orderBy);
  if (!calls.length && !groupExprs.length) return null;
  // ROLLUP / CUBE / GROUPING SETS are aggregated here, over the regions' rows
  if (groupingSets(groupExprs)) return null;
  const unique = new Map<string, FunctionCall>();
  const isIntArg = (e: Expr): boolean => {
    try { return e.type !== 'wildcard' && INT_TYPES.has(evalExpr(e, { rel: rel0, env: st.env, namer }).dt); } catch { return false; }
  };
  const byTime = (c: FunctionCall): boolean => {
    const o = c.orderBy;
    // Ordered by the time index alone (never null), so each region's pick carries a comparable key.
    return o?.length === 1 && o[0]!.nullsFirst === undefined && o[0]!.expr.type === 'column' && findField(rel0, o[0]!.expr.path) === rel0.fields.findIndex((f) => f.name === schema.timeIndex);
  };
  for (const c of calls) {
    const fn = fnName(c);
    const pick = PICKS.has(fn) && byTime(c);
    if (!(MERGEABLE.has(fn) || pick) || c.distinct || c.filter || (c.orderBy?.length && !pick) || c.withinGroup?.length || c.over || c.args.length !== 1) return null;
    unique.set(exprName(c, namer), c);
  }

  // The regions' query: keys, then per aggregate its partial columns (avg: a sum and a count).
  const select: string[] = groupExprs.map((g, i) => `${formatExpr(g)} AS "__k${i}"`);
  const parts: { key: string; call: FunctionCall; cols: number[] }[] = [];
  for (const [key, c] of unique) {
    const fn = fnName(c);
    const arg = c.args[0]!.type === 'wildcard' ? '*' : formatExpr(c.args[0]!);
    const at = select.length;
    if ((fn === 'avg' || fn === 'mean') && isIntArg(c.args[0]!)) {
      // The exact sum may overflow 64 bits: the wrapped sum (exact modulo 2^64) and a double sum (close enough
      // to count the wraps) give it back at the merge. Not CAST(x AS DOUBLE): a cast is named after its operand,
      // so sum(CAST(x AS DOUBLE)) would be taken for sum(x).
      select.push(`sum(${arg}) AS "__p${at}"`, `count(${arg}) AS "__p${at + 1}"`, `sum((${arg}) * 1.0) AS "__p${at + 2}"`);
      parts.push({ key, call: c, cols: [at, at + 1, at + 2] });
    } else if (fn === 'avg' || fn === 'mean') {
      select.push(`sum(${arg}) AS "__p${at}"`, `count(${arg}) AS "__p${at + 1}"`);
      parts.push({ key, call: c, cols: [at, at + 1] });
    } else if (PICKS.has(fn)) {
      // The region's pick and the time it was picked at: the latest for last_value ascending, and so on.
      const o = c.orderBy![0]!;
      const latest = (o.asc !== false) === (fn === 'last_value');
      select.push(`${formatExpr(c)} AS "__p${at}"`, `${latest ? 'max' : 'min'}(${formatExpr(o.expr)}) AS "__p${at + 1}"`);
      parts.push({ key, call: c, cols: [at, at + 1] });
    } else {
      select.push(`${fn}(${arg}) AS "__p${at}"`);
      parts.push({ key, call: c, cols: [at] });
    }
  }
  const from = `${t.name.map(formatIdent).join('.')}${t.alias ? ` AS ${formatIdent(t.alias.name)}` : ''}`;
  const sql = `SELECT ${select.join(', ')} FROM ${from}${sel.where ? ` WHERE ${formatExpr(sel.where)}` : ''}${groupExprs.length ? ` GROUP BY ${groupExprs.map(formatExpr).join(', ')}` : ''}`;

  const t0 = st.env.trace ? performance.now() : 0;
  let wires: WireRel[];
  try {
    wires = await qctx.partialAggregate(schema, sql);
  } catch (e) {
    if (e instanceof EddyError && e.message.includes(PARTIAL_TOO_LARGE)) return null;
    throw e;
  }
  const merged = concatRels(wires.map(relFromWire), select.length);
  const keys = merged.cols.slice(0, groupExprs.length);
  const groups = groupRows(keys, merged.len);
  const fields: Field[] = [];
  const cols: Vec[] = [];
  const exprMap = new Map<string, number>();
  groupExprs.forEach((g, i) => {
    const v = take(keys[i]!, groups.first);
    fields.push(g.type === 'column' ? { ...rel0.fields[findField(rel0, g.path)]! } : { name: exprName(g, namer), dt: v.dt });
    exprMap.set(exprName(g, namer), cols.length);
    cols.push(v);
  });
  const sumOf = (c: FunctionCall, col: number): Vec => computeAggregate({ name: 'sum', call: c, args: [merged.cols[col]!], mask: null, order: [] }, groups);
  for (const p of parts) {
    const fn = fnName(p.call);
    let v: Vec;
    if ((fn === 'avg' || fn === 'mean') && p.cols.length === 3) {
      v = exactAvg(sumOf(p.call, p.cols[0]!), sumOf(p.call, p.cols[1]!), sumOf(p.call, p.cols[2]!), groups.count);
    } else if (fn === 'avg' || fn === 'mean') {
      const s = sumOf(p.call, p.cols[0]!), n = sumOf(p.call, p.cols[1]!);
      const out = numVec('Float64', groups.count);
      for (let k = 0; k < groups.count; k++) {
        const cnt = n.v[k] as number;
        if (!cnt || (s.kind === 'num' && s.valid !== null && s.valid[k] === 0)) setNull(out, k);
        else out.v[k] = Number(s.v[k]) / cnt;
      }
      v = out;
    } else if (PICKS.has(fn)) {
      const item = p.call.orderBy![0]!;
      // A region without rows of the group answers a null time (a global aggregate over nothing): it has no pick.
      const key = merged.cols[p.cols[1]!]!;
      const mask = Uint8Array.from({ length: merged.len }, (_, i) => (isNull(key, i) ? 0 : 1));
      v = computeAggregate({ name: fn, call: p.call, args: [merged.cols[p.cols[0]!]!], mask, order: [{ vec: key, item }] }, groups);
    } else {
      v = computeAggregate({ name: fn === 'count' ? 'sum' : fn, call: p.call, args: [merged.cols[p.cols[0]!]!], mask: null, order: [] }, groups);
    }
    exprMap.set(p.key, cols.length);
    fields.push({ name: p.key, dt: v.dt });
    cols.push(v);
  }
  traceOp(st.env, 'PartialAggregate', () => `regions=${schema.regions} partial=[${sql}]`, groups.count, t0);
  const aliasMap = aliasesOf(items);
  const scope = applyHaving(sel, { rel: { fields, cols, len: groups.count }, env: st.env, exprMap, namer }, aliasMap);
  return { scope, items, aliasMap };
}

/** The regions' partial results as one relation (columns of the same kind appended). */
function concatRels(rels: Rel[], width: number): Rel {
  for (const r of rels) if (r.cols.length !== width) throw new PlanError(`a region answered a partial aggregate with ${r.cols.length} columns, not ${width}`);
  const len = rels.reduce((a, r) => a + r.len, 0);
  if (rels.length === 1) return rels[0]!;
  const cols = Array.from({ length: width }, (_, j) => appendVecs(rels.map((r) => r.cols[j]!), len));
  return { fields: rels[0]?.fields ?? [], cols, len };
}

function appendVecs(parts: Vec[], n: number): Vec {
  const first = parts[0]!;
  if (first.kind === 'num' && parts.some((p) => p.kind === 'num' && p.big)) return appendExact(parts, n);
  if (first.kind === 'num' || first.kind === 'ts' || first.kind === 'bool') {
    const out = new (first.v.constructor as { new (n: number): Float64Array })(n);
    let valid: Uint8Array | null = null;
    let at = 0;
    for (const p of parts) {
      if (p.kind !== first.kind) throw new PlanError(`regions disagree on the type of a partial aggregate column (${first.dt} / ${p.dt})`);
      out.set(p.v as Float64Array, at);
      const pv = p.valid;
      if (pv) (valid ??= new Uint8Array(n).fill(1)).set(pv, at);
      at += p.v.length;
    }
    return { ...first, v: out, valid } as Vec;
  }
  const v: unknown[] = [];
  for (const p of parts) for (const x of p.v as unknown[]) v.push(x);
  return { ...first, v } as Vec;
}

/** Int64/UInt64 partial columns of which some hold values beyond 2^53: appended as exact words. */
function appendExact(parts: Vec[], n: number): Vec {
  const dt = parts[0]!.dt;
  const out = dt === 'UInt64' ? new BigUint64Array(n) : new BigInt64Array(n);
  let valid: Uint8Array | null = null;
  let at = 0;
  for (const p of parts) {
    if (p.kind !== 'num') throw new PlanError(`regions disagree on the type of a partial aggregate column (${dt} / ${p.dt})`);
    (out as BigInt64Array).set(exactInts(p, dt === 'UInt64') as BigInt64Array, at);
    if (p.valid) (valid ??= new Uint8Array(n).fill(1)).set(p.valid, at);
    at += p.v.length;
  }
  return int64Vec(dt, out, valid);
}

const TWO32 = 4294967296;

/**
 * avg of an integer column from its merged partials: `wrapped` the 64-bit sum modulo 2^64, `approx` the double sum.
 * The exact sum is wrapped + k * 2^64 for the k that brings it nearest approx; as the pulled avg does, it is rounded
 * once (high word * 2^32 + low word) and divided by the count.
 */
function exactAvg(wrapped: Vec, count: Vec, approx: Vec, G: number): Vec {
  const out = numVec('Float64', G);
  if (wrapped.kind !== 'num' || count.kind !== 'num' || approx.kind !== 'num') { for (let k = 0; k < G; k++) setNull(out, k); return out; }
  const unsigned = wrapped.dt === 'UInt64';
  const ex = exactInts(wrapped, unsigned);
  const lo = new Uint32Array(ex.buffer, ex.byteOffset, G * 2);
  const hi = unsigned ? lo : new Int32Array(ex.buffer, ex.byteOffset, G * 2);
  for (let k = 0; k < G; k++) {
    const cnt = count.v[k]!;
    if (!cnt || isNull(wrapped, k)) { setNull(out, k); continue; }
    const h = hi[2 * k + 1]!, l = lo[2 * k]!;
    const wraps = Math.round((approx.v[k]! - (h * TWO32 + l)) / (TWO32 * TWO32));
    out.v[k] = ((wraps * TWO32 + h) * TWO32 + l) / cnt;
  }
  return out;
}
