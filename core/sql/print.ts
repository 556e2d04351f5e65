// Column names for unaliased select items, spelled the way GreptimeDB (DataFusion) spells them.
//
// Rules, derived from the headers of GreptimeDB's sqlness .result files:
//  - An alias wins. A bare column is its own name (`host`), never qualified.
//  - Inside any larger expression, columns are qualified by their relation: `avg(system_metrics.cpu_util)`,
//    `information_schema.flows.created_time IS NOT NULL` (pass `qualify` to resolve; default: as written).
//  - Literals carry their Arrow type: `Int64(1)`, `Float64(0.5)`, `Float64(1)` (Rust f64 display),
//    `Utf8("a")` (no escaping), `Boolean(true)`, `NULL`; a negated numeric literal folds: `Int64(-1)`.
//  - Function calls: lower-case name, arguments joined by "," without spaces: `round(var_pop(t.val),Int64(2))`;
//    `count(*)`, `count(DISTINCT host.val)`; aliases resolved (`covar` -> `covar_samp`).
//  - Aggregate ORDER BY / WITHIN GROUP: `string_agg(t.x,Utf8(",")) ORDER BY [t.x ASC NULLS LAST]`,
//    `approx_percentile_cont(Float64(0.5)) WITHIN GROUP [t.i DESC NULLS FIRST]`; the default null order is
//    NULLS LAST for ASC and NULLS FIRST for DESC, and is always printed.
//  - Window calls: `row_number() PARTITION BY [t.i] ORDER BY [t.j ASC NULLS LAST] RANGE BETWEEN UNBOUNDED
//    PRECEDING AND CURRENT ROW` (frame defaults to that with ORDER BY, else ROWS ... UNBOUNDED FOLLOWING).
//  - Binary operators: `left op right` with single spaces and no parentheses (`<>` prints as `!=`);
//    IS [NOT] NULL/TRUE/FALSE, [NOT] BETWEEN .. AND .., [NOT] LIKE/ILIKE, `CASE WHEN .. THEN .. ELSE .. END`.
//  - Casts are transparent (`median(r::VARCHAR)` is `median(quantile.r)`); TIMESTAMP '..' is `Utf8("..")`.
//  - Unary minus on a non-literal is `(- x)`; NOT is `NOT x`.
//  - Range items: `min(host.val) RANGE 5s`, `... RANGE 5s FILL PREV`; an interval duration is printed as
//    `IntervalMonthDayNano("IntervalMonthDayNano { months: 0, days: 1, nanoseconds: 0 }")`.
//  - Arrays are `make_array(Int64(1),Int64(2))`; IN lists `x IN Int64(1), Int64(2)` (no brackets);
//    subquery forms are just `IN` / `NOT IN` / `EXISTS`, a scalar subquery takes its first column's name.
import type { ColumnRef, Expr, FunctionCall, OrderByItem, Query, SelectItem, WindowFrameBound, WindowSpec } from './ast.ts';
import { intervalToMonthDayNano } from './interval.ts';

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

/** Arrow type names of canonical SQL types, for arrow_cast in range queries. */
const ARROW_TYPES: Record<string, string> = {
  INT8: 'Int8', INT16: 'Int16', INT32: 'Int32', INT64: 'Int64', UINT8: 'UInt8', UINT16: 'UInt16', UINT32: 'UInt32',
  UINT64: 'UInt64', FLOAT32: 'Float32', FLOAT64: 'Float64', STRING: 'Utf8', BOOLEAN: 'Boolean', DATE: 'Date32',
};

/** Canonical names of aggregate/function aliases as DataFusion reports them. */
const FUNCTION_ALIASES: Record<string, string> = {
  covar: 'covar_samp', var: 'var_samp', var_sample: 'var_samp', variance: 'var_samp', stddev: 'stddev_samp',
  std: 'stddev_samp', mean: 'avg', array_agg_distinct: 'array_agg', ceiling: 'ceil', list_agg: 'string_agg',
};

