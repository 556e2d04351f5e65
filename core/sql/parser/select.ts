// Query parser: WITH, SELECT, FROM/JOIN, WHERE, GROUP BY, HAVING, ALIGN (range queries), set operations, ORDER/LIMIT.
import type { AlignClause, Cte, Expr, JoinKind, OrderByItem, Query, QueryBody, Select, SelectItem, TableAlias, TableRef, Values, WindowSpec } from '../ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr, parseFill, parseOrderByList, parseRangeDuration } from './expr.ts';
import { parseTqlSource } from './tql.ts';
import { parseWindowSpec } from './call.ts';
import { ParseError } from '../../errors.ts';

export function parseQuery(p: Cursor): Query {
  return p.nested(() => parseQueryInner(p));
}

function parseQueryInner(p: Cursor): Query {
  const pos = p.pos();
  const q: Query = { type: 'query', body: undefined as unknown as QueryBody, orderBy: [], pos };
  if (p.eatKw('WITH')) {
    const recursive = p.eatKw('RECURSIVE');
    q.with = { recursive, ctes: p.commaList(() => parseCte(p)) };
  }
  q.body = parseSetExpr(p, 0);
  if (p.eatKw('ORDER', 'BY')) q.orderBy = parseOrderByList(p);
  // LIMIT and OFFSET in either order; MySQL's LIMIT offset, count too.
  for (let k = 0; k < 2; k++) {
    if (q.limit === undefined && p.eatKw('LIMIT')) {
      if (p.eatKw('ALL')) continue;
      const first = parseExpr(p);
      if (p.eatOp(',')) {
        q.offset = first;
        q.limit = parseExpr(p);
      } else q.limit = first;
    } else if (q.offset === undefined && p.eatKw('OFFSET')) {
      q.offset = parseExpr(p);
      if (!p.eatKw('ROWS')) p.eatKw('ROW');
    }
  }
  const end = p.prev().end;
  q.span = { start: pos.offset, end, text: p.text.slice(pos.offset, end) };
  return q;
}

/**
 * A GROUP BY item: an expression (ROLLUP (...) and CUBE (...) read as calls), or GROUPING SETS ((a, b), (a), ()),
 * kept as a call named `grouping sets` whose arguments are the sets as tuples.
 */
function parseGroupItem(p: Cursor): Expr {
  if (!p.isKws('GROUPING', 'SETS')) return parseExpr(p);
  const pos = p.pos();
  p.next();
  p.next();
  const sets = p.parenList((): Expr => {
    const at = p.pos();
    if (!p.isOp('(')) return { type: 'tuple', elements: [parseExpr(p)], pos: at };
    p.next();
    const elements = p.isOp(')') ? [] : p.commaList(() => parseExpr(p));
    p.expectOp(')');
    return { type: 'tuple', elements, pos: at };
  });
  return { type: 'function', name: [{ value: 'grouping sets', pos }], args: sets, distinct: false, pos };
}

function parseCte(p: Cursor): Cte {
  const pos = p.pos();
  const name = p.ident('a CTE name');
  const cte: Cte = { name, query: undefined as unknown as Query, pos };
  if (p.isOp('(')) cte.columns = p.parenList(() => p.ident('a column name'));
  p.expectKw('AS');
  p.expectOp('(');
  if (p.isKw('TQL')) {
    const tql = parseTqlSource(p, true);
    if (tql.kind !== 'EVAL') throw new ParseError('Invalid SQL, error: Only TQL EVAL is supported in CTEs', tql.pos);
    cte.query = tql;
  } else cte.query = parseQuery(p);
  p.expectOp(')');
  return cte;
}

const SET_PREC: Record<string, number> = { UNION: 1, EXCEPT: 1, INTERSECT: 2 };

function parseSetExpr(p: Cursor, minPrec: number): QueryBody {
  let left = parseSetPrimary(p);
  for (;;) {
    const t = p.peek();
    const prec = t.kind === 'word' ? SET_PREC[t.upper] : undefined;
    if (prec === undefined || prec <= minPrec) return left;
    p.next();
    const all = p.eatKw('ALL');
    if (!all) p.eatKw('DISTINCT');
    const right = parseSetExpr(p, prec);
    left = { type: 'set_op', op: t.upper as 'UNION', all, left, right, pos: left.pos };
  }
}

