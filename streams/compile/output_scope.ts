// Output scope of the flow compiler: select items and HAVING over group keys, window bounds and aggregate slots.
import type { Expr, Select } from '../../core/index.ts';
import { isAggregateName } from '../aggregates.ts';
import { positioned, sqlText, unsupported } from '../expr.ts';
import { evalVec, exprName, oneValue, valueAt, type Rel, type Vec } from '../core_eval.ts';
import { forEachChild } from './walk.ts';
import type { AggregateKind, AggregateSpec, SketchSpec, FlowValue, OutExpr, OutScope, RowExpr, ValueSlot, WindowSpec } from '../types.ts';
import { sameWindow, windowCallOf } from '../window.ts';


/** Markers in exprMap before the relation is laid out (its width depends on how many aggregates there are). */
const WS = -1, WE = -2, AGG_BASE = 1 << 20, ALIAS_BASE = 1 << 24;

/** The type SELECT gives an aggregate's result, so arithmetic on it agrees (count is Int64, avg Float64, ...). */
function aggDt(a: AggregateSpec): string | undefined {
  switch (a.kind) {
    case 'count': case 'count_distinct': return 'Int64';
    case 'avg': case 'percentile': return 'Float64';
    case 'sketch': return 'String';
    case 'sum': return a.argDt === 'Int64' || a.argDt === 'UInt64' ? 'Int64' : 'Float64';
    default: return a.argDt;
  }
}

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

  /**
   * Compiles a select item or HAVING: group keys, window bounds, aggregates and projection aliases become columns of
   * a relation over the emitted groups (bound through core's exprMap), and core evaluates the rest.
   */
  compile(e: Expr): OutExpr {
    this.check(e);
    const text = sqlText(e);
    // A function core does not know is an error of CREATE FLOW, not of every emission (other errors need values).
    try {
      this.evalOne(e, { keys: this.keys.map(() => null), aggs: this.aggs.map(() => null), windowStart: null, windowEnd: null });
    } catch (err) {
      const m = /^Invalid function '([^']*)'/.exec((err as Error).message);
      const at = (err as { position?: { line: number; column: number } }).position ?? e.pos;
      if (m) throw positioned(`Function ${m[1]}() is not supported in a flow`, { line: at.line, column: at.column, offset: 0 });
    }
    return { eval: (g) => this.evalOne(e, g), text };
  }

  /** Output-column names: a column is its last name (t.host and host are the same group key, as before). */
  private readonly namer = (path: { value: string }[]): string => path[path.length - 1]!.value;
  /** exprName -> column of the output relation: 0..k-1 keys, then aggregates, window start/end, then aliases. */
  private readonly exprMap = new Map<string, number>();
  private readonly derived: { name: string; expr: Expr }[] = [];

  /** Validates `e` and registers what it refers to (aggregates, aliases) in exprMap. */
  private check(e: Expr): void {
    const name = (x: Expr): string => exprName(x, this.namer);
    if (e.type === 'number' || e.type === 'string' || e.type === 'null' || e.type === 'boolean') return;
    const text = sqlText(e);
    const k = this.keys.findIndex((g) => sqlText(g) === text || (g.type === 'column' && e.type === 'column' && g.path.at(-1)!.value === e.path.at(-1)!.value));
    if (k >= 0) { this.exprMap.set(name(e), k); return; }
    const call = windowCallOf(e);
    if (call) {
      if (!this.window) throw positioned(`${text} is a time window, but the flow does not GROUP BY one`, e.pos);
      if (!sameWindow(call.spec, this.window)) throw positioned(`${text} is not the time window the flow groups by`, e.pos);
      this.exprMap.set(name(e), call.edge === 'start' ? WS : WE);
      return;
    }
    if (e.type === 'function' && !e.over && isAggregateName(e.name.at(-1)!.value)) {
      this.exprMap.set(name(e), AGG_BASE + this.aggregate(e));
      return;
    }
    if (e.type === 'column') {
      const n = e.path.at(-1)!.value;
      const item = e.path.length === 1 ? this.sel.projection.find((p) => p.alias?.value === n) : undefined;
      if (item && !this.resolving.has(n)) {
        this.resolving.add(n);
        try {
          this.check(item.expr);
          if (!this.derived.some((d) => d.name === n)) this.derived.push({ name: n, expr: item.expr });
          this.exprMap.set(n, ALIAS_BASE + this.derived.findIndex((d) => d.name === n));
        } finally {
          this.resolving.delete(n);
        }
        return;
      }
      throw positioned(`Column ${e.path.map((p) => p.value).join('.')} must appear in the GROUP BY clause or be used in an aggregate function`, e.pos);
    }
    if (e.type === 'wildcard') throw positioned('* is only allowed in count(*)', e.pos);
    if (e.type === 'function' && e.over) throw positioned(`Window function ${e.name.at(-1)!.value}() OVER (...) is not supported in a flow`, e.pos);
    switch (e.type) {
      case 'interval': case 'typed_string': case 'unary': case 'binary': case 'is': case 'is_distinct': case 'in_list': case 'between':
      case 'like': case 'case': case 'cast': case 'function':
        break;
      default:
        throw unsupported(`Expression ${text}`, (e as { pos?: Expr['pos'] }).pos);
    }
    forEachChild(e, (c) => this.check(c));
  }

  /** One group's value of `e`: a one-row relation of its keys, aggregates, window bounds and aliases, through core. */
  private evalOne(e: Expr, g: OutScope): FlowValue {
    const cols: Vec[] = [];
    const fields: Rel['fields'] = [];
    const add = (name: string, v: Vec): void => { fields.push({ name, dt: v.dt }); cols.push(v); };
    for (let i = 0; i < this.keys.length; i++) add(`$k${i}`, oneValue(g.keys[i] ?? null, this.keyDts[i]));
    for (let i = 0; i < this.aggs.length; i++) add(`$a${i}`, oneValue(g.aggs[i] ?? null, aggDt(this.aggs[i]!)));
    add('$ws', oneValue(g.windowStart, 'TimestampNanosecond'));
    add('$we', oneValue(g.windowEnd, 'TimestampNanosecond'));
    const map = new Map<string, number>();
    const k = this.keys.length, a = this.aggs.length;
    for (const [name, at] of this.exprMap) {
      map.set(name, at >= ALIAS_BASE ? k + a + 2 + (at - ALIAS_BASE) : at === WS ? k + a : at === WE ? k + a + 1 : at >= AGG_BASE ? k + (at - AGG_BASE) : at);
    }
    const rel: Rel = { fields, cols, len: 1 };
    for (const d of this.derived) {
      const v = evalVec(d.expr, rel, map, this.namer);
      add(`$alias_${d.name}`, v);
    }
    return valueAt(evalVec(e, rel, map, this.namer), 0);
  }

  /** The type of each group key as the row path computed it (set by the first batch; inferred before that). */
  readonly keyDts: (string | undefined)[] = [];

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
