// Expression parser (Pratt): precedence climbing over binary, postfix (IS, IN, ::, RANGE) and prefix operators.
import type { BinaryOp, Expr, FunctionCall, Ident, OrderByItem, Query, SourcePos } from '../ast.ts';
import { MAX_DEPTH, RESERVED, type Cursor } from './cursor.ts';
import { parseDataType } from './types.ts';
import { BINARY_PREC, Prec } from '../precedence.ts';

const INTERVAL_UNITS = new Set([
  'YEAR', 'YEARS', 'MONTH', 'MONTHS', 'WEEK', 'WEEKS', 'DAY', 'DAYS', 'HOUR', 'HOURS', 'MINUTE', 'MINUTES',
  'SECOND', 'SECONDS', 'MILLISECOND', 'MILLISECONDS', 'MICROSECOND', 'MICROSECONDS', 'NANOSECOND', 'NANOSECONDS',
  'QUARTER', 'DECADE', 'CENTURY', 'MILLENNIUM',
]);
const TYPED_STRING_TYPES = new Set(['TIMESTAMP', 'TIMESTAMPTZ', 'DATE', 'TIME', 'DATETIME']);
/** SQL's niladic functions, written without parentheses (PostgreSQL's CURRENT_USER, CURRENT_SCHEMA ... included). */
const NO_PAREN_FUNCTIONS = new Set([
  'CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME',
  'CURRENT_USER', 'SESSION_USER', 'CURRENT_ROLE', 'CURRENT_CATALOG', 'CURRENT_SCHEMA',
]);

export function parseExpr(p: Cursor, minPrec = 0): Expr {
  return p.nested(() => parseExprInner(p, minPrec));
}

/** Comparisons: a left-deep run of them (`a = b = c`) is nesting, not a flat chain, for the depth limit. */
const CMP = new Set<BinaryOp>(['=', '!=', '<>', '<', '<=', '>', '>=']);

/**
 * Operands and infix operators in a loop (no recursion per operand: `a OR b OR ...` of any length builds a
 * left-deep binary chain, which later stages fold iteratively). Postfix forms (`::`, `[]`, IS, IN, BETWEEN,
 * LIKE, RANGE) and comparisons each wrap the tree one level deeper: they count toward MAX_DEPTH like
 * parentheses do, so a deep tree is a ParseError at the position, never a stack overflow.
 */
function parseExprInner(p: Cursor, minPrec: number): Expr {
  let left = parsePrefix(p);
  let wraps = 0;
  for (;;) {
    const prec = nextPrecedence(p);
    if (prec <= minPrec) return left;
    const op = binaryOpAt(p);
    if ((op === undefined || CMP.has(op)) && p.depth + ++wraps > MAX_DEPTH) {
      throw p.errorAt(`Expected at most ${MAX_DEPTH} levels of nesting, found more`, p.pos());
    }
    left = parseInfix(p, left, prec);
  }
}

function binaryOpAt(p: Cursor): BinaryOp | undefined {
  const t = p.peek();
  if (t.kind === 'op') return t.value in BINARY_PREC ? (t.value as BinaryOp) : t.value === '==' ? '=' : undefined;
  if (t.kind === 'word' && (t.upper === 'AND' || t.upper === 'OR')) return t.upper;
  return undefined;
}

function nextPrecedence(p: Cursor): number {
  const t = p.peek();
  if (t.kind === 'op') {
    if (t.value === '::' || t.value === '[') return Prec.POSTFIX;
    if (t.value === '@@') return Prec.CMP;
    const op = binaryOpAt(p);
    return op ? BINARY_PREC[op] : 0;
  }
  if (t.kind !== 'word') return 0;
  switch (t.upper) {
    case 'AND': return Prec.AND;
    case 'OR': return Prec.OR;
    case 'IS': return Prec.IS;
    case 'IN': case 'BETWEEN': return Prec.CMP;
    case 'WITHIN': return p.peek(1).kind === 'string' ? Prec.CMP : 0;
    case 'LIKE': case 'ILIKE': return Prec.LIKE;
    case 'NOT': {
      const n = p.peek(1);
      if (n.kind !== 'word') return 0;
      if (n.upper === 'IN' || n.upper === 'BETWEEN') return Prec.CMP;
      if (n.upper === 'LIKE' || n.upper === 'ILIKE') return Prec.LIKE;
      return 0;
    }
    // RANGE binds like a postfix operator: `2 * min(v) RANGE '5s'` ranges only min(v). Only a string or a
    // parenthesised duration follows it, which keeps `OVER (ORDER BY ts RANGE UNBOUNDED PRECEDING)` a frame.
    case 'RANGE': return p.peek(1).kind === 'string' || p.isOp('(', 1) ? Prec.POSTFIX : 0;
    default: return 0;
  }
}

