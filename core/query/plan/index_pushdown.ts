// WHERE conjuncts as index predicates for the regions' indexes: on string columns (=, IN, !=, regex, LIKE,
// matches_term / @@ / matches), and bounding boxes / radii on a SPATIAL INDEX's latitude/longitude pair.
import type { Expr } from '../../sql/index.ts';
import type { TableSchema } from '../../schema.ts';
import { analyzerOptions, compileMatches, likePrefix, validRegex, type ColumnPredicate } from '../../index/index.ts';
import { spatialPredicatesOf } from '../../index/spatial/index.ts';
import { children, conjuncts } from './walk.ts';

/** Whether e is the column `name` of this table (bare, or qualified by one of its names). */
export function isCol(e: Expr, name: string, qualifiers: string[]): boolean {
  if (e.type !== 'column') return false;
  const p = e.path;
  if (p[p.length - 1]!.value !== name) return false;
  return p.length === 1 || qualifiers.includes(p[p.length - 2]!.value);
}

function stringColumn(e: Expr, schema: TableSchema, qualifiers: string[]): string | undefined {
  return schema.columns.find((c) => c.type === 'string' && !c.sqlType?.startsWith('Decimal128(') && isCol(e, c.name, qualifiers))?.name;
}

const FLIP: Record<string, string> = { '=': '=', '!=': '!=', '<>': '<>' };

/**
 * The conjuncts an index may answer. A hint like the rest of the scan spec: the executor still evaluates WHERE,
 * and storage uses a predicate only where it is exact before the merge.
 */
export function indexPredicates(where: Expr | undefined, schema: TableSchema, qualifiers: string[]): ColumnPredicate[] {
  const out: ColumnPredicate[] = [];
  const all = conjuncts(where);
  for (const c of all) {
    if (c.type === 'function' && !c.over && c.args.length === 2) {
      const ft = fulltextPredicate(c.name[c.name.length - 1]!.value.toLowerCase(), c.args[0]!, c.args[1]!, schema, qualifiers);
      if (ft) out.push(ft);
    } else if (c.type === 'binary' && c.op === 'OR') {
      const any = orOfEqualities(c, schema, qualifiers);
      if (any) out.push(any);
    } else if (c.type === 'binary') {
      let col = stringColumn(c.left, schema, qualifiers), lit = c.right;
      if (!col && FLIP[c.op]) { col = stringColumn(c.right, schema, qualifiers); lit = c.left; }
      if (!col || lit.type !== 'string') continue;
      if (c.op === '=') out.push({ column: col, op: 'in', values: [lit.value] });
      else if (c.op === '!=' || c.op === '<>') out.push({ column: col, op: 'ne', value: lit.value });
      else if (c.op === '~' || c.op === '~*' || c.op === '!~' || c.op === '!~*') {
        const flags = c.op.includes('*') ? 'i' : '';
        if (validRegex(lit.value, flags) && c.left.type === 'column') out.push({ column: col, op: 'regex', pattern: lit.value, flags, negated: c.op.startsWith('!') });
      }
    } else if (c.type === 'in_list' && !c.negated) {
      const col = stringColumn(c.expr, schema, qualifiers);
      if (col && c.list.every((x) => x.type === 'string')) out.push({ column: col, op: 'in', values: c.list.map((x) => (x as { value: string }).value) });
    } else if (c.type === 'like' && !c.escape) {
      const col = stringColumn(c.expr, schema, qualifiers);
      if (col && c.pattern.type === 'string') {
        out.push({ column: col, op: 'like', pattern: c.pattern.value, caseInsensitive: c.caseInsensitive, negated: c.negated, prefix: likePrefix(c.pattern.value) });
      }
    }
  }
  if (schema.spatialIndexes?.length) {
    const own = all.filter((c) => ownColumnsOnly(c, qualifiers));
    for (const { lat, lng } of schema.spatialIndexes) {
      for (const predicate of spatialPredicatesOf(own, lat, lng)) out.push({ column: lat, op: 'spatial', lng, predicate });
    }
  }
  return out;
}

