// GreptimeDB range queries: agg(x) RANGE '5m' [FILL f] ... ALIGN '1m' [TO origin] [BY (keys)] [FILL f].
// Slot t (origin + k * align) aggregates the rows with t <= ts < t + range, per BY group.
import { PlanError, StatusCode } from '../../errors.ts';
import type { Expr, FunctionCall, OrderByItem, Select } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr, valueKey } from '../expr/eval.ts';
import { computeAggregate, groupRows, type Groups } from '../aggregate/aggregate.ts';
import { exprName, relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { findField } from './rel.ts';
import type { QState } from './state.ts';
import type { ProjItem } from './group.ts';
import { finishSelect } from './finish.ts';
import type { TsVec, Vec } from '../vector.ts';
import { INT_TYPES, fromValues, exactValue, getValue, isNull, take } from '../vector.ts';
import { floorDiv, parseTimestampNs } from '../expr/time.ts';
import { intervalNs, tryParseInterval } from '../../duration.ts';
import { findAggregates, findRanges, fnName } from './walk.ts';

type RangeNode = Extract<Expr, { type: 'range' }>;

function durationNs(e: Expr, s: Scope, what: string): bigint {
  if (e.type === 'string') {
    // The message is GreptimeDB's (golden range.sql); the SQL position already points at the literal.
    const iv = tryParseInterval(e.value);
    if (!iv) throw new PlanError(`Invalid ${what} duration '${e.value}'`, e.pos, StatusCode.InvalidArguments);
    return intervalNs(iv);
  }
  const v = evalExpr(e, s);
  const x = getValue(v, 0);
  if (x && typeof x === 'object') {
    const iv = x as { months: number };
    if (iv.months) throw new PlanError(`Year or month interval is not allowed in range query: ${exprName(e, relNamer(undefined))}`, e.pos);
    return intervalNs(x as never);
  }
  if (typeof x === 'string') { const iv = tryParseInterval(x); if (iv) return intervalNs(iv); }
  if (typeof x === 'number') return BigInt(x) * 1_000_000n;
  throw new PlanError(`Invalid ${what} duration`, e.pos, StatusCode.InvalidArguments);
}

export async function runRangeSelect(sel: Select, rel: Rel, items: ProjItem[], orderBy: OrderByItem[], limit: number | undefined, offset: number, st: QState): Promise<Rel> {
  const align = sel.align!;
  const namer = relNamer(rel);
  const scope: Scope = { rel, env: st.env, namer };
  // the time index: the FROM table's, else the first timestamp column
  let tsIdx = -1;
  const from = sel.from[0];
  if (from?.type === 'table') {
    const path = from.name.map((p) => p.value);
    const schema = await st.env.qctx.getTable(path.length > 1 ? path[path.length - 2]! : st.env.qctx.db, path[path.length - 1]!);
    if (schema) tsIdx = rel.fields.findIndex((f) => f.name === schema.timeIndex);
    if (schema && !align.by) (scope as { tags?: string[] }).tags = schema.primaryKey;
  }
  if (tsIdx < 0) tsIdx = rel.cols.findIndex((c) => c.kind === 'ts');
  if (tsIdx < 0) throw new PlanError('Range query needs a time index column', sel.pos);
  const ts = rel.cols[tsIdx] as TsVec;
  const tsField = rel.fields[tsIdx]!;
  const alignNs = durationNs(align.align, scope, 'ALIGN');
  if (alignNs <= 0n) throw new PlanError('ALIGN must be positive', align.pos, StatusCode.InvalidArguments);
  let origin = 0n;
  if (align.to) {
    const t = align.to;
    const word = t.type === 'column' ? t.path[0]!.value.toLowerCase() : t.type === 'string' ? t.value : '';
    if (word === 'now') origin = st.env.nowNs;
    else if (word === 'calendar' || word === '') origin = 0n;
    else {
      const ns = parseTimestampNs(word);
      if (ns === null) {
        const v = evalExpr(t, scope);
        const x = getValue(v, 0);
        if (typeof x === 'bigint') origin = x;
        else throw new PlanError(`Illegal argument \`${word}\` in range select query`, t.pos, StatusCode.InvalidArguments);
      } else origin = ns;
    }
  }
  // BY keys: explicit, else the table's tags
  const tags = (scope as { tags?: string[] }).tags ?? [];
  const byExprs: Expr[] = align.by ?? tags.map((t) => ({ type: 'column', path: [{ value: t, quote: '"', pos: sel.pos }], pos: sel.pos }) as Expr);
  const byVecs = byExprs.map((e) => evalExpr(e, scope));
  const groups = groupRows(byVecs, rel.len);
  const ranges: RangeNode[] = [...items.flatMap((p) => findRanges(p.expr)), ...orderBy.flatMap((o) => findRanges(o.expr))];
  if (!ranges.length) throw new PlanError('Range query needs at least one RANGE expression', sel.pos);
  for (const it of items) checkNoBareAggregate(it.expr);
  // register every (group, slot) any range covers
  const slotOf = new Map<string, number>();
  const slotGroup: number[] = [], slotK: bigint[] = [];
  const expansions = ranges.map((r) => {
    const rangeNs = durationNs(r.range, scope, 'RANGE');
    if (rangeNs <= 0n) throw new PlanError('RANGE must be positive', r.pos, StatusCode.InvalidArguments);
    const rows: number[] = [], outs: number[] = [];
    for (let i = 0; i < rel.len; i++) {
      if (isNull(ts, i)) continue;
      const t = ts.v[i]! - origin;
      const kHi = floorDiv(t, alignNs);
      const kLo = floorDiv(t - rangeNs, alignNs) + 1n;
      for (let k = kLo; k <= kHi; k++) {
        const key = `${groups.ids[i]}:${k}`;
        let o = slotOf.get(key);
        if (o === undefined) { o = slotGroup.length; slotOf.set(key, o); slotGroup.push(groups.ids[i]!); slotK.push(k); }
        rows.push(i); outs.push(o);
      }
    }
    return { rows, outs };
  });
  // fill: add missing slots between each group's first and last slot
  const fills = ranges.map((r) => (r.fill ?? align.fill)?.toUpperCase());
  if (fills.some((f) => f !== undefined)) {
    const lo = new Map<number, bigint>(), hi = new Map<number, bigint>();
    for (let o = 0; o < slotGroup.length; o++) {
      const g = slotGroup[o]!, k = slotK[o]!;
      if (!lo.has(g) || k < lo.get(g)!) lo.set(g, k);
      if (!hi.has(g) || k > hi.get(g)!) hi.set(g, k);
    }
    for (const [g, a] of lo) for (let k = a; k <= hi.get(g)!; k++) {
      const key = `${g}:${k}`;
      if (!slotOf.has(key)) { slotOf.set(key, slotGroup.length); slotGroup.push(g); slotK.push(k); }
    }
  }
  const nSlots = slotGroup.length;
  // order the output by group, then time
  const order = Array.from({ length: nSlots }, (_, i) => i).sort((a, b) => slotGroup[a]! - slotGroup[b]! || (slotK[a]! < slotK[b]! ? -1 : slotK[a]! > slotK[b]! ? 1 : 0));
  const pos = new Int32Array(nSlots);
  order.forEach((o, i) => (pos[o] = i));
  const fields: Field[] = [];
  const cols: Vec[] = [];
  const exprMap = new Map<string, number>();
  const tsOut = fromValues(tsField.dt, order.map((o) => origin + slotK[o]! * alignNs));
  fields.push({ ...tsField });
  exprMap.set(exprName({ type: 'column', path: [{ value: tsField.name, pos: sel.pos }], pos: sel.pos }, namer), cols.length);
  cols.push(tsOut);
  const firstRow = order.map((o) => groups.first[slotGroup[o]!]!);
  byExprs.forEach((e, j) => {
    const v = take(byVecs[j]!, firstRow);
    if (e.type === 'column') fields.push({ ...rel.fields[findField(rel, e.path)]! });
    else fields.push({ name: exprName(e, namer), dt: v.dt });
    exprMap.set(exprName(e, namer), cols.length);
    cols.push(v);
  });
  const slotGroups: Groups = { ids: new Int32Array(0), count: nSlots, first: new Int32Array(nSlots) };
  ranges.forEach((r, j) => {
    const name = rangeName(r, namer, align.fill);
    if (exprMap.has(name)) return;
    const { rows, outs } = expansions[j]!;
    const sub: Rel = { fields: rel.fields, cols: rel.cols.map((c) => take(c, rows)), len: rows.length };
    const subScope: Scope = { rel: sub, env: st.env, namer };
    const calls = findAggregates(r.expr);
    if (!calls.length) throw new PlanError(`RANGE must be applied to an aggregate, got ${exprName(r.expr, namer)}`, r.pos);
    const ids = Int32Array.from(outs.map((o) => pos[o]!));
    const g: Groups = { ...slotGroups, ids };
    const aggFields: Field[] = [], aggCols: Vec[] = [];
    const aggMap = new Map<string, number>();
    for (const c of calls) {
      const key = exprName(c, namer);
      if (aggMap.has(key)) continue;
      aggMap.set(key, aggCols.length);
      aggCols.push(aggregateCall(c, subScope, g));
      aggFields.push({ name: key, dt: aggCols[aggCols.length - 1]!.dt });
    }
    let v = evalExpr(r.expr, { rel: { fields: aggFields, cols: aggCols, len: nSlots }, env: st.env, namer, exprMap: aggMap });
    const fill = fills[j];
    if (fill) v = applyFill(v, fill, order.map((o) => slotGroup[o]!), r);
    exprMap.set(name, cols.length);
    exprMap.set(exprName(r, namer), cols.length);
    fields.push({ name, dt: v.dt });
    cols.push(v);
  });
  const out: Scope = { rel: { fields, cols, len: nSlots }, env: st.env, namer, exprMap };
  return finishSelect(sel, items, out, orderBy, limit, offset, new Map());
}

function aggregateCall(c: FunctionCall, s: Scope, g: Groups): Vec {
  const args = c.args.map((a) => (a.type === 'wildcard' ? fromValues('Int64', new Array(s.rel.len).fill(1)) : evalExpr(a, s)));
  const order = (c.orderBy ?? c.withinGroup ?? []).map((item) => ({ vec: evalExpr(item.expr, s), item }));
  let mask: Uint8Array | null = null;
  if (c.distinct && args.length) {
    // DISTINCT: only the first row of each (slot, argument values) is aggregated
    mask = new Uint8Array(s.rel.len);
    const seen = new Set<string>();
    for (let i = 0; i < s.rel.len; i++) {
      const k = `${g.ids[i]}\u0001${args.map((a) => valueKey(exactValue(a, i))).join('\u0001')}`;
      if (!seen.has(k)) { seen.add(k); mask[i] = 1; }
    }
  }
  return computeAggregate({ name: fnName(c), call: c, args, mask, order }, g);
}

function checkNoBareAggregate(e: Expr): void {
  if (e.type === 'range') return;
  if (e.type === 'function' && findAggregates(e).length && !findRanges(e).length) {
    throw new PlanError(`Aggregate ${exprName(e, relNamer(undefined))} must have a RANGE in a range query`, e.pos, StatusCode.InvalidArguments);
  }
}

export function rangeName(r: RangeNode, namer: Parameters<typeof exprName>[1], alignFill?: string): string {
  const base = exprName({ ...r, fill: undefined } as RangeNode, namer);
  const fill = r.fill ?? alignFill;
  return fill ? `${base} FILL ${fill.toUpperCase()}` : base;
}

function applyFill(v: Vec, fill: string, groupOf: number[], r: RangeNode): Vec {
  const n = groupOf.length;
  const vals: unknown[] = [];
  for (let i = 0; i < n; i++) vals.push(getValue(v, i));
  if (fill === 'NULL') return v;
  if (fill === 'PREV') {
    for (let i = 1; i < n; i++) if (vals[i] === null && groupOf[i] === groupOf[i - 1]) vals[i] = vals[i - 1];
    return fromValues(v.dt, vals);
  }
  if (fill === 'LINEAR') {
    const out: (number | null)[] = vals.map((x) => (x === null ? null : Number(x)));
    for (let i = 0; i < n; i++) {
      if (out[i] !== null) continue;
      let a = i - 1, b = i + 1;
      while (a >= 0 && groupOf[a] === groupOf[i] && vals[a] === null) a--;
      while (b < n && groupOf[b] === groupOf[i] && vals[b] === null) b++;
      if (a >= 0 && b < n && groupOf[a] === groupOf[i] && groupOf[b] === groupOf[i]) {
        const x0 = Number(vals[a]), x1 = Number(vals[b]);
        out[i] = x0 + ((x1 - x0) * (i - a)) / (b - a);
      }
    }
    return fromValues('Float64', out);
  }
  const c = Number(fill);
  if (Number.isNaN(c)) throw new PlanError(`Unsupported FILL ${fill}`, r.pos, StatusCode.InvalidArguments);
  if (INT_TYPES.has(v.dt) && !/^-?\d+$/.test(fill.trim())) {
    throw new PlanError(`${fill} is not a valid fill option, fail to convert to a const value. Cannot cast string '${fill}' to value of ${v.dt} type`, r.pos);
  }
  for (let i = 0; i < n; i++) if (vals[i] === null) vals[i] = c;
  return fromValues(v.dt === 'Null' ? 'Float64' : v.dt, vals);
}


