// Row scope of the flow compiler: source column references become slots read from a batch.
import type { Expr } from '../../core/index.ts';
import { isAggregateName } from '../aggregates.ts';
import type { Binder } from '../expr.ts';
import { positioned } from '../expr.ts';
import type { RowScope } from '../types.ts';
import { windowCallOf } from '../window.ts';

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


export function rowBinder(slots: RowSlots, used: Set<string>): Binder<RowScope> {
  return (e: Expr) => {
    if (e.type === 'column') {
      if (e.path.length > 1) {
        const q = e.path[e.path.length - 2]!.value;
        if (!slots.qualifiers.has(q)) throw positioned(`Unknown table ${q} in column ${e.path.map((p) => p.value).join('.')}`, e.pos);
      }
      let name = e.path[e.path.length - 1]!.value;
      if (slots.influxTime && name === 'time') name = '$time';
      used.add(name);
      const slot = slots.slot(name);
      return (s, i) => s.get(slot, i);
    }
    if (e.type === 'function') {
      const fn = e.name[e.name.length - 1]!.value.toLowerCase();
      if (isAggregateName(fn) && !e.over) throw positioned(`Aggregate function ${fn}() is not allowed here (WHERE, GROUP BY or inside another aggregate)`, e.pos);
      if (e.over) throw positioned(`Window function ${fn}() OVER (...) is not supported in a flow`, e.pos);
      if (windowCallOf(e)) throw positioned(`Time window ${fn}() can only be used in GROUP BY and the select list of a flow`, e.pos);
    }
    return undefined;
  };
}
