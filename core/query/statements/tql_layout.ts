// The column order of a TQL EVAL answer, as GreptimeDB's PromQL planner projects it: a bare selector keeps its table's
// columns in table order (its field, then tags, then time with `__field__`), an aggregation answers its grouping labels,
// the time and the value, anything else (functions, vector-vector operations) the time, the value and the labels.
import type { TableSchema } from '../../schema.ts';
import type { PromExpr } from '../../promql/parser/ast.ts';

export type TqlLayout =
  | { kind: 'selector'; field: boolean }
  | { kind: 'aggregate'; by: string[] | null; without: string[] }
  | { kind: 'function' };

const GROUPING = new Set(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'quantile']);

const scalarLike = (e: PromExpr): boolean =>
  e.kind === 'number' || ((e.kind === 'paren' || e.kind === 'unary') && scalarLike(e.expr)) ||
  (e.kind === 'binary' && scalarLike(e.lhs) && scalarLike(e.rhs)) || (e.kind === 'call' && (e.func === 'time' || e.func === 'pi' || e.func === 'scalar'));

/** How the answer of `e` is laid out: an operation with a scalar keeps its vector side's layout. */
export function tqlLayout(e: PromExpr): TqlLayout {
  switch (e.kind) {
    case 'paren': return tqlLayout(e.expr);
    case 'vector': return { kind: 'selector', field: e.matchers.some((m) => m.name === '__field__') };
    case 'binary':
      if (scalarLike(e.rhs)) return tqlLayout(e.lhs);
      if (scalarLike(e.lhs)) return tqlLayout(e.rhs);
      return { kind: 'function' };
    case 'aggregate':
      if (!GROUPING.has(e.op)) return { kind: 'function' };
      return e.without ? { kind: 'aggregate', by: null, without: e.grouping } : { kind: 'aggregate', by: e.grouping, without: [] };
    default: return { kind: 'function' };
  }
}

/** One output column: the time index, the value, or a label's values. */
export type TqlColumn = { kind: 'time' } | { kind: 'value' } | { kind: 'label'; name: string };

/**
 * The output columns in order. `table` is the one table the query read (null when it read several or none) and
 * `valueName` the field it read, `seen` the labels the answer's series carry; the table's tags come in its primary key
 * order (all of them, as GreptimeDB projects the table's columns), other labels sorted after.
 */
export function tqlColumns(layout: TqlLayout, table: TableSchema | null, valueName: string, seen: Set<string>): TqlColumn[] {
  const tags = table ? [...table.primaryKey] : [];
  const labels = (all: boolean): string[] => {
    const own = all ? tags : tags.filter((t) => seen.has(t));
    return [...own, ...[...seen].filter((l) => !own.includes(l)).sort()];
  };
  const time: TqlColumn = { kind: 'time' }, value: TqlColumn = { kind: 'value' };
  const label = (name: string): TqlColumn => ({ kind: 'label', name });
  if (layout.kind === 'aggregate') {
    const by = layout.by ?? labels(false).filter((l) => !layout.without.includes(l));
    return [...by.map(label), time, value];
  }
  if (layout.kind === 'selector' && table) {
    if (layout.field) return [value, ...labels(true).map(label), time];
    const out: TqlColumn[] = [];
    for (const c of table.columns) {
      if (c.name === table.timeIndex) out.push(time);
      else if (c.semantic === 'tag') out.push(label(c.name));
      else if (c.name === valueName) out.push(value);
    }
    if (!out.includes(value)) out.push(value);
    for (const l of labels(false)) if (!tags.includes(l)) out.push(label(l));
    return out;
  }
  return [time, value, ...labels(!!table).map(label)];
}
