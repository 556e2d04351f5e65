// DataFusion-style display names of expressions (`count(*)`, `sum(t.x)`, `t.a + Int64(1)`), used as output column names and as keys.
import type { Expr, OrderByItem, WindowSpec, SqlType as DataType } from '../../sql/index.ts';
import type { Rel } from '../plan/rel.ts';
import { findField } from '../plan/rel.ts';

/** Names a column reference fully qualified (when the relation knows its qualifier). */
export type ColumnNamer = (path: { value: string }[]) => string;

export function relNamer(rel: Rel | undefined): ColumnNamer {
  return (path) => {
    if (rel) {
      const i = findField(rel, path as never);
      if (i >= 0) {
        const f = rel.fields[i]!;
        return f.qualifier ? `${f.qualifier}.${f.name}` : f.name;
      }
    }
    return path.map((p) => p.value).join('.');
  };
}

/** Output column name of a select item without alias: a bare column is just its name. */
export function outputName(e: Expr, namer: ColumnNamer): string {
  if (e.type === 'column') return e.path[e.path.length - 1]!.value;
  return exprName(e, namer);
}

export function literalName(e: Expr): string | undefined {
  switch (e.type) {
    case 'number': return numberLitName(e.value, false);
    case 'string': return `Utf8("${e.value}")`;
    case 'boolean': return `Boolean(${e.value})`;
    case 'null': return 'NULL';
    default: return undefined;
  }
}

function numberLitName(text: string, neg: boolean): string {
  const isInt = /^\d+$/.test(text);
  if (isInt) {
    const v = BigInt(text) * (neg ? -1n : 1n);
    if (v > 9223372036854775807n) return `UInt64(${v})`;
    return `Int64(${v})`;
  }
  const f = Number(text) * (neg ? -1 : 1);
  return `Float64(${fmtF64(f)})`;
}

function fmtF64(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e16) return String(f);
  return String(f);
}

const CAST_FN_TYPES = /^(U?INT(8|16|32|64)|FLOAT(32|64))$/;

export function arrowTypeOf(t: DataType): string {
  const n = t.name.toUpperCase();
  const map: Record<string, string> = {
    INT8: 'Int8', INT16: 'Int16', INT32: 'Int32', INT64: 'Int64', UINT8: 'UInt8', UINT16: 'UInt16', UINT32: 'UInt32', UINT64: 'UInt64',
    FLOAT32: 'Float32', FLOAT64: 'Float64',
  };
  return map[n] ?? n;
}

export function exprName(e: Expr, namer: ColumnNamer): string {
  const n = (x: Expr) => exprName(x, namer);
  switch (e.type) {
    case 'number': case 'string': case 'boolean': case 'null': return literalName(e)!;
    case 'column': return namer(e.path);
    case 'wildcard': return e.qualifier ? `${e.qualifier.map((q) => q.value).join('.')}.*` : '*';
    case 'unary':
      if (e.op === '-' && e.expr.type === 'number') return numberLitName(e.expr.value, true);
      if (e.op === 'NOT') return `NOT ${n(e.expr)}`;
      if (e.op === '-') return `(- ${n(e.expr)})`;
      return n(e.expr);
    case 'binary': {
      const op = e.op === '<>' ? '!=' : e.op;
      return `${n(e.left)} ${op} ${n(e.right)}`;
    }
    case 'is': return `${n(e.expr)} IS ${e.negated ? 'NOT ' : ''}${e.test}`;
    case 'is_distinct': return `${n(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${n(e.right)}`;
    case 'in_list': return `${n(e.expr)}${e.negated ? ' NOT' : ''} IN ([${e.list.map(n).join(', ')}])`;
    case 'in_subquery': return `${n(e.expr)}${e.negated ? ' NOT' : ''} IN (<subquery>)`;
    case 'between': return `${n(e.expr)} ${e.negated ? 'NOT ' : ''}BETWEEN ${n(e.low)} AND ${n(e.high)}`;
    case 'like': return `${n(e.expr)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${n(e.pattern)}`;
    case 'case': {
      let s = 'CASE ';
      if (e.operand) s += `${n(e.operand)} `;
      for (const w of e.whens) s += `WHEN ${n(w.when)} THEN ${n(w.then)} `;
      if (e.else) s += `ELSE ${n(e.else)} `;
      return s + 'END';
    }
    case 'cast':
      if (CAST_FN_TYPES.test(e.dataType.raw.toUpperCase())) return `arrow_cast(${n(e.expr)},Utf8("${arrowTypeOf(e.dataType)}"))`;
      return n(e.expr);
    case 'function': {
      let name = e.name.map((p) => p.value).join('.').toLowerCase();
      if (e.noParens) return `${name}()`;
      if (name === 'unnest') name = 'UNNEST';
      let s = `${name}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(n).join(',')})`;
      if (e.filter) s += ` FILTER (WHERE ${n(e.filter)})`;
      if (e.orderBy?.length) s += ` ORDER BY [${orderName(e.orderBy, namer)}]`;
      if (e.withinGroup?.length) s += ` WITHIN GROUP [${orderName(e.withinGroup, namer)}]`;
      if (e.over) s += windowName(e.over, namer);
      return s;
    }
    case 'range': {
      let s = `${n(e.expr)} RANGE ${rangeText(e.range, namer)}`;
      if (e.fill) s += ` FILL ${e.fill.toUpperCase()}`;
      return s;
    }
    case 'interval': return intervalName(e);
    case 'typed_string': return `${e.dataType.name}("${e.value}")`;
    case 'subquery': return '(<subquery>)';
    case 'exists': return `${e.negated ? 'NOT ' : ''}EXISTS (<subquery>)`;
    case 'extract': return `date_part(Utf8("${e.field.toLowerCase()}"),${n(e.expr)})`;
    case 'array': return `make_array(${e.elements.map(n).join(',')})`;
    case 'index': return `${n(e.expr)}[${n(e.index)}]`;
    case 'tuple': return `struct(${e.elements.map(n).join(',')})`;
  }
}