/**
 * GreptimeDB's `ts WITHIN '2025-12'`: the period the text names, to its precision (a year, month, day, hour, minute
 * or second), as `ts >= start AND ts < end`.
 */
function withinPeriod(p: Cursor, left: Expr, pos: SourcePos): Expr {
  const t = p.next();
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2}))?)?)?)?)?$/.exec(t.value.trim());
  if (t.kind !== 'string' || !m) throw p.errorAt(`Invalid WITHIN period '${t.value}': expected YYYY[-MM[-DD[THH[:MM[:SS]]]]]`, p.pos(t));
  const parts = [Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const depth = m.slice(1).findIndex((x) => x === undefined);
  const last = depth < 0 ? 5 : depth - 1;
  const start = new Date(0);
  start.setUTCFullYear(parts[0]!, parts[1]!, parts[2]!);
  start.setUTCHours(parts[3]!, parts[4]!, parts[5]!, 0);
  if (start.getUTCMonth() !== parts[1] || start.getUTCDate() !== parts[2] || start.getUTCHours() !== parts[3]) {
    throw p.errorAt(`Invalid WITHIN period '${t.value}'`, p.pos(t));
  }
  const end = new Date(start.getTime());
  if (last === 0) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (last === 1) end.setUTCMonth(end.getUTCMonth() + 1);
  else end.setTime(end.getTime() + [0, 0, 86_400_000, 3_600_000, 60_000, 1000][last]!);
  const text = (d: Date): Expr => ({ type: 'string', value: d.toISOString().slice(0, 19), pos: p.pos(t) });
  return {
    type: 'binary', op: 'AND', pos,
    left: { type: 'binary', op: '>=', left, right: text(start), pos },
    right: { type: 'binary', op: '<', left, right: text(end), pos },
  };
}

function parseInfix(p: Cursor, left: Expr, prec: number): Expr {
  const t = p.peek();
  const pos = left.pos;
  if (t.kind === 'op' && t.value === '::') {
    p.next();
    return { type: 'cast', expr: left, dataType: parseDataType(p), syntax: '::', pos };
  }
  if (t.kind === 'op' && t.value === '[') {
    p.next();
    const index = parseExpr(p);
    p.expectOp(']');
    return { type: 'index', expr: left, index, pos };
  }
  if (t.kind === 'word' && t.upper === 'RANGE') {
    p.next();
    const range = parseRangeDuration(p);
    const fill = p.eatKw('FILL') ? parseFill(p) : undefined;
    return fill === undefined ? { type: 'range', expr: left, range, pos } : { type: 'range', expr: left, range, fill, pos };
  }
  if (t.kind === 'word' && t.upper === 'IS') {
    p.next();
    const negated = p.eatKw('NOT');
    if (p.eatKw('DISTINCT', 'FROM')) return { type: 'is_distinct', left, right: parseExpr(p, Prec.IS), negated, pos };
    const n = p.peek();
    if (n.kind === 'word' && (n.upper === 'NULL' || n.upper === 'TRUE' || n.upper === 'FALSE' || n.upper === 'UNKNOWN')) {
      p.next();
      return { type: 'is', expr: left, negated, test: n.upper, pos };
    }
    throw p.error('NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS');
  }
  if (t.kind === 'op' && t.value === '@@') {
    // GreptimeDB's shorthand: `text @@ term` is matches_term(text, term)
    p.next();
    const right = parseExpr(p, prec);
    return { type: 'function', name: [{ value: 'matches_term', pos: p.pos(t) }], args: [left, right], distinct: false, pos };
  }
  if (t.kind === 'word' && t.upper === 'WITHIN') {
    p.next();
    return withinPeriod(p, left, pos);
  }
  const negated = p.eatKw('NOT');
  if (p.eatKw('IN')) {
    p.expectOp('(');
    if (p.isKw('SELECT') || p.isKw('WITH')) {
      const query = p.sub.query(p);
      p.expectOp(')');
      return { type: 'in_subquery', expr: left, query, negated, pos };
    }
    const list = p.isOp(')') ? [] : p.commaList(() => parseExpr(p));
    p.expectOp(')');
    return { type: 'in_list', expr: left, list, negated, pos };
  }
  if (p.eatKw('BETWEEN')) {
    const low = parseExpr(p, Prec.CMP);
    p.expectKw('AND');
    const high = parseExpr(p, Prec.CMP);
    return { type: 'between', expr: left, low, high, negated, pos };
  }
  if (p.isKw('LIKE') || p.isKw('ILIKE')) {
    const caseInsensitive = p.next().upper === 'ILIKE';
    const pattern = parseExpr(p, Prec.LIKE);
    const like: Expr = { type: 'like', expr: left, pattern, negated, caseInsensitive, pos };
    if (p.eatKw('ESCAPE')) like.escape = parsePrefix(p);
    return like;
  }
  if (negated) throw p.error('IN, BETWEEN, LIKE or ILIKE after NOT');
  const op = binaryOpAt(p)!;
  p.next();
  return { type: 'binary', op, left, right: parseExpr(p, prec), pos };
}