/** The column header of a select item. */
export function selectItemName(item: SelectItem, opts: NameOptions = {}): string {
  if (item.alias) return item.alias.value;
  if (item.expr.type === 'column') return item.expr.path[item.expr.path.length - 1]!.value;
  return exprToSql(item.expr, opts);
}

/** Rust's f64 Display: shortest round-trip digits, never exponent notation, no trailing ".0". */
export function rustFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'inf' : '-inf';
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expS] = m;
  const exp = Number(expS);
  const digits = int! + frac;
  const point = int!.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function numberName(text: string, negative: boolean): string {
  const sign = negative ? '-' : '';
  if (/^\d+$/.test(text)) {
    const v = BigInt(sign + text);
    if (v >= -(2n ** 63n) && v < 2n ** 63n) return `Int64(${v})`;
    if (v >= 0n && v < 2n ** 64n) return `UInt64(${v})`;
  }
  return `Float64(${rustFloat(Number(sign + text))})`;
}

function orderByName(items: OrderByItem[], opts: NameOptions): string {
  return `[${items
    .map((o) => {
      const asc = o.asc !== false;
      const nullsFirst = o.nullsFirst ?? !asc;
      return `${exprToSql(o.expr, opts)} ${asc ? 'ASC' : 'DESC'} ${nullsFirst ? 'NULLS FIRST' : 'NULLS LAST'}`;
    })
    .join(', ')}]`;
}

function boundName(b: WindowFrameBound, opts: NameOptions): string {
  switch (b.kind) {
    case 'current_row': return 'CURRENT ROW';
    case 'unbounded_preceding': return 'UNBOUNDED PRECEDING';
    case 'unbounded_following': return 'UNBOUNDED FOLLOWING';
    default: {
      // Frame offsets are plain scalar values here (Display, not Debug): `1 PRECEDING`.
      const o = b.offset!;
      const v = o.type === 'number' || o.type === 'string' ? o.value : exprToSql(o, opts);
      return `${v} ${b.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING'}`;
    }
  }
}

/** A scalar subquery is named after the first column of its result. */
function subqueryName(q: Query, opts: NameOptions): string {
  let body = q.body;
  while (body.type === 'query' || body.type === 'set_op') body = body.type === 'query' ? body.body : body.left;
  const first = body.type === 'select' ? body.projection[0] : undefined;
  return first ? selectItemName(first, opts) : 'column1';
}

function windowName(w: WindowSpec, opts: NameOptions): string {
  let s = '';
  if (w.partitionBy.length) s += ` PARTITION BY [${w.partitionBy.map((e) => exprToSql(e, opts)).join(', ')}]`;
  if (w.orderBy.length) s += ` ORDER BY ${orderByName(w.orderBy, opts)}`;
  const f = w.frame;
  if (f) s += ` ${f.units} BETWEEN ${boundName(f.start, opts)} AND ${boundName(f.end ?? { kind: 'current_row' }, opts)}`;
  else if (w.orderBy.length) s += ' RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  else s += ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
  return s;
}

function durationName(e: Expr, opts: NameOptions): string {
  return e.type === 'string' ? e.value : exprToSql(e, opts);
}

function callName(e: FunctionCall, args: string[], opts: NameOptions): string {
  const raw = e.name.map((i) => i.value).join('.');
  const name = FUNCTION_ALIASES[raw] ?? raw;
  let s = `${name}(${e.distinct ? 'DISTINCT ' : ''}${args.join(',')})`;
  if (e.filter) s += ` FILTER (WHERE ${exprToSql(e.filter, opts)})`;
  if (e.orderBy?.length) s += ` ORDER BY ${orderByName(e.orderBy, opts)}`;
  if (e.withinGroup?.length) s += ` WITHIN GROUP ${orderByName(e.withinGroup, opts)}`;
  if (e.over) s += windowName(e.over, opts);
  return s;
}