function rangeText(e: Expr, namer: ColumnNamer): string {
  if (e.type === 'string') return e.value;
  return exprName(e, namer);
}

function intervalName(e: Extract<Expr, { type: 'interval' }>): string {
  return `IntervalMonthDayNano("${e.value.type === 'string' ? e.value.value : ''}${e.unit ? ' ' + e.unit : ''}")`;
}

export function orderName(items: OrderByItem[], namer: ColumnNamer): string {
  return items
    .map((o) => {
      const asc = o.asc !== false;
      const nf = o.nullsFirst ?? !asc;
      return `${exprName(o.expr, namer)} ${asc ? 'ASC' : 'DESC'} NULLS ${nf ? 'FIRST' : 'LAST'}`;
    })
    .join(', ');
}

function windowName(w: WindowSpec, namer: ColumnNamer): string {
  let s = '';
  if (w.partitionBy.length) s += ` PARTITION BY [${w.partitionBy.map((x) => exprName(x, namer)).join(', ')}]`;
  if (w.orderBy.length) s += ` ORDER BY [${orderName(w.orderBy, namer)}]`;
  if (w.frame) {
    const b = (x: { kind: string; offset?: Expr }) =>
      x.kind === 'current_row' ? 'CURRENT ROW' : x.kind === 'unbounded_preceding' ? 'UNBOUNDED PRECEDING' : x.kind === 'unbounded_following' ? 'UNBOUNDED FOLLOWING'
        : `${x.offset ? exprName(x.offset, namer).replace(/^\w+\((.*)\)$/, '$1') : ''} ${x.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING'}`;
    s += ` ${w.frame.units} BETWEEN ${b(w.frame.start)} AND ${w.frame.end ? b(w.frame.end) : 'CURRENT ROW'}`;
  } else if (w.orderBy.length) s += ' RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
  else s += ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
  return s;
}

/** GreptimeDB's SQL spelling of each column type, as SHOW CREATE TABLE and SHOW COLUMNS print it. */
export const SQL_TYPE: Record<string, string> = {
  String: 'STRING', Float64: 'DOUBLE', Float32: 'FLOAT', Int64: 'BIGINT', Int32: 'INT', Int16: 'SMALLINT', Int8: 'TINYINT',
  UInt64: 'BIGINT UNSIGNED', UInt32: 'INT UNSIGNED', UInt16: 'SMALLINT UNSIGNED', UInt8: 'TINYINT UNSIGNED', Boolean: 'BOOLEAN',
  TimestampSecond: 'TIMESTAMP(0)', TimestampMillisecond: 'TIMESTAMP(3)', TimestampMicrosecond: 'TIMESTAMP(6)', TimestampNanosecond: 'TIMESTAMP(9)', Date: 'DATE',
};
