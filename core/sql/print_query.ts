// A query printed back as SQL the way sqlparser-rs displays it (keywords upper case, one space between clauses, an
// INNER JOIN as JOIN): what GreptimeDB shows as a view's definition. Expressions go through the one expression
// printer (formatExpr). Undefined for what it does not print (a TQL CTE): the caller keeps the text as written.
import type { Cte, Expr, Ident, OrderByItem, Query, QueryBody, Select, TableAlias, TableRef } from './ast.ts';
import { formatExpr } from './print.ts';

class Unprintable extends Error {}

/** An identifier as written: its quotes kept, an unquoted name as it stands. */
function ident(id: Ident): string {
  if (id.quote === undefined) return id.value;
  return `${id.quote}${id.value.split(id.quote).join(id.quote + id.quote)}${id.quote}`;
}

const name = (parts: Ident[]): string => parts.map(ident).join('.');

function alias(a: TableAlias | undefined): string {
  if (!a) return '';
  return ` AS ${ident(a.name)}${a.columns?.length ? ` (${a.columns.map(ident).join(', ')})` : ''}`;
}

function orderBy(items: OrderByItem[]): string {
  return items.map((o) => `${formatExpr(o.expr)}${o.asc === undefined ? '' : o.asc ? ' ASC' : ' DESC'}${o.nullsFirst === undefined ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`).join(', ');
}

function tableRef(t: TableRef): string {
  switch (t.type) {
    case 'table': return name(t.name) + alias(t.alias);
    case 'derived': return `(${query(t.query)})${alias(t.alias)}`;
    case 'table_function': return formatExpr(t.call) + alias(t.alias);
    case 'join': {
      const kind = t.kind === 'INNER' ? 'JOIN' : `${t.kind} JOIN`;
      const cond = t.on ? ` ON ${formatExpr(t.on)}` : t.using ? ` USING(${t.using.map(ident).join(', ')})` : '';
      return `${tableRef(t.left)} ${t.natural ? 'NATURAL ' : ''}${kind} ${tableRef(t.right)}${cond}`;
    }
  }
}

/** A GROUP BY item; GROUPING SETS / ROLLUP / CUBE are calls in the tree, keywords in the text. */
function groupItem(e: Expr): string {
  const kw = e.type === 'function' && e.name.length === 1 && e.name[0]!.quote === undefined ? e.name[0]!.value.toUpperCase() : '';
  if (e.type === 'function' && (kw === 'GROUPING SETS' || kw === 'ROLLUP' || kw === 'CUBE')) return `${kw} (${e.args.map(formatExpr).join(', ')})`;
  return formatExpr(e);
}

function select(s: Select): string {
  let out = 'SELECT ';
  if (s.distinctOn) out += `DISTINCT ON (${s.distinctOn.map(formatExpr).join(', ')}) `;
  else if (s.distinct) out += 'DISTINCT ';
  out += s.projection.map((p) => formatExpr(p.expr) + (p.alias ? ` AS ${ident(p.alias)}` : '')).join(', ');
  if (s.from.length) out += ` FROM ${s.from.map(tableRef).join(', ')}`;
  if (s.where) out += ` WHERE ${formatExpr(s.where)}`;
  if (s.groupBy.length) out += ` GROUP BY ${s.groupBy.map(groupItem).join(', ')}`;
  if (s.having) out += ` HAVING ${formatExpr(s.having)}`;
  if (s.align) {
    const a = s.align;
    out += ` ALIGN ${formatExpr(a.align)}`;
    if (a.to) out += ` TO ${formatExpr(a.to)}`;
    if (a.by) out += ` BY (${a.by.map(formatExpr).join(', ')})`;
    if (a.fill) out += ` FILL ${a.fill}`;
  }
  return out;
}

function body(b: QueryBody): string {
  switch (b.type) {
    case 'select': return select(b);
    case 'query': return `(${query(b)})`;
    case 'values': return `VALUES ${b.rows.map((r) => `(${r.map(formatExpr).join(', ')})`).join(', ')}`;
    case 'set_op': return `${body(b.left)} ${b.op}${b.all ? ' ALL' : ''} ${body(b.right)}`;
  }
}

function cte(c: Cte): string {
  if (c.query.type !== 'query') throw new Unprintable();
  return `${ident(c.name)}${c.columns?.length ? ` (${c.columns.map(ident).join(', ')})` : ''} AS (${query(c.query)})`;
}

function query(q: Query): string {
  let out = '';
  if (q.with) out += `WITH ${q.with.recursive ? 'RECURSIVE ' : ''}${q.with.ctes.map(cte).join(', ')} `;
  out += body(q.body);
  if (q.orderBy.length) out += ` ORDER BY ${orderBy(q.orderBy)}`;
  if (q.limit) out += ` LIMIT ${formatExpr(q.limit)}`;
  if (q.offset) out += ` OFFSET ${formatExpr(q.offset)}`;
  return out;
}

/** The query as sqlparser-rs displays it, or undefined when it holds a part this printer does not write. */
export function formatQuery(q: Query): string | undefined {
  try {
    return query(q);
  } catch (e) {
    if (e instanceof Unprintable) return undefined;
    throw e;
  }
}
