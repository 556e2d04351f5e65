// The one expression printer: a single AST walk, parameterised by style, that spells SQL text or display names.
//
// Styles:
//  - 'sql': faithful SQL text, parseExpr(formatExpr(e)) gives back e (positions aside). Parentheses come from
//    operator precedence (precedence.ts); subqueries print from their source span.
//  - 'header': GreptimeDB's result-set headers for unaliased select items: the output column names of every query
//    (core/query/expr/names.ts outputName) and of flows; tests/core/sql/conformance.test.ts holds it against
//    GreptimeDB's sqlness .result files. Rules:
//    - columns as `qualify` resolves them (default: as written); literals carry their Arrow type: `Int64(1)`,
//      `Float64(0.5)` (Rust f64 display), `Utf8("a")`, `Boolean(true)`, `NULL`; `-1` folds to `Int64(-1)`.
//    - calls: `round(var_pop(t.val),Int64(2))` (no spaces), unquoted names lower-cased, an alias named by its
//      function (`covar` -> `covar_samp`, `substring` -> `substr`, FUNCTION_ALIASES), `UNNEST(..)`;
//      `string_agg(t.x,Utf8(",")) ORDER BY [t.x ASC NULLS LAST]`, `... WITHIN GROUP [t.i DESC NULLS FIRST]`
//      (null order always printed); windows `row_number() PARTITION BY [t.i] ORDER BY [..] RANGE BETWEEN ..`.
//    - `left op right` without parentheses (`<>` is `!=`, xor `^` is `#`); casts are transparent, except casts to
//      GreptimeDB's own type names (INT16, UINT8, FLOAT64 ..) and, in an ALIGN query, every cast outside the range
//      aggregates: those are `arrow_cast(x,Utf8("Int64"))`; TIMESTAMP '..' is `Utf8("..")` (blanks folded);
//      EXTRACT(year FROM x) is `date_part(Utf8("YEAR"),x)`.
//    - unary minus on a non-literal is `(- x)`; IN lists are `x IN Int64(1), Int64(2)`; subquery forms are
//      `IN`/`NOT IN`/`EXISTS`, a scalar subquery takes its first column's name.
//    - range items: every outermost call gets ` RANGE 5s[ FILL x]`, count(*) is count(Int64(1)) there;
//      intervals print as `IntervalMonthDayNano("IntervalMonthDayNano { months: 0, days: 1, .. }")`.
//  - 'display': the planner's internal keys that match a select item to its GROUP BY / aggregate / window column
//    (core/query/expr/names.ts exprName), never shown to users. Like 'header' but unambiguous where a header is
//    not: IN lists are `x IN ([a, b])`, subqueries `(<subquery>)`, a range item `expr RANGE 5s FILL PREV`,
//    intervals keep their text. Both sides of a key are printed by it, so only its distinctness matters.
//
// Left-deep chains of binary operators (`a + b + ... `, `x AND y AND ...`) are printed by a loop, not by
// recursion, so a chain of any length prints without exhausting the stack; only real nesting recurses.
import type { Binary, ColumnRef, Expr, FunctionCall, OrderByItem, Query, SelectItem, FrameExclude, WindowFrameBound, WindowSpec } from './ast.ts';
import { intervalToMonthDayNano } from './interval.ts';
import { BINARY_PREC, Prec } from './precedence.ts';
import { ARROW_TYPES, FUNCTION_ALIASES, NUMERIC_CAST, formatIdent, formatString, numberLiteralName, timestampArrowCast } from './print_literals.ts';

export { formatIdent, formatString, rustFloat } from './print_literals.ts';

/** Options of the 'header' style (the select-item names of GreptimeDB's result sets). */
export interface NameOptions {
  /** The qualified path of a column (e.g. ['system_metrics', 'cpu_util']); default: as written. */
  qualify?: (c: ColumnRef) => string[];
  /** The select has ALIGN: GreptimeDB rewrites casts outside range aggregates to arrow_cast(x,Utf8("T")). */
  rangeQuery?: boolean;
  /** ALIGN ... FILL x: the fill of range items that name none. */
  alignFill?: string;
  /** Internal: the ` RANGE ... FILL ...` suffix to put on every call inside a range item. */
  rangeSuffix?: string;
}

export type PrintStyle =
  | { kind: 'sql' }
  | ({ kind: 'header' } & NameOptions)
  | { kind: 'display'; column: (c: ColumnRef) => string };