function parseSetPrimary(p: Cursor): QueryBody {
  if (p.isKw('SELECT')) return parseSelect(p);
  if (p.isKw('VALUES')) return parseValues(p);
  if (p.isOp('(')) {
    p.next();
    const q = parseQuery(p);
    p.expectOp(')');
    return q;
  }
  throw p.error('SELECT, VALUES or (');
}

export function parseValues(p: Cursor): Values {
  const pos = p.pos();
  p.expectKw('VALUES');
  // GreptimeDB accepts a trailing comma inside a row: ('a', 1, 1,).
  const rows = p.commaList(() => p.parenList(() => parseExpr(p), true));
  return { type: 'values', rows, pos };
}

function parseSelect(p: Cursor): Select {
  const pos = p.pos();
  p.expectKw('SELECT');
  const s: Select = { type: 'select', distinct: false, projection: [], from: [], groupBy: [], pos };
  if (p.eatKw('DISTINCT')) {
    s.distinct = true;
    if (p.eatKw('ON')) s.distinctOn = p.parenList(() => parseExpr(p));
  } else p.eatKw('ALL');
  // A trailing comma before FROM is accepted, as GreptimeDB does.
  s.projection = [parseSelectItem(p)];
  while (p.eatOp(',')) {
    if (p.isKw('FROM') || p.atEnd() || p.isOp(')')) break;
    s.projection.push(parseSelectItem(p));
  }
  if (p.eatKw('FROM')) s.from = p.commaList(() => parseTableRef(p));
  if (p.isKw('ALIGN')) s.align = parseAlign(p);
  if (p.eatKw('WHERE')) s.where = parseExpr(p);
  if (p.isKw('ALIGN')) s.align = parseAlign(p);
  if (p.eatKw('GROUP', 'BY')) {
    if (!p.eatKw('ALL')) s.groupBy = p.commaList(() => parseGroupItem(p));
  }
  if (p.eatKw('HAVING')) s.having = parseExpr(p);
  if (p.eatKw('WINDOW')) {
    const named = new Map<string, WindowSpec>();
    p.commaList(() => {
      const name = p.ident('a window name');
      if (named.has(name.value)) throw p.errorAt(`Window ${name.value} is defined more than once`, name.pos);
      p.expectKw('AS');
      named.set(name.value, parseWindowSpec(p));
    });
    for (const item of s.projection) resolveWindows(item, named);
    if (s.having) resolveWindows(s.having, named);
  }
  if (!s.align && p.isKw('ALIGN')) s.align = parseAlign(p);
  return s;
}

/**
 * WINDOW w AS (...): every `OVER w` / `OVER (w ...)` in the select takes the named window's partitioning, ordering
 * and frame where it gives none of its own (subqueries keep their own WINDOW clauses).
 */
function resolveWindows(node: unknown, named: Map<string, WindowSpec>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const x of node) resolveWindows(x, named); return; }
  const o = node as Record<string, unknown>;
  if (o.type === 'query') return;
  if (o.type === 'function' && o.over) {
    const w = o.over as WindowSpec;
    const base = w.name ? named.get(w.name.value) : undefined;
    if (base) {
      o.over = {
        partitionBy: w.partitionBy.length ? w.partitionBy : base.partitionBy,
        orderBy: w.orderBy.length ? w.orderBy : base.orderBy,
        ...(w.frame ?? base.frame ? { frame: w.frame ?? base.frame } : {}),
      };
    }
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'pos' && k !== 'span') resolveWindows(v, named);
}

function parseSelectItem(p: Cursor): SelectItem {
  const pos = p.pos();
  if (p.isOp('*')) {
    p.next();
    return { expr: { type: 'wildcard', pos }, pos };
  }
  const expr = parseExpr(p);
  const item: SelectItem = { expr, pos };
  if (expr.type === 'wildcard') return item;
  if (p.eatKw('AS')) {
    const t = p.peek();
    if (t.kind === 'string') {
      p.next();
      item.alias = { value: t.value, quote: "'", pos: p.pos(t) };
    } else item.alias = p.ident('an alias', true);
  }
  else if (p.isIdent()) item.alias = p.ident();
  return item;
}