/** RANGE and ALIGN durations: a string ('5m'), a number, or a parenthesised expression. */
export function parseRangeDuration(p: Cursor): Expr {
  const t = p.peek();
  if (t.kind === 'string') {
    p.next();
    return { type: 'string', value: t.value, pos: p.pos(t) };
  }
  if (t.kind === 'number') {
    p.next();
    return { type: 'number', value: t.value, pos: p.pos(t) };
  }
  if (t.kind === 'op' && t.value === '(') {
    p.next();
    const e = parseExpr(p);
    p.expectOp(')');
    return e;
  }
  if (t.kind === 'word' && t.upper === 'INTERVAL') return parsePrefix(p);
  throw p.error("a duration ('5m' or (INTERVAL ...))");
}

/** FILL PREV | LINEAR | NULL | <number> | '<value>': kept as text, keywords upper-cased. */
export function parseFill(p: Cursor): string {
  const t = p.peek();
  if (t.kind === 'word' && !RESERVED.has(t.upper)) {
    p.next();
    return t.upper;
  }
  if (t.kind === 'number' || t.kind === 'string') {
    p.next();
    return t.value;
  }
  if (t.kind === 'op' && (t.value === '-' || t.value === '+') && p.peek(1).kind === 'number') {
    p.next();
    return (t.value === '-' ? '-' : '') + p.next().value;
  }
  throw p.error('a FILL option (PREV, LINEAR, NULL or a number)');
}

function parsePrefix(p: Cursor): Expr {
  const t = p.peek();
  const pos = p.pos(t);
  switch (t.kind) {
    case 'number': {
      const d = p.bareDuration();
      if (d) return { type: 'interval', value: { type: 'string', value: d.text, pos: d.pos }, pos: d.pos };
      p.next();
      return { type: 'number', value: t.value, pos };
    }
    case 'string':
      p.next();
      return { type: 'string', value: t.value, pos };
    case 'qident':
      return parseNameOrCall(p);
    case 'op':
      return parseOpPrefix(p);
    case 'word':
      return parseWordPrefix(p);
    default:
      throw p.error('an expression');
  }
}

function parseOpPrefix(p: Cursor): Expr {
  const t = p.peek();
  const pos = p.pos(t);
  switch (t.value) {
    case '-':
    case '+':
    case '~':
      p.next();
      return { type: 'unary', op: t.value, expr: parseExpr(p, Prec.UNARY), pos };
    case '(': {
      p.next();
      if (p.isKw('SELECT') || p.isKw('WITH')) {
        const query = p.sub.query(p);
        p.expectOp(')');
        return { type: 'subquery', query, pos };
      }
      const first = parseExpr(p);
      if (p.isOp(',')) {
        const elements = [first];
        while (p.eatOp(',')) elements.push(parseExpr(p));
        p.expectOp(')');
        return { type: 'tuple', elements, pos };
      }
      p.expectOp(')');
      return first;
    }
    case '[': {
      p.next();
      const elements = p.isOp(']') ? [] : p.commaList(() => parseExpr(p));
      p.expectOp(']');
      return { type: 'array', elements, pos };
    }
    default:
      throw p.error('an expression');
  }
}

