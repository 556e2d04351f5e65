// WHERE conjuncts on string columns as index predicates (=, IN, !=, regex, LIKE) for the regions' indexes.
import type { Expr } from '../../sql/index.ts';
import type { TableSchema } from '../../schema.ts';
import { likePrefix, validRegex, type ColumnPredicate } from '../../index/index.ts';
import { conjuncts } from './walk.ts';

/** Whether e is the column `name` of this table (bare, or qualified by one of its names). */
export function isCol(e: Expr, name: string, qualifiers: string[]): boolean {
  if (e.type !== 'column') return false;
  const p = e.path;
  if (p[p.length - 1]!.value !== name) return false;
  return p.length === 1 || qualifiers.includes(p[p.length - 2]!.value);
}

function stringColumn(e: Expr, schema: TableSchema, qualifiers: string[]): string | undefined {
  return schema.columns.find((c) => c.type === 'string' && isCol(e, c.name, qualifiers))?.name;
}

const FLIP: Record<string, string> = { '=': '=', '!=': '!=', '<>': '<>' };

/**
 * The conjuncts an index may answer. A hint like the rest of the scan spec: the executor still evaluates WHERE,
 * and storage uses a predicate only where it is exact before the merge.
 */
export function indexPredicates(where: Expr | undefined, schema: TableSchema, qualifiers: string[]): ColumnPredicate[] {
  const out: ColumnPredicate[] = [];
  for (const c of conjuncts(where)) {
    if (c.type === 'binary') {
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
  return out;
}

/** A predicate as EXPLAIN prints it. */
export function describePredicate(p: ColumnPredicate): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  switch (p.op) {
    case 'in': return p.values.length === 1 ? `${p.column} = ${q(p.values[0]!)}` : `${p.column} IN (${p.values.map(q).join(', ')})`;
    case 'ne': return `${p.column} != ${q(p.value)}`;
    case 'regex': return `${p.column} ${p.negated ? '!' : ''}~${p.flags ? '*' : ''} ${q(p.pattern)}`;
    case 'like': return `${p.column} ${p.negated ? 'NOT ' : ''}${p.caseInsensitive ? 'ILIKE' : 'LIKE'} ${q(p.pattern)}`;
  }
}