function parseAlign(p: Cursor): AlignClause {
  const pos = p.pos();
  p.expectKw('ALIGN');
  const a: AlignClause = { align: parseRangeDuration(p), pos };
  if (p.eatKw('TO')) a.to = parseAlignTo(p);
  if (p.eatKw('BY')) a.by = p.parenList(() => parseExpr(p), true);
  if (p.eatKw('FILL')) a.fill = parseFill(p);
  return a;
}

/** ALIGN ... TO CALENDAR | UNKNOWN | '<timestamp>' | (<expr>) */
function parseAlignTo(p: Cursor): Expr {
  const t = p.peek();
  if (t.kind === 'word' && !p.isOp('(', 1)) {
    p.next();
    return { type: 'column', path: [{ value: t.value, pos: p.pos(t) }], pos: p.pos(t) };
  }
  return parseRangeDuration(p);
}

function parseTableAlias(p: Cursor): TableAlias | undefined {
  let name;
  if (p.eatKw('AS')) name = p.ident('an alias', true);
  else if (p.isTableAliasCandidate()) name = p.ident();
  else return undefined;
  const alias: TableAlias = { name };
  if (p.isOp('(') && (p.isIdent(1) && (p.isOp(',', 2) || p.isOp(')', 2)))) alias.columns = p.parenList(() => p.ident('a column alias'));
  return alias;
}

function parseTableFactor(p: Cursor): TableRef {
  return p.nested(() => parseTableFactorInner(p));
}

function parseTableFactorInner(p: Cursor): TableRef {
  const pos = p.pos();
  if (p.isOp('(')) {
    // A derived table, or a parenthesised join.
    if (p.isKw('SELECT', 1) || p.isKw('WITH', 1) || p.isKw('VALUES', 1) || p.isOp('(', 1)) {
      p.next();
      const query = parseQuery(p);
      p.expectOp(')');
      const t: TableRef = { type: 'derived', query, pos };
      const alias = parseTableAlias(p);
      if (alias) t.alias = alias;
      return t;
    }
    p.next();
    const inner = parseTableRef(p);
    p.expectOp(')');
    return inner;
  }
  p.eatKw('LATERAL');
  const name = p.objectName('a table name');
  if (p.isOp('(')) {
    const call = { type: 'function' as const, name, args: p.parenList(() => parseExpr(p), true), distinct: false, pos };
    const f: TableRef = { type: 'table_function', call, pos };
    const alias = parseTableAlias(p);
    if (alias) f.alias = alias;
    return f;
  }
  const t: TableRef = { type: 'table', name, pos };
  const alias = parseTableAlias(p);
  if (alias) t.alias = alias;
  return t;
}

function joinKind(p: Cursor): { kind: JoinKind; natural: boolean } | undefined {
  const start = p.i;
  const natural = p.eatKw('NATURAL');
  let kind: JoinKind | undefined;
  if (p.eatKw('JOIN')) kind = 'INNER';
  else if (p.eatKw('INNER', 'JOIN')) kind = 'INNER';
  else if (p.eatKw('CROSS', 'JOIN')) kind = 'CROSS';
  else {
    for (const side of ['LEFT', 'RIGHT', 'FULL'] as const) {
      if (!p.eatKw(side)) continue;
      if (side !== 'FULL' && (p.eatKw('SEMI') || p.eatKw('ANTI'))) {
        kind = `${side} ${p.prev().upper}` as JoinKind;
      } else {
        p.eatKw('OUTER');
        kind = side;
      }
      p.expectKw('JOIN');
      break;
    }
  }
  if (!kind) {
    p.i = start;
    return undefined;
  }
  return { kind, natural };
}

export function parseTableRef(p: Cursor): TableRef {
  let left = parseTableFactor(p);
  for (;;) {
    const pos = p.pos();
    const j = joinKind(p);
    if (!j) return left;
    const right = parseTableFactor(p);
    const join: TableRef = { type: 'join', kind: j.kind, left, right, pos };
    if (j.natural) join.natural = true;
    else if (j.kind !== 'CROSS') {
      if (p.eatKw('ON')) join.on = parseExpr(p);
      else if (p.eatKw('USING')) join.using = p.parenList(() => p.ident('a column name'));
      else throw p.error('ON or USING');
    }
    left = join;
  }
}