/**
 * `c = 'a' OR c = 'b' OR c IN ('d')` on one string column: the IN it means (NULL is in neither), so the
 * column's inverted or skipping index answers it with one probe.
 */
function orOfEqualities(e: Expr, schema: TableSchema, qualifiers: string[]): ColumnPredicate | undefined {
  const values: string[] = [];
  let column: string | undefined;
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    let col: string | undefined, vals: string[];
    if (x.type === 'binary' && x.op === 'OR') { stack.push(x.right, x.left); continue; }
    if (x.type === 'binary' && x.op === '=') {
      const [cx, lit] = stringColumn(x.left, schema, qualifiers) ? [x.left, x.right] : [x.right, x.left];
      col = stringColumn(cx, schema, qualifiers);
      if (lit.type !== 'string') return undefined;
      vals = [lit.value];
    } else if (x.type === 'in_list' && !x.negated && x.list.every((v) => v.type === 'string')) {
      col = stringColumn(x.expr, schema, qualifiers);
      vals = x.list.map((v) => (v as { value: string }).value);
    } else return undefined;
    if (!col || (column !== undefined && col !== column)) return undefined;
    column = col;
    values.push(...vals);
  }
  return column === undefined ? undefined : { column, op: 'in', values: [...new Set(values)] };
}

/**
 * `matches_term(col, 'term')` (and `col @@ 'term'`, parsed into it) and `matches(col, 'query')` on a string column
 * of this table, with the analyzer matches() uses for it (its FULLTEXT options; none without a FULLTEXT INDEX). A malformed
 * query is left to the function, which reports it with its position.
 */
function fulltextPredicate(name: string, col: Expr, text: Expr, schema: TableSchema, qualifiers: string[]): ColumnPredicate | undefined {
  const column = stringColumn(col, schema, qualifiers);
  if (!column || text.type !== 'string') return undefined;
  if (name === 'matches_term') return { column, op: 'fulltext', query: { kind: 'term', term: text.value } };
  if (name !== 'matches') return undefined;
  const ft = schema.columns.find((x) => x.name === column)!.indexes?.fulltext;
  const options = ft ? analyzerOptions(ft) : undefined;
  try { compileMatches(text.value, options); } catch { return undefined; }
  return { column, op: 'fulltext', query: { kind: 'matches', query: text.value, options } };
}

/** Whether every column an expression names is bare or qualified by this table's names (not another table's). */
function ownColumnsOnly(e: Expr, qualifiers: string[]): boolean {
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.type === 'column' && x.path.length > 1 && !qualifiers.includes(x.path[x.path.length - 2]!.value)) return false;
    if (x.type === 'subquery' || x.type === 'in_subquery' || x.type === 'exists') return false;
    stack.push(...children(x));
  }
  return true;
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf');

/** A predicate as EXPLAIN prints it. */
export function describePredicate(p: ColumnPredicate): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  switch (p.op) {
    case 'in': return p.values.length === 1 ? `${p.column} = ${q(p.values[0]!)}` : `${p.column} IN (${p.values.map(q).join(', ')})`;
    case 'ne': return `${p.column} != ${q(p.value)}`;
    case 'regex': return `${p.column} ${p.negated ? '!' : ''}~${p.flags ? '*' : ''} ${q(p.pattern)}`;
    case 'like': return `${p.column} ${p.negated ? 'NOT ' : ''}${p.caseInsensitive ? 'ILIKE' : 'LIKE'} ${q(p.pattern)}`;
    case 'fulltext': return p.query.kind === 'term' ? `matches_term(${p.column}, ${q(p.query.term)})` : `matches(${p.column}, ${q(p.query.query)})`;
    case 'spatial': {
      const s = p.predicate;
      return s.op === 'bbox'
        ? `(${p.column}, ${p.lng}) IN box([${num(s.minLat)}, ${num(s.maxLat)}] x [${num(s.minLng)}, ${num(s.maxLng)}])`
        : `(${p.column}, ${p.lng}) WITHIN ${s.meters} m OF (${s.lat}, ${s.lng})`;
    }
  }
}