const SQL: PrintStyle = { kind: 'sql' };

/** Prints an expression in the given style (see the top of this file). */
export function printExpr(e: Expr, st: PrintStyle): string {
  return walk(e, st);
}

/** SQL text that parses back to the same AST. */
export function formatExpr(e: Expr): string {
  return walk(e, SQL);
}

/** The GreptimeDB header of an expression (see 'header' at the top of this file). */
export function exprToSql(e: Expr, opts: NameOptions = {}): string {
  return walk(e, { kind: 'header', ...opts });
}

/** The column header of a select item: an alias wins, a bare column is its own (unqualified) name. */
export function selectItemName(item: SelectItem, opts: NameOptions = {}): string {
  if (item.alias) return item.alias.value;
  return columnOrExprName(item.expr, { kind: 'header', ...opts });
}

/** A bare column names itself (unqualified); anything else by its display name in `st`. */
export function columnOrExprName(e: Expr, st: PrintStyle): string {
  if (e.type === 'column') return e.path[e.path.length - 1]!.value;
  return walk(e, st);
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

/** An operand: in SQL text wrapped in parentheses unless it binds tighter than `min` (or as tight, when `orEqual`). */
function sub(e: Expr, st: PrintStyle, min: number, orEqual = false): string {
  const s = walk(e, st);
  if (st.kind !== 'sql') return s;
  const p = precOf(e);
  return p > min || (orEqual && p === min) ? s : `(${s})`;
}

/**
 * A left-deep chain of binary operators, iteratively: walk down the left spine while the left operand needs no
 * parentheses, print the innermost left operand, then append `op right` on the way back up.
 */
function binaryChain(top: Binary, st: PrintStyle): string {
  const spine: Binary[] = [top];
  let cur: Expr = top.left;
  while (cur.type === 'binary' && (st.kind !== 'sql' || BINARY_PREC[cur.op] >= BINARY_PREC[spine[spine.length - 1]!.op])) {
    spine.push(cur);
    cur = cur.left;
  }
  let s = sub(cur, st, BINARY_PREC[spine[spine.length - 1]!.op], true);
  for (let i = spine.length - 1; i >= 0; i--) {
    const b = spine[i]!;
    // DataFusion spells `<>` as `!=` and bitwise xor (`^` in GreptimeDB's MySQL dialect) as `#`.
    const op = st.kind === 'sql' ? b.op : b.op === '<>' ? '!=' : b.op === '^' ? '#' : b.op;
    s += ` ${op} ${sub(b.right, st, BINARY_PREC[b.op])}`;
  }
  return s;
}

function orderBy(items: OrderByItem[], st: PrintStyle): string {
  if (st.kind === 'sql') {
    return items
      .map((o) => walk(o.expr, st) + (o.asc === undefined ? '' : o.asc ? ' ASC' : ' DESC') + (o.nullsFirst === undefined ? '' : o.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'))
      .join(', ');
  }
  // Display names always spell the direction and the null order (NULLS LAST for ASC, FIRST for DESC by default).
  const list = items.map((o) => {
    const asc = o.asc !== false;
    const nullsFirst = o.nullsFirst ?? !asc;
    return `${walk(o.expr, st)} ${asc ? 'ASC' : 'DESC'} ${nullsFirst ? 'NULLS FIRST' : 'NULLS LAST'}`;
  });
  return `[${list.join(', ')}]`;
}

function excludeText(x: FrameExclude | undefined): string {
  return x === undefined ? '' : ` EXCLUDE ${x === 'current_row' ? 'CURRENT ROW' : x.toUpperCase()}`;
}

function frameBound(b: WindowFrameBound, st: PrintStyle): string {
  switch (b.kind) {
    case 'current_row': return 'CURRENT ROW';
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
  }
  const dir = b.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING';
  const o = b.offset;
  if (st.kind === 'sql') return `${walk(o!, st)} ${dir}`;
  // Frame offsets are plain scalar values in display names (Display, not Debug): `1 PRECEDING`.
  if (st.kind === 'header') return `${o!.type === 'number' || o!.type === 'string' ? o!.value : walk(o!, st)} ${dir}`;
  return `${o ? walk(o, st).replace(/^\w+\((.*)\)$/, '$1') : ''} ${dir}`;
}

function window(w: WindowSpec, st: PrintStyle): string {
  if (st.kind === 'sql') {
    if (w.name && w.partitionBy.length === 0 && w.orderBy.length === 0 && !w.frame) return ` OVER ${formatIdent(w.name)}`;
    const parts: string[] = [];
    if (w.name) parts.push(formatIdent(w.name));
    if (w.partitionBy.length) parts.push(`PARTITION BY ${w.partitionBy.map((x) => walk(x, st)).join(', ')}`);
    if (w.orderBy.length) parts.push(`ORDER BY ${orderBy(w.orderBy, st)}`);
    const f = w.frame;
    if (f) parts.push((f.end ? `${f.units} BETWEEN ${frameBound(f.start, st)} AND ${frameBound(f.end, st)}` : `${f.units} ${frameBound(f.start, st)}`) + excludeText(f.exclude));
    return ` OVER (${parts.join(' ')})`;
  }
  let s = '';
  if (w.partitionBy.length) s += ` PARTITION BY [${w.partitionBy.map((x) => walk(x, st)).join(', ')}]`;
  if (w.orderBy.length) s += ` ORDER BY ${orderBy(w.orderBy, st)}`;
  const f = w.frame;
  if (f) s += ` ${f.units} BETWEEN ${frameBound(f.start, st)} AND ${frameBound(f.end ?? { kind: 'current_row' }, st)}${excludeText(f.exclude)}`;
  else if (w.orderBy.length) s += ' RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  else s += ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
  return s;
}

/** A subquery: SQL text from its source span; in headers the name of its first column. */
function query(q: Query, st: PrintStyle): string {
  if (st.kind === 'sql') return q.span?.text ?? '/* query */';
  if (st.kind === 'display') return '<subquery>';
  let body = q.body;
  while (body.type === 'query' || body.type === 'set_op') body = body.type === 'query' ? body.body : body.left;
  const first = body.type === 'select' ? body.projection[0] : undefined;
  if (!first) return 'column1';
  return first.alias ? first.alias.value : columnOrExprName(first.expr, st);
}

function call(e: FunctionCall, st: PrintStyle): string {
  if (st.kind === 'sql') {
    const name = e.name.map(formatIdent).join('.');
    if (e.noParens) return name.toUpperCase();
    let s = `${name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map((a) => walk(a, st)).join(', ')}`;
    if (e.orderBy) s += ` ORDER BY ${orderBy(e.orderBy, st)}`;
    s += ')';
    if (e.nulls) s += e.nulls === 'ignore' ? ' IGNORE NULLS' : ' RESPECT NULLS';
    if (e.withinGroup) s += ` WITHIN GROUP (ORDER BY ${orderBy(e.withinGroup, st)})`;
    if (e.filter) s += ` FILTER (WHERE ${walk(e.filter, st)})`;
    if (e.over) s += window(e.over, st);
    return s;
  }
  const raw = e.name.map((i) => i.value).join('.');
  let name: string;
  let args: string[];
  let suffix = '';
  if (st.kind === 'display') {
    name = raw.toLowerCase();
    name = FUNCTION_ALIASES[name] ?? name;
    if (e.noParens) return `${name}()`;
    if (name === 'unnest') name = 'UNNEST';
    args = e.args.map((a) => walk(a, st));
  } else {
    // Unquoted names are case-insensitive (DataFusion lower-cases them); an alias is named by its function.
    const folded = e.name.every((i) => i.quote === undefined) ? raw.toLowerCase() : raw;
    name = FUNCTION_ALIASES[folded] ?? folded;
    if (name === 'unnest') name = 'UNNEST'; // DataFusion's unnest is a plan node, printed in capitals
    if (st.rangeSuffix) {
      // Inside a range item every outermost call is a range aggregate; count(*) is count(Int64(1)) there.
      suffix = st.rangeSuffix;
      st = { ...st, rangeSuffix: undefined, rangeQuery: false };
      args = e.args.map((a) => (a.type === 'wildcard' ? 'Int64(1)' : walk(a, st)));
    } else args = e.args.map((a) => walk(a, st));
  }
  let s = `${name}(${e.distinct ? 'DISTINCT ' : ''}${args.join(',')})`;
  if (e.nulls) s += e.nulls === 'ignore' ? ' IGNORE NULLS' : ' RESPECT NULLS';
  if (e.filter) s += ` FILTER (WHERE ${walk(e.filter, st)})`;
  if (e.orderBy?.length) s += ` ORDER BY ${orderBy(e.orderBy, st)}`;
  if (e.withinGroup?.length) s += ` WITHIN GROUP ${orderBy(e.withinGroup, st)}`;
  if (e.over) s += window(e.over, st);
  return s + suffix;
}

function walk(e: Expr, st: PrintStyle): string {
  const sql = st.kind === 'sql';
  const n = (x: Expr): string => walk(x, st);
  const not = (negated: boolean): string => (negated ? 'NOT ' : '');
  switch (e.type) {
    case 'number': return sql ? e.value : numberLiteralName(e.value, false, st.kind === 'header');
    case 'string': return sql ? formatString(e.value) : `Utf8("${e.value}")`;
    case 'boolean': return sql ? (e.value ? 'TRUE' : 'FALSE') : `Boolean(${e.value})`;
    case 'null': return 'NULL';
    case 'interval': {
      if (sql) return `INTERVAL ${sub(e.value, st, Prec.POSTFIX)}${e.unit ? ' ' + e.unit : ''}`;
      if (st.kind === 'display') return `IntervalMonthDayNano("${e.value.type === 'string' ? e.value.value : ''}${e.unit ? ' ' + e.unit : ''}")`;
      const mdn = intervalToMonthDayNano(e);
      if (!mdn) return `IntervalMonthDayNano(${n(e.value)})`;
      return `IntervalMonthDayNano("IntervalMonthDayNano { months: ${mdn.months}, days: ${mdn.days}, nanoseconds: ${mdn.nanoseconds} }")`;
    }
    case 'typed_string':
      if (e.hex) return sql ? `X'${e.value}'` : `Binary("${hexBytes(e.value)}")`;
      if (sql) return `${e.dataType.raw} ${formatString(e.value)}`;
      // DataFusion names a typed literal by its text (Utf8("2024-01-01")); GreptimeDB trims date and time text and
      // folds its runs of blanks first (TIMESTAMP '  2017-07-23   13:10:11 ' is Utf8("2017-07-23 13:10:11")).
      return `Utf8("${/^(TIMESTAMP|DATE|TIME)/i.test(e.dataType.name) ? e.value.trim().replace(/\s+/g, ' ') : e.value}")`;
    case 'column':
      if (sql) return e.path.map(formatIdent).join('.');
      if (st.kind === 'display') return st.column(e);
      return (st.qualify ? st.qualify(e) : e.path.map((i) => i.value)).join('.');
    case 'wildcard': return e.qualifier ? `${e.qualifier.map((i) => (sql ? formatIdent(i) : i.value)).join('.')}.*` : '*';
    case 'unary':
      if (sql) return e.op === 'NOT' ? `NOT ${sub(e.expr, st, Prec.NOT, true)}` : `${e.op}${sub(e.expr, st, Prec.UNARY, true).replace(/^([-+~])/, ' $1')}`;
      if (e.op === '-' && e.expr.type === 'number') return numberLiteralName(e.expr.value, true, st.kind === 'header');
      if (e.op === 'NOT') return `NOT ${n(e.expr)}`;
      // Unary plus is transparent; the planner drops `~` too, GreptimeDB's headers keep it like minus.
      if (e.op === '-' || (e.op === '~' && st.kind === 'header')) return `(${e.op} ${n(e.expr)})`;
      return n(e.expr);
    case 'binary': return binaryChain(e, st);
    case 'is': return `${sub(e.expr, st, Prec.IS, true)} IS ${not(e.negated)}${e.test}`;
    case 'is_distinct': return `${sub(e.left, st, Prec.IS, true)} IS ${not(e.negated)}DISTINCT FROM ${sub(e.right, st, Prec.IS)}`;
    case 'in_list': {
      const list = e.list.map(n).join(', ');
      const head = `${sub(e.expr, st, Prec.CMP, true)} ${not(e.negated)}IN `;
      return head + (sql ? `(${list})` : st.kind === 'display' ? `([${list}])` : list);
    }
    case 'in_subquery':
      if (st.kind === 'header') return e.negated ? 'NOT IN' : 'IN';
      return `${sub(e.expr, st, Prec.CMP, true)} ${not(e.negated)}IN (${query(e.query, st)})`;
    case 'between':
      return `${sub(e.expr, st, Prec.CMP, true)} ${not(e.negated)}BETWEEN ${sub(e.low, st, Prec.CMP)} AND ${sub(e.high, st, Prec.CMP)}`;
    case 'like': {
      const s = `${sub(e.expr, st, Prec.LIKE, true)} ${not(e.negated)}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${sub(e.pattern, st, Prec.LIKE)}`;
      if (!e.escape || st.kind === 'display') return s;
      if (sql) return `${s} ESCAPE ${sub(e.escape, st, Prec.POSTFIX)}`;
      return e.escape.type === 'string' ? `${s} CHAR '${e.escape.value}'` : s;
    }
    case 'case': {
      let s = 'CASE ';
      if (e.operand) s += `${n(e.operand)} `;
      for (const w of e.whens) s += `WHEN ${n(w.when)} THEN ${n(w.then)} `;
      if (e.else) s += `ELSE ${n(e.else)} `;
      return s + 'END';
    }
    case 'cast': {
      if (sql) {
        if (e.syntax === '::') return `${sub(e.expr, st, Prec.POSTFIX, true)}::${e.dataType.raw}`;
        return `${e.syntax === 'cast' ? 'CAST' : 'TRY_CAST'}(${n(e.expr)} AS ${e.dataType.raw})`;
      }
      // Casts are transparent in names, except those GreptimeDB plans as arrow_cast: its own type names (INT8 ..
      // UINT64, FLOAT32 / FLOAT64, which SQL lacks; TIMESTAMP without a precision and TIMESTAMP_S .. _NS) always, and
      // in an ALIGN query every cast outside the range calls.
      const alias = NUMERIC_CAST.test(e.dataType.raw.toUpperCase()) ? ARROW_TYPES[e.dataType.name.toUpperCase()] ?? e.dataType.name.toUpperCase() : e.syntax === 'try_cast' ? undefined : timestampArrowCast(e.dataType);
      const arrow = alias ?? (st.kind === 'header' && st.rangeQuery && !st.rangeSuffix ? ARROW_TYPES[e.dataType.name] : undefined);
      if (arrow) return `arrow_cast(${n(e.expr)},Utf8("${arrow}"))`;
      // The planner's internal names (display) keep the cast: `sum(d)` and `sum(CAST(d AS BIGINT))` are two aggregates
      // with two results, though their headers are alike.
      return st.kind === 'display' ? `CAST(${n(e.expr)} AS ${e.dataType.raw.toUpperCase()})` : n(e.expr);
    }
    case 'function': return call(e, st);
    case 'range': {
      if (sql) {
        const r = e.range.type === 'string' || e.range.type === 'number' ? n(e.range) : `(${n(e.range)})`;
        const fill = e.fill === undefined ? '' : /^[A-Z]+$/.test(e.fill) || /^-?[0-9.]+$/.test(e.fill) ? ` FILL ${e.fill}` : ` FILL ${formatString(e.fill)}`;
        return `${sub(e.expr, st, Prec.POSTFIX, true)} RANGE ${r}${fill}`;
      }
      const duration = e.range.type === 'string' ? e.range.value : n(e.range);
      if (st.kind === 'display') return `${n(e.expr)} RANGE ${duration}${e.fill ? ` FILL ${e.fill.toUpperCase()}` : ''}`;
      const fill = e.fill ?? st.alignFill;
      return walk(e.expr, { ...st, rangeSuffix: ` RANGE ${duration}${fill === undefined ? '' : ` FILL ${fill}`}` });
    }
    case 'subquery': return st.kind === 'header' ? query(e.query, st) : `(${query(e.query, st)})`;
    case 'exists':
      if (st.kind === 'header') return e.negated ? 'NOT EXISTS' : 'EXISTS';
      return `${not(e.negated)}EXISTS (${query(e.query, st)})`;
    case 'array': return sql ? `[${e.elements.map(n).join(', ')}]` : `make_array(${e.elements.map(n).join(',')})`;
    case 'index': return `${sub(e.expr, st, Prec.POSTFIX, true)}[${n(e.index)}]`;
    case 'tuple': return sql ? `(${e.elements.map(n).join(', ')})` : `struct(${e.elements.map(n).join(',')})`;
    case 'extract':
      if (sql) return `EXTRACT(${e.field} FROM ${n(e.expr)})`;
      // the field is a keyword, which DataFusion spells in capitals whatever the query wrote
      return `date_part(Utf8("${st.kind === 'display' ? e.field.toLowerCase() : e.field.toUpperCase()}"),${n(e.expr)})`;
  }
}

/** DataFusion's display of a binary literal's bytes: decimal, comma-separated (X'0102' is Binary("1,2")). */
function hexBytes(hex: string): string {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out.join(',');
}
