// DataFusion-style display names of expressions (`count(*)`, `sum(t.x)`, `t.a + Int64(1)`), used as output column names
// and as keys: the planner's column namer over core/sql/print.ts (which does the printing), and SQL type spellings.
import type { Expr } from '../../sql/ast.ts';
import { columnOrExprName, printExpr } from '../../sql/print.ts';
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

/**
 * Output column name of a select item without alias, as GreptimeDB prints its result headers (the 'header' style of
 * core/sql/print.ts): a bare column is just its name, columns inside expressions are qualified as `rel` resolves them.
 */
export function outputName(e: Expr, namer: ColumnNamer, range?: { align: boolean; fill?: string }): string {
  return columnOrExprName(e, {
    kind: 'header',
    qualify: (c) => [namer(c.path)],
    ...(range?.align ? { rangeQuery: true } : {}),
    ...(range?.fill !== undefined ? { alignFill: range.fill } : {}),
  });
}

/** The display name of an expression (the 'display' style of core/sql/print.ts). */
export function exprName(e: Expr, namer: ColumnNamer): string {
  return printExpr(e, { kind: 'display', column: (c) => namer(c.path) });
}

/** GreptimeDB's SQL spelling of each column type, as SHOW CREATE TABLE and SHOW COLUMNS print it. */
export const SQL_TYPE: Record<string, string> = {
  String: 'STRING', Float64: 'DOUBLE', Float32: 'FLOAT', Int64: 'BIGINT', Int32: 'INT', Int16: 'SMALLINT', Int8: 'TINYINT',
  UInt64: 'BIGINT UNSIGNED', UInt32: 'INT UNSIGNED', UInt16: 'SMALLINT UNSIGNED', UInt8: 'TINYINT UNSIGNED', Boolean: 'BOOLEAN',
  TimestampSecond: 'TIMESTAMP(0)', TimestampMillisecond: 'TIMESTAMP(3)', TimestampMicrosecond: 'TIMESTAMP(6)', TimestampNanosecond: 'TIMESTAMP(9)', Date: 'DATE', Binary: 'VARBINARY',
  TimeSecond: 'TIME(0)', TimeMillisecond: 'TIME(3)', TimeMicrosecond: 'TIME(6)', TimeNanosecond: 'TIME(9)',
};

/** A GreptimeDB type's SQL spelling (upper case): SQL_TYPE's entry, DECIMAL(p, s) for a Decimal128, else the name itself. */
export function sqlTypeText(t: string): string {
  const m = /^Decimal128\((\d+),\s*(-?\d+)\)$/.exec(t);
  return SQL_TYPE[t] ?? (m ? `DECIMAL(${m[1]}, ${m[2]})` : t.toUpperCase());
}