/** The DataFusion display name of an expression (see the rules at the top of this file). */
export function exprToSql(e: Expr, opts: NameOptions = {}): string {
  const n = (x: Expr): string => exprToSql(x, opts);
  switch (e.type) {
    case 'number': return numberName(e.value, false);
    case 'string': return `Utf8("${e.value}")`;
    case 'boolean': return `Boolean(${e.value})`;
    case 'null': return 'NULL';
    case 'interval': {
      const mdn = intervalToMonthDayNano(e);
      if (!mdn) return `IntervalMonthDayNano(${n(e.value)})`;
      return `IntervalMonthDayNano("IntervalMonthDayNano { months: ${mdn.months}, days: ${mdn.days}, nanoseconds: ${mdn.nanoseconds} }")`;
    }
    case 'typed_string': return `Utf8("${e.value}")`;
    case 'column': return (opts.qualify ? opts.qualify(e) : e.path.map((i) => i.value)).join('.');
    case 'wildcard': return e.qualifier ? `${e.qualifier.map((i) => i.value).join('.')}.*` : '*';
    case 'unary':
      if (e.op === '-' && e.expr.type === 'number') return numberName(e.expr.value, true);
      if (e.op === '+') return n(e.expr);
      return e.op === 'NOT' ? `NOT ${n(e.expr)}` : `(${e.op} ${n(e.expr)})`;
    case 'binary': return `${n(e.left)} ${e.op === '<>' ? '!=' : e.op} ${n(e.right)}`;
    case 'is': return `${n(e.expr)} IS ${e.negated ? 'NOT ' : ''}${e.test}`;
    case 'is_distinct': return `${n(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${n(e.right)}`;
    case 'in_list': return `${n(e.expr)} ${e.negated ? 'NOT ' : ''}IN ${e.list.map(n).join(', ')}`;
    case 'in_subquery': return e.negated ? 'NOT IN' : 'IN';
    case 'between': return `${n(e.expr)} ${e.negated ? 'NOT ' : ''}BETWEEN ${n(e.low)} AND ${n(e.high)}`;
    case 'like': {
      const s = `${n(e.expr)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${n(e.pattern)}`;
      return e.escape?.type === 'string' ? `${s} CHAR '${e.escape.value}'` : s;
    }
    case 'case': {
      let s = 'CASE ';
      if (e.operand) s += `${n(e.operand)} `;
      for (const w of e.whens) s += `WHEN ${n(w.when)} THEN ${n(w.then)} `;
      if (e.else) s += `ELSE ${n(e.else)} `;
      return s + 'END';
    }
    case 'cast': {
      const arrow = ARROW_TYPES[e.dataType.name];
      if (opts.rangeQuery && !opts.rangeSuffix && arrow) return `arrow_cast(${n(e.expr)},Utf8("${arrow}"))`;
      return n(e.expr);
    }
    case 'function': {
      if (!opts.rangeSuffix) return callName(e, e.args.map(n), opts);
      // Inside a range item every outermost call is a range aggregate; count(*) is count(Int64(1)) there.
      const inner: NameOptions = { ...opts, rangeSuffix: undefined, rangeQuery: false };
      const args = e.args.map((a) => (a.type === 'wildcard' ? 'Int64(1)' : exprToSql(a, inner)));
      return callName(e, args, inner) + opts.rangeSuffix;
    }
    case 'range': {
      const fill = e.fill ?? opts.alignFill;
      const rangeSuffix = ` RANGE ${durationName(e.range, opts)}${fill === undefined ? '' : ` FILL ${fill}`}`;
      return exprToSql(e.expr, { ...opts, rangeSuffix });
    }
    case 'subquery': return subqueryName(e.query, opts);
    case 'exists': return e.negated ? 'NOT EXISTS' : 'EXISTS';
    case 'array': return `make_array(${e.elements.map(n).join(',')})`;
    case 'index': return `${n(e.expr)}[${n(e.index)}]`;
    case 'tuple': return `struct(${e.elements.map(n).join(',')})`;
    case 'extract': return `date_part(Utf8("${e.field}"),${n(e.expr)})`;
  }
}