function parseWordPrefix(p: Cursor): Expr {
  const t = p.peek();
  const pos = p.pos(t);
  const nextIsParen = p.isOp('(', 1);
  // X'0A1b': a binary literal, the prefix written against the quote
  if (t.upper === 'X' && p.peek(1).kind === 'string' && p.peek(1).offset === t.end) {
    p.next();
    const s = p.next();
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(s.value)) throw p.errorAt(`Invalid hexadecimal binary literal X'${s.value}': a binary literal is pairs of hex digits (0-9, a-f)`, p.pos(s));
    return { type: 'typed_string', dataType: { name: 'BINARY', raw: 'X', pos }, value: s.value.toLowerCase(), hex: true, pos };
  }
  switch (t.upper) {
    case 'NULL':
      p.next();
      return { type: 'null', pos };
    case 'TRUE':
    case 'FALSE':
      p.next();
      return { type: 'boolean', value: t.upper === 'TRUE', pos };
    case 'NOT':
      p.next();
      if (p.eatKw('EXISTS')) return parseExists(p, pos, true);
      return { type: 'unary', op: 'NOT', expr: parseExpr(p, Prec.NOT), pos };
    case 'EXISTS':
      if (!nextIsParen) break;
      p.next();
      return parseExists(p, pos, false);
    case 'CASE':
      return parseCase(p);
    case 'MAP': {
      // DataFusion's map literal MAP {k: v, ...}: planned as map([k, ...], [v, ...]), as DataFusion plans it
      if (!p.isOp('{', 1)) break;
      p.next();
      p.next();
      const keys: Expr[] = [], values: Expr[] = [];
      if (!p.isOp('}')) {
        p.commaList(() => {
          keys.push(parseExpr(p));
          p.expectOp(':');
          values.push(parseExpr(p));
        });
      }
      p.expectOp('}');
      const list = (elements: Expr[]): Expr => ({ type: 'array', elements, pos });
      return { type: 'function', name: [{ value: 'map', pos }], args: [list(keys), list(values)], distinct: false, pos };
    }
    case 'CAST':
    case 'TRY_CAST': {
      if (!nextIsParen) break;
      p.next();
      p.expectOp('(');
      const expr = parseExpr(p);
      p.expectKw('AS');
      const dataType = parseDataType(p);
      p.expectOp(')');
      return { type: 'cast', expr, dataType, syntax: t.upper === 'CAST' ? 'cast' : 'try_cast', pos };
    }
    case 'INTERVAL': {
      if (nextIsParen) break;
      p.next();
      const value = parsePrefix(p);
      const u = p.peek();
      if (u.kind === 'word' && INTERVAL_UNITS.has(u.upper)) {
        p.next();
        return { type: 'interval', value, unit: u.upper, pos };
      }
      return { type: 'interval', value, pos };
    }
    case 'POSITION':
    case 'TRIM':
    case 'OVERLAY':
    case 'SUBSTRING': {
      const special = nextIsParen ? parseSpecialCall(p, t.upper, pos) : undefined;
      if (special) return special;
      break;
    }
    case 'EXTRACT': {
      if (!nextIsParen) break;
      p.next();
      p.expectOp('(');
      const f = p.next();
      if (f.kind !== 'word' && f.kind !== 'string') throw p.error('a date part', f);
      p.expectKw('FROM');
      const expr = parseExpr(p);
      p.expectOp(')');
      return { type: 'extract', field: f.kind === 'word' ? f.upper : f.value.toUpperCase(), expr, pos };
    }
  }
  if (TYPED_STRING_TYPES.has(t.upper) && p.peek(1).kind === 'string') {
    const dataType = parseDataType(p);
    return { type: 'typed_string', dataType, value: p.string(), pos };
  }
  if (NO_PAREN_FUNCTIONS.has(t.upper) && !nextIsParen) {
    p.next();
    return { type: 'function', name: [{ value: t.value, pos }], args: [], distinct: false, noParens: true, pos };
  }
  if (RESERVED.has(t.upper) && !nextIsParen) throw p.error('an expression');
  return parseNameOrCall(p);
}

/**
 * The keyword forms of three string functions, as sqlparser-rs reads them, turned into the plain calls DataFusion
 * plans (and names its columns after): POSITION(sub IN s) -> strpos(s, sub); TRIM([BOTH|LEADING|TRAILING] [chars]
 * FROM s) -> btrim/ltrim/rtrim(s[, chars]); SUBSTRING(s FROM a [FOR n]) -> substr(s, a[, n]); OVERLAY(s PLACING r
 * FROM a [FOR n]) -> overlay(s, r, a[, n]). Undefined when the
 * call is written the ordinary way (then it parses as any call).
 */
