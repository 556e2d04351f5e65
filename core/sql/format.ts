// Faithful SQL text for an expression AST: parseExpr(formatExpr(e)) gives back e (positions aside).
import type { SqlType, Expr, Ident, OrderByItem, Query, WindowFrameBound, WindowSpec } from './ast.ts';
import { BINARY_PREC, Prec } from './parser/expr.ts';
import { RESERVED } from './parser/cursor.ts';

/** Quotes an identifier when it would not read back as itself. */
export function formatIdent(id: Ident): string {
  if (id.quote === undefined && /^[a-z_][a-z0-9_$]*$/.test(id.value) && !RESERVED.has(id.value.toUpperCase())) return id.value;
  return `"${id.value.replace(/"/g, '""')}"`;
}

export function formatString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function formatDataType(t: SqlType): string {
  return t.raw;
}

/** Binding power of the expression's outermost operator; atoms bind tightest. */
function precOf(e: Expr): number {
  switch (e.type) {
    case 'binary': return BINARY_PREC[e.op];
    case 'unary': return e.op === 'NOT' ? Prec.NOT : Prec.UNARY;
    case 'is': case 'is_distinct': return Prec.IS;
    case 'like': return Prec.LIKE;
    case 'in_list': case 'in_subquery': case 'between': return Prec.CMP;
    case 'cast': return e.syntax === '::' ? Prec.POSTFIX : 100;
    case 'range': case 'index': return Prec.POSTFIX;
    default: return 100;
  }
}

/** Wraps `e` in parentheses unless it binds tighter than `min` (or as tight, when `orEqual`). */
function sub(e: Expr, min: number, orEqual = false): string {
  const p = precOf(e);
  const s = formatExpr(e);
  return p > min || (orEqual && p === min) ? s : `(${s})`;
}

export function formatOrderBy(items: OrderByItem[]): string {
  return items
    .map((o) => formatExpr(o.expr) + (o.asc === undefined ? '' : o.asc ? ' ASC' : ' DESC') + (o.nullsFirst === undefined ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'))
    .join(', ');
}

function formatBound(b: WindowFrameBound): string {
  switch (b.kind) {
    case 'current_row': return 'CURRENT ROW';
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
    default: return `${formatExpr(b.offset!)} ${b.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING'}`;
  }
}

function formatWindow(w: WindowSpec): string {
  if (w.name && w.partitionBy.length === 0 && w.orderBy.length === 0 && !w.frame) return formatIdent(w.name);
  const parts: string[] = [];
  if (w.name) parts.push(formatIdent(w.name));
  if (w.partitionBy.length) parts.push(`PARTITION BY ${w.partitionBy.map(formatExpr).join(', ')}`);
  if (w.orderBy.length) parts.push(`ORDER BY ${formatOrderBy(w.orderBy)}`);
  if (w.frame) {
    const f = w.frame;
    parts.push(f.end ? `${f.units} BETWEEN ${formatBound(f.start)} AND ${formatBound(f.end)}` : `${f.units} ${formatBound(f.start)}`);
  }
  return `(${parts.join(' ')})`;
}

/** Subqueries are printed from their source span when known; the formatter covers expressions. */
function formatQuery(q: Query): string {
  return q.span?.text ?? '/* query */';
}

export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'number': return e.value;
    case 'string': return formatString(e.value);
    case 'boolean': return e.value ? 'TRUE' : 'FALSE';
    case 'null': return 'NULL';
    case 'interval': return `INTERVAL ${sub(e.value, Prec.POSTFIX)}${e.unit ? ' ' + e.unit : ''}`;
    case 'typed_string': return `${formatDataType(e.dataType)} ${formatString(e.value)}`;
    case 'column': return e.path.map(formatIdent).join('.');
    case 'wildcard': return e.qualifier ? `${e.qualifier.map(formatIdent).join('.')}.*` : '*';
    case 'unary':
      return e.op === 'NOT' ? `NOT ${sub(e.expr, Prec.NOT, true)}` : `${e.op}${sub(e.expr, Prec.UNARY, true).replace(/^([-+~])/, ' $1')}`;
    case 'binary': {
      const p = BINARY_PREC[e.op];
      return `${sub(e.left, p, true)} ${e.op} ${sub(e.right, p)}`;
    }
    case 'is': return `${sub(e.expr, Prec.IS, true)} IS ${e.negated ? 'NOT ' : ''}${e.test}`;
    case 'is_distinct': return `${sub(e.left, Prec.IS, true)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${sub(e.right, Prec.IS)}`;
    case 'in_list': return `${sub(e.expr, Prec.CMP, true)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(formatExpr).join(', ')})`;
    case 'in_subquery': return `${sub(e.expr, Prec.CMP, true)} ${e.negated ? 'NOT ' : ''}IN (${formatQuery(e.query)})`;
    case 'between':
      return `${sub(e.expr, Prec.CMP, true)} ${e.negated ? 'NOT ' : ''}BETWEEN ${sub(e.low, Prec.CMP)} AND ${sub(e.high, Prec.CMP)}`;
    case 'like': {
      const s = `${sub(e.expr, Prec.LIKE, true)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${sub(e.pattern, Prec.LIKE)}`;
      return e.escape ? `${s} ESCAPE ${sub(e.escape, Prec.POSTFIX)}` : s;
    }
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(formatExpr(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`);
      if (e.else) parts.push(`ELSE ${formatExpr(e.else)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'cast':
      if (e.syntax === '::') return `${sub(e.expr, Prec.POSTFIX, true)}::${formatDataType(e.dataType)}`;
      return `${e.syntax === 'cast' ? 'CAST' : 'TRY_CAST'}(${formatExpr(e.expr)} AS ${formatDataType(e.dataType)})`;
    case 'function': {
      const name = e.name.map(formatIdent).join('.');
      if (e.noParens) return name.toUpperCase();
      let s = `${name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(formatExpr).join(', ')}`;
      if (e.orderBy) s += ` ORDER BY ${formatOrderBy(e.orderBy)}`;
      s += ')';
      if (e.withinGroup) s += ` WITHIN GROUP (ORDER BY ${formatOrderBy(e.withinGroup)})`;
      if (e.filter) s += ` FILTER (WHERE ${formatExpr(e.filter)})`;
      if (e.over) s += ` OVER ${formatWindow(e.over)}`;
      return s;
    }
    case 'range': {
      const r = e.range.type === 'string' || e.range.type === 'number' ? formatExpr(e.range) : `(${formatExpr(e.range)})`;
      const fill = e.fill === undefined ? '' : /^[A-Z]+$/.test(e.fill) || /^-?[0-9.]+$/.test(e.fill) ? ` FILL ${e.fill}` : ` FILL ${formatString(e.fill)}`;
      return `${sub(e.expr, Prec.POSTFIX, true)} RANGE ${r}${fill}`;
    }
    case 'subquery': return `(${formatQuery(e.query)})`;
    case 'exists': return `${e.negated ? 'NOT ' : ''}EXISTS (${formatQuery(e.query)})`;
    case 'array': return `[${e.elements.map(formatExpr).join(', ')}]`;
    case 'index': return `${sub(e.expr, Prec.POSTFIX, true)}[${formatExpr(e.index)}]`;
    case 'tuple': return `(${e.elements.map(formatExpr).join(', ')})`;
    case 'extract': return `EXTRACT(${e.field} FROM ${formatExpr(e.expr)})`;
  }
}
