// TQL EVAL | EXPLAIN | ANALYZE (start, end, step [, lookback]) <promql>: PromQL inside SQL, as in GreptimeDB. EVAL answers
// a table: the time index column, the value column (named after the metric table's field) and one column per label, in
// the order GreptimeDB's planner projects them (tql_layout.ts).
import type { Expr, TqlSource } from '../../sql/index.ts';
import { formatExpr } from '../../sql/index.ts';
import { PlanError } from '../../errors.ts';
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { stringRel } from '../plan/rel.ts';
import type { Interval, Vec } from '../vector.ts';
import { getValue, isNull } from '../vector.ts';
import { evalExpr } from '../expr/eval.ts';
import { relNamer } from '../expr/names.ts';
import { evalRange, parsePromQL } from '../../promql/engine_seam.ts';
import { TableSeriesSource, valueColumnOf } from '../../promql/table_source.ts';
import { splitTqlAlias } from '../../promql/tql_flow.ts';
import type { PromValue, SeriesSamples } from '../../promql/types.ts';
import { msToNsInto } from '../../codec/prometheus/remote_write.ts';
import { tqlColumns, tqlLayout } from './tql_layout.ts';

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** A TQL parameter as ms: a number (Unix seconds), a string of seconds, RFC 3339, a duration (step, lookback), or now(). */
function paramMs(e: Expr, what: string, ctx: QueryContext, duration: boolean): number {
  const bad = (): never => {
    throw new PlanError(`TQL ${what}: cannot read '${formatExpr(e)}' as ${duration ? 'a duration' : 'a time'}`, e.pos);
  };
  if (e.type === 'number') return Math.round(Number(e.value) * 1000);
  if (e.type === 'unary' && (e as { op: string }).op === '-' && (e as { expr: Expr }).expr.type === 'number') {
    return -paramMs((e as { expr: Expr }).expr, what, ctx, duration);
  }
  if (e.type === 'string') {
    const s = e.value.trim();
    if (s !== '' && Number.isFinite(Number(s))) return Math.round(Number(s) * 1000);
    if (duration) {
      const m = DURATION.exec(s);
      if (!m || s === '') return bad();
      const [, y, w, d, h, mi, sec, ms] = m.map((x) => Number(x ?? 0));
      return ((((y! * 365 + w! * 7 + d!) * 24 + h!) * 60 + mi!) * 60 + sec!) * 1000 + ms!;
    }
    const t = Date.parse(s);
    return Number.isNaN(t) ? bad() : t;
  }
  if (/^now\(\)$/i.test(formatExpr(e))) return ctx.now();
  // any other constant SQL expression, as GreptimeDB takes them: `now() - '1m'::interval`, a cast, an INTERVAL
  let v: Vec;
  try {
    v = evalExpr(e, { rel: { fields: [], cols: [], len: 1 }, env: { qctx: ctx, nowNs: BigInt(ctx.now()) * 1_000_000n, subqueries: new Map() }, namer: relNamer(undefined) });
  } catch {
    return bad();
  }
  if (isNull(v, 0)) return bad();
  if (v.kind === 'ts') return tsMs(v.v[0]!);
  if (v.kind === 'num') return Math.round(Number(v.v[0]) * 1000);
  const x = getValue(v, 0);
  if (x && typeof x === 'object' && 'nanos' in x) {
    const iv = x as Interval;
    // a month is 30 days here, as in Prometheus-style durations; as a time, an interval is that long after the epoch
    // (`now() - now()` is 0, as GreptimeDB reads it)
    return (iv.months * 30 + iv.days) * 86_400_000 + Number(iv.nanos / 1_000_000n);
  }
  if (typeof x === 'string') return paramMs({ type: 'string', value: x, pos: e.pos } as Expr, what, ctx, duration);
  return bad();
}

/** A timestamp value (ns whatever its display unit) as whole ms, floored. */
function tsMs(ns: bigint): number {
  return Number(ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n));
}

interface TqlRange { start: number; end: number; step: number; lookback?: number }

function rangeOf(s: TqlSource, ctx: QueryContext): TqlRange {
  if (s.params.length < 3 || s.params.length > 4) {
    throw new PlanError(`TQL ${s.kind} needs (start, end, step [, lookback]), got ${s.params.length} parameter(s)`, s.pos);
  }
  const [a, b, c, d] = s.params;
  const r: TqlRange = { start: paramMs(a!, 'start', ctx, false), end: paramMs(b!, 'end', ctx, false), step: paramMs(c!, 'step', ctx, true) };
  if (d) r.lookback = paramMs(d, 'lookback', ctx, true);
  if (r.step <= 0) throw new PlanError('TQL step must be positive', c!.pos);
  if (r.end < r.start) throw new PlanError('TQL end must not be before start', b!.pos);
  return r;
}

/**
 * Names of the output columns: the time index of the tables the query read (when they agree), and the field of the
 * one metric the answer still names, else `value`.
 */
