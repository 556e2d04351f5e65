// GROUP BY ROLLUP (...), CUBE (...) and GROUPING SETS (...): the groups of each set, one after another, a key the set
// does not group by NULL in its rows, and GROUPING(k) 1 there (a bit per argument, the first the highest), as
// DataFusion and PostgreSQL answer them.
import { PlanError } from '../../errors.ts';
import type { Expr, FunctionCall } from '../../sql/index.ts';
import type { Env, Scope } from '../expr/eval.ts';
import { exprName } from '../expr/names.ts';
import type { Field } from './rel.ts';
import type { Vec } from '../vector.ts';
import { concatVecs, fromValues, nullVec } from '../vector.ts';
import { fnName } from './walk.ts';
import { aggregate } from './group.ts';
import type { Rel } from './rel.ts';

const KINDS = new Set(['rollup', 'cube', 'grouping sets']);

const flat = (e: Expr): Expr[] => (e.type === 'tuple' ? e.elements : [e]);

/** The grouping sets a GROUP BY list names, or null when it is a plain list (one set). */
export function groupingSets(groupBy: Expr[]): Expr[][] | null {
  if (!groupBy.some((g) => g.type === 'function' && KINDS.has(fnName(g)))) return null;
  let sets: Expr[][] = [[]];
  for (const g of groupBy) {
    let alts: Expr[][];
    if (g.type !== 'function' || !KINDS.has(fnName(g))) alts = [[g]];
    else if (fnName(g) === 'grouping sets') alts = g.args.map(flat);
    else if (fnName(g) === 'rollup') alts = g.args.map((_a, i) => g.args.slice(0, g.args.length - i).flatMap(flat)).concat([[]]);
    else {
      if (g.args.length > 12) throw new PlanError('CUBE takes at most 12 expressions', g.pos);
      alts = [];
      for (let m = (1 << g.args.length) - 1; m >= 0; m--) alts.push(g.args.filter((_a, i) => m & (1 << (g.args.length - 1 - i))).flatMap(flat));
    }
    sets = sets.flatMap((s) => alts.map((a) => [...s, ...a]));
  }
  return sets;
}

/** The aggregate step over several grouping sets: every set's groups in one scope, keys absent from a set NULL. */
export function aggregateSets(rel: Rel, sets: Expr[][], calls: FunctionCall[], env: Env, namer: Scope['namer']): Scope {
  const keyOf = (e: Expr): string => exprName(e, namer);
  const keys: Expr[] = [];
  for (const s of sets) for (const e of s) if (!keys.some((k) => keyOf(k) === keyOf(e))) keys.push(e);
  const parts = sets.map((s) => {
    const uniq = s.filter((e, i) => s.findIndex((x) => keyOf(x) === keyOf(e)) === i);
    return { set: uniq, scope: aggregate(rel, uniq, calls, env, namer) };
  });
  const keyFields: Field[] = keys.map((k) => {
    for (const p of parts) { const j = p.set.findIndex((e) => keyOf(e) === keyOf(k)); if (j >= 0) return p.scope.rel.fields[j]!; }
    throw new PlanError(`GROUP BY key ${keyOf(k)} is in no grouping set`, k.pos);
  });
  const first = parts[0]!;
  const aggFields = first.scope.rel.fields.slice(first.set.length);
  const cols: Vec[][] = [...keyFields, ...aggFields].map(() => []);
  for (const p of parts) {
    const n = p.scope.rel.len;
    keys.forEach((k, i) => {
      const j = p.set.findIndex((e) => keyOf(e) === keyOf(k));
      cols[i]!.push(j >= 0 ? p.scope.rel.cols[j]! : nullVec(n, keyFields[i]!.dt));
    });
    aggFields.forEach((f, a) => {
      const call = calls.find((c) => keyOf(c) === f.name);
      // GROUPING(a, b, ...): a bit per argument the set does not group by, the first argument the highest bit
      if (call && fnName(call) === 'grouping') {
        let bits = 0;
        for (const arg of call.args) bits = bits * 2 + (p.set.some((e) => keyOf(e) === keyOf(arg)) ? 0 : 1);
        cols[keys.length + a]!.push(fromValues('Int32', new Array(n).fill(bits)));
      } else cols[keys.length + a]!.push(p.scope.rel.cols[p.set.length + a]!);
    });
  }
  const fields = [...keyFields, ...aggFields];
  const exprMap = new Map<string, number>();
  keys.forEach((k, i) => exprMap.set(keyOf(k), i));
  aggFields.forEach((f, a) => exprMap.set(f.name, keys.length + a));
  const len = parts.reduce((s, p) => s + p.scope.rel.len, 0);
  return { rel: { fields, cols: cols.map((c, i) => concatVecs(c, fields[i]!.dt)), len }, env, exprMap, namer };
}