function parseSpecialCall(p: Cursor, kw: string, pos: SourcePos): Expr | undefined {
  const start = p.i;
  p.next();
  p.expectOp('(');
  const call = (name: string, args: Expr[]): Expr => ({ type: 'function', name: [{ value: name, pos }], args, distinct: false, pos });
  if (kw === 'POSITION') {
    const sub = parseExpr(p, Prec.CMP);
    if (!p.eatKw('IN')) { p.i = start; return undefined; }
    const s = parseExpr(p);
    p.expectOp(')');
    return call('strpos', [s, sub]);
  }
  if (kw === 'TRIM') {
    const where = p.isKw('BOTH') || p.isKw('LEADING') || p.isKw('TRAILING') ? p.next().upper : undefined;
    const name = where === 'LEADING' ? 'ltrim' : where === 'TRAILING' ? 'rtrim' : 'btrim';
    if (where && p.eatKw('FROM')) {
      const s = parseExpr(p);
      p.expectOp(')');
      return call(name, [s]);
    }
    const first = parseExpr(p);
    if (p.eatKw('FROM')) {
      const s = parseExpr(p);
      p.expectOp(')');
      return call(name, [s, first]);
    }
    if (where) throw p.error('FROM');
    p.i = start;
    return undefined;
  }
  const s = parseExpr(p);
  if (kw === 'OVERLAY') {
    if (!p.eatKw('PLACING')) { p.i = start; return undefined; }
    const args = [s, parseExpr(p)];
    p.expectKw('FROM');
    args.push(parseExpr(p));
    if (p.eatKw('FOR')) args.push(parseExpr(p));
    p.expectOp(')');
    return call('overlay', args);
  }
  if (!p.isKw('FROM') && !p.isKw('FOR')) { p.i = start; return undefined; }
  const args = [s];
  if (p.eatKw('FROM')) args.push(parseExpr(p));
  else args.push({ type: 'number', value: '1', pos });
  if (p.eatKw('FOR')) args.push(parseExpr(p));
  p.expectOp(')');
  return call('substr', args);
}

function parseExists(p: Cursor, pos: SourcePos, negated: boolean): Expr {
  p.expectOp('(');
  const query = p.sub.query(p);
  p.expectOp(')');
  return { type: 'exists', query, negated, pos };
}

function parseCase(p: Cursor): Expr {
  const pos = p.pos();
  p.expectKw('CASE');
  const operand = p.isKw('WHEN') ? undefined : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  while (p.eatKw('WHEN')) {
    const when = parseExpr(p);
    p.expectKw('THEN');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) throw p.error('WHEN');
  const els = p.eatKw('ELSE') ? parseExpr(p) : undefined;
  p.expectKw('END');
  const c: Expr = { type: 'case', whens, pos };
  if (operand) c.operand = operand;
  if (els) c.else = els;
  return c;
}

/** a, t.a, db.t.a, t.*, f(...), schema.f(...) */
function parseNameOrCall(p: Cursor): Expr {
  const pos = p.pos();
  const path: Ident[] = [p.ident('an expression', true)];
  while (p.isOp('.')) {
    p.next();
    if (p.isOp('*')) {
      p.next();
      return { type: 'wildcard', qualifier: path, pos };
    }
    path.push(p.ident('a column name', true));
  }
  if (p.isOp('(')) return p.sub.call(p, path, pos);
  return { type: 'column', path, pos };
}

/** Order-by item: expr [ASC|DESC] [NULLS FIRST|LAST]. */
export function parseOrderByList(p: Cursor): OrderByItem[] {
  return p.commaList(() => parseOrderByItem(p));
}

export function parseOrderByItem(p: Cursor): OrderByItem {
  const pos = p.pos();
  const item: OrderByItem = { expr: parseExpr(p), pos };
  if (p.eatKw('ASC')) item.asc = true;
  else if (p.eatKw('DESC')) item.asc = false;
  if (p.eatKw('NULLS', 'FIRST')) item.nullsFirst = true;
  else if (p.eatKw('NULLS', 'LAST')) item.nullsFirst = false;
  return item;
}
