// Row scope of the flow compiler: source column references become slots read from a batch.
import type { Expr, SourcePos } from '../../core/index.ts';
import { isAggregateName } from '../aggregates.ts';
import { positioned, sqlText, unsupported } from '../expr.ts';
import { windowCallOf } from '../window.ts';
import { forEachChild } from './walk.ts';

/** The source columns a plan reads; '$time' stands for the batch's time index (InfluxQL's `time`). */
export class RowSlots {
  readonly names: string[] = [];
  constructor(readonly qualifiers: Set<string>, readonly influxTime: boolean) {}
  slot(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    return i;
  }
}


/**
 * Checks a row expression (columns of this table, no aggregates, window functions or time windows) and collects the
 * source columns it reads. Evaluation is core's, over a relation of the batch's columns (streams/core_eval.ts).
 */
export function checkRowExpr(e: Expr, slots: RowSlots, used: Set<string>): void {
  switch (e.type) {
    case 'column': {
      if (e.path.length > 1) {
        const q = e.path[e.path.length - 2]!.value;
        if (!slots.qualifiers.has(q)) throw positioned(`Unknown table ${q} in column ${e.path.map((p) => p.value).join('.')}`, e.pos);
      }
      let name = e.path[e.path.length - 1]!.value;
      if (slots.influxTime && name === 'time') name = '$time';
      used.add(name);
      slots.slot(name);
      return;
    }
    case 'function': {
      const fn = e.name[e.name.length - 1]!.value.toLowerCase();
      if (isAggregateName(fn) && !e.over) throw positioned(`Aggregate function ${fn}() is not allowed here (WHERE, GROUP BY or inside another aggregate)`, e.pos);
      if (e.over) throw positioned(`Window function ${fn}() OVER (...) is not supported in a flow`, e.pos);
      if (windowCallOf(e)) throw positioned(`Time window ${fn}() can only be used in GROUP BY and the select list of a flow`, e.pos);
      break;
    }
    case 'number': case 'string': case 'boolean': case 'null': case 'interval': case 'typed_string':
    case 'unary': case 'binary': case 'is': case 'is_distinct': case 'in_list': case 'between': case 'like': case 'case': case 'cast':
      break;
    default:
      throw unsupported(`Expression ${sqlText(e)}`, (e as { pos?: SourcePos }).pos);
  }
  forEachChild(e, (c) => checkRowExpr(c, slots, used));
}
