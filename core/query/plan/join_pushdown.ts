// WHERE below a join: the conjuncts that name one base table only go into that table's scan (time range, tag
// filters, index predicates), when the join keeps every row of that side (both sides of INNER / CROSS, the left of
// LEFT, the right of RIGHT, neither of FULL). The whole WHERE is still tested after the join, so a conjunct the scan
// enforces only in part (or not at all) loses nothing: pushing down only drops rows WHERE would drop anyway.
import type { Expr, TableRef } from '../../sql/index.ts';
import { viewOf } from '../statements/view.ts';
import type { QState } from './state.ts';
import { children, conjuncts } from './walk.ts';

/** A base table of the FROM tree: the names that qualify its columns, and its columns (undefined: not known). */
interface Leaf { ref: TableRef; names: string[]; columns?: Set<string>; keeps: boolean }

/** The WHERE each base table of `from` may filter its scan with (only tables that get one are in the map). */
export async function leafWheres(from: TableRef[], where: Expr | undefined, st: QState, ctes?: Set<string>): Promise<Map<TableRef, Expr>> {
  const out = new Map<TableRef, Expr>();
  if (!where || (from.length === 1 && from[0]!.type === 'table')) return out;
  const leaves: Leaf[] = [];
  for (const t of from) await collect(t, true, leaves, st, ctes);
  if (!leaves.some((l) => l.keeps)) return out;
  const byLeaf = new Map<Leaf, Expr[]>();
  for (const c of conjuncts(where)) {
    const leaf = onlyLeaf(c, leaves);
    if (leaf?.keeps) byLeaf.set(leaf, [...(byLeaf.get(leaf) ?? []), c]);
  }
  for (const [leaf, cs] of byLeaf) out.set(leaf.ref, cs.reduce((a, b): Expr => ({ type: 'binary', op: 'AND', left: a, right: b, pos: a.pos })));
  return out;
}

/** Walks the join tree; `keeps` is false below the side of an outer join that gets NULL-extended rows. */
async function collect(t: TableRef, keeps: boolean, out: Leaf[], st: QState, ctes?: Set<string>): Promise<void> {
  if (t.type === 'join') {
    const k = t.kind;
    await collect(t.left, keeps && (k === 'INNER' || k === 'CROSS' || k === 'LEFT' || k === 'LEFT SEMI' || k === 'LEFT ANTI'), out, st, ctes);
    await collect(t.right, keeps && (k === 'INNER' || k === 'CROSS' || k === 'RIGHT'), out, st, ctes);
    return;
  }
  const alias = t.type === 'table' || t.type === 'derived' ? t.alias?.name.value : undefined;
  if (t.type !== 'table') {
    out.push({ ref: t, names: alias ? [alias] : [], keeps: false });
    return;
  }
  const path = t.name.map((p) => p.value);
  const name = path[path.length - 1]!;
  const names = alias ? [alias] : [name];
  const db = path.length >= 2 ? path[path.length - 2]! : st.env.qctx.db;
  // only real tables scan with a pushed-down WHERE; CTEs, views and system tables keep their columns unknown here
  const schema = path.length === 1 && (st.ctes.has(name) || ctes?.has(name)) ? undefined : await st.env.qctx.getTable(db, name).catch(() => undefined);
  const sys = ['information_schema', 'pg_catalog'].includes(db.toLowerCase());
  if (!schema || sys || viewOf(schema)) out.push({ ref: t, names, keeps: false });
  else out.push({ ref: t, names, columns: new Set(schema.columns.map((c) => c.name)), keeps });
}

/** The one leaf every column of `c` belongs to; undefined when c has a subquery or names none, two, or an unknown. */
function onlyLeaf(c: Expr, leaves: Leaf[]): Leaf | undefined {
  let found: Leaf | undefined;
  let any = false;
  const stack: Expr[] = [c];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'subquery' || x.type === 'exists' || x.type === 'in_subquery') return undefined;
    if (x.type === 'column') {
      const p = x.path.map((i) => i.value);
      const col = p[p.length - 1]!;
      const owners = p.length >= 2
        ? leaves.filter((l) => l.names.includes(p[p.length - 2]!))
        // an unqualified name is resolvable only when no leaf of unknown columns might hold it
        : leaves.some((l) => !l.columns) ? [] : leaves.filter((l) => l.columns!.has(col));
      if (owners.length !== 1 || (found && found !== owners[0])) return undefined;
      found = owners[0];
      any = true;
    }
    stack.push(...children(x));
  }
  return any ? found : undefined;
}
