// Relations (named column sets) and name resolution with suggestions for unknown columns.
import { PlanError, StatusCode } from '../../errors.ts';
import type { Expr, Ident, SourcePos } from '../../sql/index.ts';
import type { DType, Vec } from '../vector.ts';
import { fromValues, take } from '../vector.ts';

export interface Field {
  name: string;
  /** Table name or alias the column comes from. */
  qualifier?: string;
  /** Database of the table, when the column may be named schema.table.column (an unaliased table). */
  schema?: string;
  dt: DType;
  /** A table column's FULLTEXT INDEX options: matches() analyzes its text the same way. */
  fulltext?: Record<string, string>;
  /** An enclosing query's column carried in for a nested correlated subquery: any column of the relation's own with the
   * same name shadows it, and `*` does not list it. */
  outer?: boolean;
  /** The other copy of a USING / NATURAL join column: `*` does not list it, an unqualified name does not reach it. */
  usingDup?: boolean;
}

export interface Rel {
  fields: Field[];
  cols: Vec[];
  len: number;
  /** A table scan's rows: the WHERE conjuncts its scan already enforced exactly (see pushdown). */
  applied?: Set<Expr>;
}

export function emptyRel(len = 1): Rel {
  return { fields: [], cols: [], len };
}

export function takeRel(r: Rel, idx: ArrayLike<number>): Rel {
  return { fields: r.fields, cols: r.cols.map((c) => take(c, idx)), len: idx.length };
}

/** A relation of literal rows (SHOW and EXPLAIN answers): strings unless `types` names the column's type. */
export function stringRel(names: string[], rows: (string | number | null)[][], types?: string[]): Rel {
  return {
    fields: names.map((name, j) => ({ name, dt: types?.[j] ?? 'String' })),
    cols: names.map((_n, j) => fromValues(types?.[j] ?? 'String', rows.map((r) => r[j] ?? null))),
    len: rows.length,
  };
}

/** Re-exported for modules that still import it from here; it lives in core/errors.ts. */
export { PlanError };

export function fieldName(f: Field): string {
  return f.qualifier ? `${f.qualifier}.${f.name}` : f.name;
}

/** Index of the column a path names, or -1; throws when ambiguous. */
export function findField(rel: Rel, path: Ident[], pos?: SourcePos): number {
  const name = path[path.length - 1]!.value;
  const qual = path.length >= 2 ? path[path.length - 2]!.value : undefined;
  const schema = path.length >= 3 ? path[path.length - 3]!.value : undefined;
  let found = -1;
  // the relation's own columns first, then an enclosing query's (inner names shadow outer ones)
  for (let pass = 0; pass < 2 && found < 0; pass++) {
    for (let i = 0; i < rel.fields.length; i++) {
      const f = rel.fields[i]!;
      if (f.name !== name || !!f.outer !== (pass === 1)) continue;
      if (qual !== undefined && f.qualifier !== qual) continue;
      if (qual === undefined && f.usingDup) continue;
      if (schema !== undefined && f.schema !== schema) continue;
      if (found >= 0 && rel.fields[found]!.qualifier !== f.qualifier) {
        throw new PlanError(`Ambiguous reference to unqualified field ${name}`, pos);
      }
      if (found < 0) found = i;
    }
  }
  if (found < 0 && qual === undefined) {
    // case-insensitive fallback for unquoted identifiers written in another case
    if (path[path.length - 1]!.quote === undefined) {
      for (let i = 0; i < rel.fields.length; i++) if (rel.fields[i]!.name.toLowerCase() === name) return i;
    }
  }
  return found;
}

export function resolveField(rel: Rel, path: Ident[], pos?: SourcePos): number {
  const i = findField(rel, path, pos);
  if (i >= 0) return i;
  const want = path.map((p) => p.value).join('.');
  const cands = rel.fields.map(fieldName);
  const best = suggest(path[path.length - 1]!.value, rel.fields.map((f) => f.name));
  const hint = best !== undefined ? ` Did you mean '${cands[rel.fields.findIndex((f) => f.name === best)]}'?` : '';
  const valid = cands.length ? ` Valid fields are ${cands.map((c) => c).join(', ')}.` : '';
  throw new PlanError(`No field named ${want}.${hint}${hint ? '' : valid}`, pos, StatusCode.PlanQuery);
}

function lev(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length]!;
}

export function suggest(name: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = lev(name.toLowerCase(), o.toLowerCase());
    if (d < bestD) { bestD = d; best = o; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 2)) ? best : undefined;
}