function columnNames(source: TableSeriesSource, series: SeriesSamples[]): { time: string; value: string } {
  const times = new Set([...source.touched.values()].map((s) => s.timeIndex));
  const time = times.size === 1 ? [...times][0]! : 'time';
  const names = new Set(series.map((s) => s.labels.find(([k]) => k === '__name__')?.[1]));
  const only = names.size === 1 ? [...names][0] : undefined;
  const schema = only !== undefined ? source.touched.get(only) : undefined;
  return { time, value: (schema && valueColumnOf(schema)) ?? 'value' };
}

function matrixOf(v: PromValue): SeriesSamples[] {
  if (v.type === 'matrix') return v.series;
  if (v.type === 'vector') return v.samples.map((s) => ({ labels: s.labels, t: Float64Array.of(s.t), v: Float64Array.of(s.v) }));
  if (v.type === 'scalar') return [{ labels: [], t: Float64Array.of(v.t), v: Float64Array.of(v.v) }];
  return [];
}

async function evalRel(ctx: QueryContext, s: TqlSource, r: TqlRange): Promise<{ rel: Rel; series: number; samples: number }> {
  const { body, valueName } = splitTqlAlias(s.promql);
  const expr = parsePromQL(body);
  const source = new TableSeriesSource(ctx);
  const result = await evalRange(expr, r.start, r.end, r.step, source, {
    ...(r.lookback !== undefined ? { lookbackMs: r.lookback } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const series = matrixOf(result);
  const cols = columnNames(source, series);
  const labelSet = new Set<string>();
  for (const x of series) for (const [k] of x.labels) if (k !== '__name__') labelSet.add(k);
  const table = source.touched.size === 1 ? [...source.touched.values()][0]! : null;
  const layout = tqlColumns(tqlLayout(expr), table, (table && valueColumnOf(table)) ?? cols.value, labelSet);
  const labels = layout.flatMap((c) => (c.kind === 'label' ? [c.name] : []));
  // series in label order, rows in time order within a series (GreptimeDB sorts by tags, then time)
  const key = (x: SeriesSamples) => labels.map((l) => x.labels.find(([k]) => k === l)?.[1] ?? '').join('\u0000');
  const ordered = [...series].sort((p, q) => (key(p) < key(q) ? -1 : key(p) > key(q) ? 1 : 0));
  const n = ordered.reduce((a, x) => a + x.t.length, 0);
  const ts = new BigInt64Array(n);
  const tsBits = new Uint32Array(ts.buffer);
  const vals = new Float64Array(n);
  const labelVals = labels.map(() => new Array<string | null>(n).fill(null));
  let row = 0;
  for (const x of ordered) {
    const own = new Map(x.labels);
    for (let i = 0; i < x.t.length; i++, row++) {
      msToNsInto(x.t[i]!, tsBits, row);
      vals[row] = x.v[i]!;
      for (let l = 0; l < labels.length; l++) labelVals[l]![row] = own.get(labels[l]!) ?? null;
    }
  }
  const tsCol: Vec = { kind: 'ts', dt: 'TimestampMillisecond', unit: 'ms', v: ts, valid: null };
  const valCol: Vec = { kind: 'num', dt: 'Float64', v: vals, valid: null };
  const labelCol = new Map(labels.map((name, l): [string, Vec] => [name, { kind: 'str', dt: 'String', v: labelVals[l]! }]));
  const labelFields = labels.map((name) => ({ name, dt: 'String' as const }));
  // with `AS name`, GreptimeDB projects (name, labels..., time index), as a TQL flow's sink gets them
  const rel: Rel = valueName !== null ? {
    fields: [{ name: valueName, dt: 'Float64' }, ...labelFields, { name: cols.time, dt: 'TimestampMillisecond' }],
    cols: [valCol, ...labels.map((l) => labelCol.get(l)!), tsCol],
    len: n,
  } : {
    fields: layout.map((c) => (c.kind === 'time' ? { name: cols.time, dt: 'TimestampMillisecond' } : c.kind === 'value' ? { name: cols.value, dt: 'Float64' } : { name: c.name, dt: 'String' })),
    cols: layout.map((c) => (c.kind === 'time' ? tsCol : c.kind === 'value' ? valCol : labelCol.get(c.name)!)),
    len: n,
  };
  return { rel, series: series.length, samples: n };
}

export async function runTql(ctx: QueryContext, s: TqlSource): Promise<Rel> {
  const r = rangeOf(s, ctx);
  if (s.kind === 'EVAL') return (await evalRel(ctx, s, r)).rel;
  const plan = `PromQL: ${s.promql}\n  range: start=${new Date(r.start).toISOString()}, end=${new Date(r.end).toISOString()}, step=${r.step}ms` +
    `, lookback=${r.lookback ?? 300_000}ms`;
  if (s.kind === 'EXPLAIN') {
    parsePromQL(splitTqlAlias(s.promql).body);
    return stringRel(['plan_type', 'plan'], [['logical_plan', plan]]);
  }
  const t0 = performance.now();
  const out = await evalRel(ctx, s, r);
  const ms = (performance.now() - t0).toFixed(3);
  return stringRel(['stage', 'node', 'plan'], [[0, 0, `${plan}\n  metrics: series=${out.series}, output_rows=${out.samples}, elapsed=${ms}ms`]], ['Int64', 'Int64', 'String']);
}
