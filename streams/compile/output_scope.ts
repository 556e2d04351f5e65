// Output scope of the flow compiler: select items and HAVING over group keys, window bounds and aggregate slots.
import type { Expr, Select } from '../../core/index.ts';
import { isAggregateName } from '../aggregates.ts';
import { compileExpr, positioned, sqlText, unsupported } from '../expr.ts';
import type { AggregateKind, AggregateSpec, SketchSpec, FlowValue, OutExpr, OutScope, RowExpr, ValueSlot, WindowSpec } from '../types.ts';
import { sameWindow, windowCallOf } from '../window.ts';


export class OutputScope {
  private readonly aggs: AggregateSpec[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Slot 0 of a row's value vector is its time index. */
  private readonly slotList: (ValueSlot | null)[] = [null];
  private readonly resolving = new Set<string>();
  constructor(
    private readonly sel: Select,
    private readonly keys: Expr[],
    private readonly window: WindowSpec | null,
    private readonly row: (e: Expr) => RowExpr,
  ) {}

  aggregates(): AggregateSpec[] {
    return this.aggs;
  }

  compile(e: Expr): OutExpr {
    const fn = compileExpr<OutScope>(e, (x) => this.bind(x));
    return { eval: (g) => fn(g, 0), text: sqlText(e) };
  }

  private bind(e: Expr): ((g: OutScope) => FlowValue) | undefined {
    const text = sqlText(e);
    const k = this.keys.findIndex((g) => sqlText(g) === text || (g.type === 'column' && e.type === 'column' && g.path.at(-1)!.value === e.path.at(-1)!.value));
    if (k >= 0) return (g) => g.keys[k]!;
    const call = windowCallOf(e);
    if (call) {
      if (!this.window) throw positioned(`${text} is a time window, but the flow does not GROUP BY one`, e.pos);
      if (!sameWindow(call.spec, this.window)) throw positioned(`${text} is not the time window the flow groups by`, e.pos);
      return call.edge === 'start' ? (g) => g.windowStart : (g) => g.windowEnd;
    }
    if (e.type === 'function' && !e.over && isAggregateName(e.name.at(-1)!.value)) {
      const j = this.aggregate(e);
      return (g) => g.aggs[j]!;
    }
    if (e.type === 'column') {
      const name = e.path.at(-1)!.value;
      const item = e.path.length === 1 ? this.sel.projection.find((p) => p.alias?.value === name) : undefined;
      if (item && !this.resolving.has(name)) {
        this.resolving.add(name);
        try {
          const f = this.compile(item.expr);
          return (g) => f.eval(g);
        } finally {
          this.resolving.delete(name);
        }
      }
      throw positioned(`Column ${e.path.map((p) => p.value).join('.')} must appear in the GROUP BY clause or be used in an aggregate function`, e.pos);
    }
    if (e.type === 'wildcard') throw positioned('* is only allowed in count(*)', e.pos);
    return undefined;
  }

  private slot(e: Expr, numeric: boolean): number {
    const key = (numeric ? 'n:' : 'v:') + sqlText(e);
    let s = this.slotOf.get(key);
    if (s === undefined) {
      s = this.slotList.push({ expr: this.row(e), numeric }) - 1;
      this.slotOf.set(key, s);
    }
    return s;
  }

  private aggregate(e: Expr & { type: 'function' }): number {
    const text = sqlText(e);
    const existing = this.aggs.findIndex((a) => a.text === text);
    if (existing >= 0) return existing;
    const name = e.name.at(-1)!.value.toLowerCase();
    let args = e.args;
    const isStar = name === 'count' && (args.length === 0 || (args.length === 1 && args[0]!.type === 'wildcard'));
    let kind: AggregateKind;
    let fraction: number | undefined;
    let sketch: SketchSpec | undefined;
    let argExpr: Expr | null = isStar ? null : args[0] ?? null;
    switch (name) {
      case 'count': kind = e.distinct ? 'count_distinct' : 'count'; break;
      case 'approx_distinct': kind = 'count_distinct'; break;
      case 'sum': kind = 'sum'; break;
      case 'avg': case 'mean': kind = 'avg'; break;
      case 'min': kind = 'min'; break;
      case 'max': kind = 'max'; break;
      case 'first_value': kind = 'first_value'; break;
      case 'last_value': kind = 'last_value'; break;
      case 'median': case 'approx_median': kind = 'percentile'; fraction = 0.5; break;
      case 'hll': case 'hll_merge': kind = 'sketch'; sketch = { fn: name }; break;
      case 'uddsketch_state': case 'uddsketch_merge': {
        kind = 'sketch';
        const [b, a, x] = args;
        if (args.length !== 3 || b?.type !== 'number' || a?.type !== 'number') throw positioned(`${name}() expects (buckets, error rate, value) with constant buckets and error rate`, e.pos);
        sketch = { fn: name, buckets: Number(b.value), alpha: Number(a.value) };
        argExpr = x!;
        break;
      }
      default: {
        kind = 'percentile';
        if (e.withinGroup && e.withinGroup.length === 1) {
          argExpr = e.withinGroup[0]!.expr;
          if (e.withinGroup[0]!.asc === false) throw unsupported('WITHIN GROUP (ORDER BY ... DESC)', e.pos);
          args = [argExpr, ...args];
        }
        const p = args[1];
        if (!p || p.type !== 'number' || !(Number(p.value) >= 0 && Number(p.value) <= 1)) {
          throw positioned(`${name}() expects a literal fraction between 0 and 1`, p?.pos ?? e.pos);
        }
        fraction = Number(p.value);
      }
    }
    if (e.distinct && kind !== 'count_distinct') throw unsupported(`${name}(DISTINCT ...)`, e.pos);
    if (!isStar && !argExpr) throw positioned(`${name}() expects an argument`, e.pos);
    if (e.filter) {
      // FILTER (WHERE c) feeds the aggregate NULL where c fails; count(*) counts a constant.
      argExpr = { type: 'case', whens: [{ when: e.filter, then: argExpr ?? { type: 'number', value: '1', pos: e.pos } }], pos: e.pos };
      if (kind === 'count' && isStar) kind = 'count';
    }
    const numeric = kind === 'sum' || kind === 'avg' || kind === 'percentile' || sketch?.fn === 'uddsketch_state';
    const spec: AggregateSpec = {
      kind,
      text,
      arg: argExpr ? this.row(argExpr) : null,
      slot: argExpr ? this.slot(argExpr, numeric) : -1,
      orderSlot: 0,
      numeric,
    };
    if (fraction !== undefined) spec.fraction = fraction;
    if (sketch) spec.sketch = sketch;
    if ((kind === 'first_value' || kind === 'last_value') && e.orderBy && e.orderBy.length > 0) {
      if (e.orderBy.length > 1 || e.orderBy[0]!.asc === false) throw unsupported(`${name}() with ORDER BY other than one ascending key`, e.pos);
      spec.orderBy = this.row(e.orderBy[0]!.expr);
      spec.orderSlot = this.slot(e.orderBy[0]!.expr, false);
    }
    this.aggs.push(spec);
    return this.aggs.length - 1;
  }

  /** What fills each slot of a row's value vector (slot 0, the time index, is null). */
  slots(): (ValueSlot | null)[] {
    return this.slotList;
  }
}
