// Projection items, GROUP BY resolution and the hash aggregate step of a SELECT, and HAVING over its groups.
import { PlanError } from '../../errors.ts';
import type { Expr, FunctionCall, OrderByItem, Select, SelectItem } from '../../sql/index.ts';
import type { Env, Scope } from '../expr/eval.ts';
import { evalExpr, toBool, valueKey } from '../expr/eval.ts';
import { computeAggregate, groupRows, keyAt } from '../aggregate/aggregate.ts';
import { exprName, outputName, relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { findField, takeRel } from './rel.ts';
import type { Vec } from '../vector.ts';
import { fromValues, maskIndices, take } from '../vector.ts';
import { findAggregates, fnName } from './walk.ts';
import { ScratchPool } from '../../scratch.ts';

export interface ProjItem { expr: Expr; name: string; item?: SelectItem }

/** Expands wildcards into one item per column. */
export function expandProjection(sel: Select, rel: Rel): ProjItem[] {
  const namer = relNamer(rel);
  const out: ProjItem[] = [];
  for (const it of sel.projection) {
    if (it.expr.type === 'wildcard') {
      const q = it.expr.qualifier?.map((p) => p.value);
      const qual = q?.[q.length - 1];
      let any = false;
      rel.fields.forEach((f, i) => {
        if (qual !== undefined && f.qualifier !== qual) return;
        if (f.name.startsWith('__') || f.outer || (qual === undefined && f.usingDup)) return;
        any = true;
        const path = f.qualifier ? [{ value: f.qualifier, pos: it.pos }, { value: f.name, quote: '"' as const, pos: it.pos }] : [{ value: f.name, quote: '"' as const, pos: it.pos }];
        void i;
        out.push({ expr: { type: 'column', path, pos: it.pos }, name: f.name });
      });
      if (!any && qual !== undefined) throw new PlanError(`Invalid qualifier ${qual}`, it.pos);
      continue;
    }
    out.push({ expr: it.expr, name: it.alias ? it.alias.value : outputName(it.expr, namer, { align: sel.align !== undefined, ...(sel.align?.fill !== undefined ? { fill: sel.align.fill } : {}) }), item: it });
  }
  return out;
}


/** GROUP BY expressions; an item may be named by position or alias. */
export function resolveGroupBy(sel: Select, items: ProjItem[], rel: Rel): Expr[] {
  return sel.groupBy.map((g) => {
    if (g.type === 'number' && /^\d+$/.test(g.value)) {
      const it = items[Number(g.value) - 1];
      if (!it) throw new PlanError(`GROUP BY position ${g.value} is not in select list`, g.pos);
      return it.expr;
    }
    if (g.type === 'column' && g.path.length === 1 && findField(rel, g.path) < 0) {
      const it = items.find((p) => p.item?.alias?.value === g.path[0]!.value);
      if (it) return it.expr;
    }
    return g;
  });
}

/** Aggregate calls of the select list, HAVING and ORDER BY. */
export function aggregateCalls(sel: Select, items: ProjItem[], orderBy: OrderByItem[]): FunctionCall[] {
  return [...items.flatMap((p) => findAggregates(p.expr)), ...findAggregates(sel.having), ...orderBy.flatMap((o) => findAggregates(o.expr))];
}

export function aliasesOf(items: ProjItem[]): Map<string, Expr> {
  const aliasMap = new Map<string, Expr>();
  for (const it of items) if (it.item?.alias) aliasMap.set(it.item.alias.value, it.expr);
  return aliasMap;
}

/** Keeps the groups HAVING accepts. */
export function applyHaving(sel: Select, scope: Scope, aliasMap: Map<string, Expr>): Scope {
  if (!sel.having) return scope;
  const h = toBool(evalExpr(substituteAliases(sel.having, aliasMap, scope), scope), sel.having.pos);
  const mask = new Uint8Array(scope.rel.len);
  for (let i = 0; i < scope.rel.len; i++) mask[i] = h.v[i]! & (h.valid ? h.valid[i]! : 1);
  return { ...scope, rel: takeRel(scope.rel, maskIndices(mask)) };
}


export function substituteAliases(e: Expr, aliases: Map<string, Expr>, scope: Scope): Expr {
  if (e.type === 'column' && e.path.length === 1 && findField(scope.rel, e.path) < 0 && aliases.has(e.path[0]!.value)) return aliases.get(e.path[0]!.value)!;
  if (e.type === 'binary') return { ...e, left: substituteAliases(e.left, aliases, scope), right: substituteAliases(e.right, aliases, scope) };
  if (e.type === 'unary') return { ...e, expr: substituteAliases(e.expr, aliases, scope) };
  return e;
}

/**
 * Memory for the row-length temporaries of one aggregate() (the key vectors' computed columns, the group ids: 12 bytes
 * a row for GROUP BY date_bin(...), host), reused by the next one instead of fresh memory per query. aggregate() is
 * synchronous and nothing it computes under the pool outlives it (group keys are copied out by take), so one pool
 * serves every query; `aggregating` keeps a nested call (none is known) off it.
 */
const keyScratch = new ScratchPool();
let aggregating = false;

/** Groups rel by the key expressions and computes the aggregate calls; returns a scope over one row per group. */
export function aggregate(rel: Rel, groupExprs: Expr[], calls: FunctionCall[], env: Env, namer: Scope['namer']): Scope {
  if (aggregating) return aggregateWith(rel, groupExprs, calls, env, namer, undefined);
  aggregating = true;
  try {
    return aggregateWith(rel, groupExprs, calls, env, namer, keyScratch.reset());
  } finally {
    aggregating = false;
  }
}

function aggregateWith(rel: Rel, groupExprs: Expr[], calls: FunctionCall[], env: Env, namer: Scope['namer'], scratch: ScratchPool | undefined): Scope {
  const scope: Scope = { rel, env, namer };
  // only the keys use the scratch memory: an aggregate may hand back its argument's arrays
  const keyScope: Scope = scratch ? { ...scope, scratch } : scope;
  const keyVecs = groupExprs.map((g) => evalExpr(g, keyScope));
  const groups = groupExprs.length === 0 ? groupRows([], rel.len, scratch) : groupRows(keyVecs, rel.len, scratch);
  const fields: Field[] = [];
  const cols: Vec[] = [];
  const exprMap = new Map<string, number>();
  groupExprs.forEach((g, i) => {
    const v = take(keyVecs[i]!, groups.first);
    if (g.type === 'column') {
      const k = findField(rel, g.path);
      const f = rel.fields[k]!;
      fields.push({ ...f });
    } else fields.push({ name: exprName(g, namer), dt: v.dt });
    exprMap.set(exprName(g, namer), cols.length);
    cols.push(v);
  });
  const seen = new Set<string>();
  for (const c of calls) {
    const key = exprName(c, namer);
    if (seen.has(key)) continue;
    seen.add(key);
    const name = fnName(c);
    const args = c.args.map((a) => (a.type === 'wildcard' ? fromValues('Int64', new Array(rel.len).fill(1)) : evalExpr(a, scope)));
    for (const a of c.args) if (findAggregates(a).length) throw new PlanError('Aggregate function calls cannot be nested', a.pos);
    let mask: Uint8Array | null = null;
    if (c.filter) {
      const f = toBool(evalExpr(c.filter, scope));
      mask = new Uint8Array(rel.len);
      for (let i = 0; i < rel.len; i++) mask[i] = f.v[i]! & (f.valid ? f.valid[i]! : 1);
    }
    if (c.distinct && args[0]) {
      const m2 = mask ?? new Uint8Array(rel.len).fill(1);
      const seenV = new Set<string>();
      for (let i = 0; i < rel.len; i++) {
        if (!m2[i]) continue;
        const k = groups.ids[i] + '\u0001' + valueKey(keyAt(args[0], i));
        if (seenV.has(k)) m2[i] = 0;
        else seenV.add(k);
      }
      mask = m2;
    }
    const orderItems = c.orderBy ?? c.withinGroup ?? [];
    const order = orderItems.map((item) => ({ vec: evalExpr(item.expr, scope), item }));
    const v = computeAggregate({ name: name === 'count' && c.distinct ? 'count' : name, call: c, args, mask, order }, groups);
    exprMap.set(key, cols.length);
    fields.push({ name: key, dt: v.dt });
    cols.push(v);
  }
  return { rel: { fields, cols, len: groups.count }, env, exprMap, namer };
}
