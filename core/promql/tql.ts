// TQL (PromQL) flows: the subset a downsampling flow needs, evaluated over a scan of the metric's table. Selectors
// with label matchers, aggregations (sum, avg, count, min, max by/without), arithmetic between vectors with the same
// labels and with numbers; a series' value at a step is its latest sample in the 5-minute lookback, as in Prometheus.
import { EddyError, StatusCode } from '../errors.ts';
import type { TableSchema } from '../schema.ts';
import { timeColumn, type WriteBatch } from '../batch.ts';
import type { QueryContext } from '../query/context.ts';
import { recordBatchToWriteBatch } from '../codec/arrow_rows.ts';

const LOOKBACK_NS = 300_000_000_000n;
const AGGS = new Set(['sum', 'avg', 'count', 'min', 'max']);

type Node =
  | { k: 'num'; v: number }
  | { k: 'sel'; metric: string; matchers: { label: string; op: '=' | '!='; value: string }[] }
  | { k: 'agg'; fn: string; by: string[] | null; without: string[] | null; arg: Node }
  | { k: 'bin'; op: string; l: Node; r: Node };

const bad = (m: string): EddyError => new EddyError(StatusCode.InvalidArguments, `TQL: ${m}`);

/** Parses the PromQL text of a TQL EVAL; the trailing `AS name` names the value column. */
export function parsePromql(text: string): { expr: Node; valueName: string | null } {
  let body = text.trim().replace(/;\s*$/, '');
  let valueName: string | null = null;
  const m = /\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/i.exec(body);
  if (m) { valueName = m[1]!; body = body.slice(0, m.index); }
  const toks = body.match(/\s*("[^"]*"|'[^']*'|!=|=~|[A-Za-z_:][A-Za-z0-9_:]*|\d+(?:\.\d+)?|[-+*/(){},=])/g)?.map((t) => t.trim()) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const take = (t?: string): string => {
    const x = toks[i++];
    if (x === undefined || (t !== undefined && x !== t)) throw bad(`expected ${t ?? 'more'} in ${body}`);
    return x;
  };
  const labels = (): string[] => {
    take('(');
    const out: string[] = [];
    while (peek() !== ')') { out.push(take()); if (peek() === ',') take(','); }
    take(')');
    return out;
  };
  const primary = (): Node => {
    const t = take();
    if (t === '(') { const e = expr(); take(')'); return e; }
    if (/^\d/.test(t)) return { k: 'num', v: Number(t) };
    if (AGGS.has(t.toLowerCase()) && (peek() === '(' || peek() === 'by' || peek() === 'without')) {
      let by: string[] | null = null, without: string[] | null = null;
      const mod = () => { if (peek() === 'by') { take(); by = labels(); } else if (peek() === 'without') { take(); without = labels(); } };
      mod();
      take('(');
      const arg = expr();
      take(')');
      mod();
      return { k: 'agg', fn: t.toLowerCase(), by, without, arg };
    }
    const matchers: { label: string; op: '=' | '!='; value: string }[] = [];
    if (peek() === '{') {
      take('{');
      while (peek() !== '}') {
        const label = take();
        const op = take();
        if (op !== '=' && op !== '!=') throw bad(`label matcher ${op} is not supported`);
        matchers.push({ label, op, value: take().slice(1, -1) });
        if (peek() === ',') take(',');
      }
      take('}');
    }
    return { k: 'sel', metric: t, matchers };
  };
  const term = (): Node => {
    let l = primary();
    while (peek() === '*' || peek() === '/') { const op = take(); l = { k: 'bin', op, l, r: primary() }; }
    return l;
  };
  const expr = (): Node => {
    let l = term();
    while (peek() === '+' || peek() === '-') { const op = take(); l = { k: 'bin', op, l, r: term() }; }
    return l;
  };
  const e = expr();
  if (i < toks.length) throw bad(`unexpected ${toks[i]} in ${body}`);
  return { expr: e, valueName };
}

/** The metrics (tables) an expression selects. */
export function promqlTables(n: Node): string[] {
  switch (n.k) {
    case 'sel': return [n.metric];
    case 'agg': return promqlTables(n.arg);
    case 'bin': return [...new Set([...promqlTables(n.l), ...promqlTables(n.r)])];
    default: return [];
  }
}

interface Sample { t: bigint; v: number }
interface Series { labels: Record<string, string>; samples: Sample[] }
type Vector = Map<string, { labels: Record<string, string>; v: number }> | number;

const keyOf = (l: Record<string, string>): string => Object.keys(l).sort().map((k) => `${k}=${l[k]}`).join('\u0000');

/** Series of a table over [start - lookback, end]: tags as labels, the first numeric field as the value. */
async function loadSeries(ctx: QueryContext, schema: TableSchema, start: bigint, end: bigint): Promise<Series[]> {
  const field = schema.columns.find((c) => c.name !== schema.timeIndex && !schema.primaryKey.includes(c.name) && (c.type === 'float64' || c.type === 'int64' || c.type === 'uint64'));
  if (!field) throw bad(`table ${schema.name} has no numeric field`);
  const byKey = new Map<string, Series>();
  for (const rb of await ctx.scan(schema, { start: start - LOOKBACK_NS, end: end + 1n })) {
    const b: WriteBatch = recordBatchToWriteBatch(rb, schema);
    const ts = timeColumn(b).values as BigInt64Array;
    const val = b.columns.find((c) => c.name === field.name);
    const tags = b.columns.filter((c) => c.semantic === 'tag');
    for (let i = 0; i < b.rows; i++) {
      if (!val || (val.valid && !val.valid[i])) continue;
      const labels: Record<string, string> = {};
      for (const c of tags) if (!c.valid || c.valid[i]) labels[c.name] = String((c.values as unknown[])[i]);
      const k = keyOf(labels);
      let s = byKey.get(k);
      if (!s) byKey.set(k, (s = { labels, samples: [] }));
      s.samples.push({ t: ts[i]!, v: Number((val.values as ArrayLike<number | bigint>)[i]) });
    }
  }
  for (const s of byKey.values()) s.samples.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  return [...byKey.values()];
}

function evalAt(n: Node, t: bigint, data: Map<string, Series[]>): Vector {
  switch (n.k) {
    case 'num': return n.v;
    case 'sel': {
      const out = new Map<string, { labels: Record<string, string>; v: number }>();
      for (const s of data.get(n.metric) ?? []) {
        if (!n.matchers.every((m) => ((s.labels[m.label] ?? '') === m.value) === (m.op === '='))) continue;
        let last: Sample | null = null;
        for (const x of s.samples) { if (x.t > t) break; if (x.t > t - LOOKBACK_NS) last = x; }
        if (last) out.set(keyOf(s.labels), { labels: s.labels, v: last.v });
      }
      return out;
    }
    case 'agg': {
      const arg = evalAt(n.arg, t, data);
      if (typeof arg === 'number') throw bad(`${n.fn}() expects a vector`);
      const groups = new Map<string, { labels: Record<string, string>; xs: number[] }>();
      for (const { labels, v } of arg.values()) {
        const kept: Record<string, string> = {};
        for (const [k, x] of Object.entries(labels)) if (n.by ? n.by.includes(k) : n.without ? !n.without.includes(k) : false) kept[k] = x;
        const g = groups.get(keyOf(kept)) ?? { labels: kept, xs: [] };
        g.xs.push(v);
        groups.set(keyOf(kept), g);
      }
      const out = new Map<string, { labels: Record<string, string>; v: number }>();
      for (const [k, g] of groups) {
        const sum = g.xs.reduce((a, b) => a + b, 0);
        const v = n.fn === 'sum' ? sum : n.fn === 'avg' ? sum / g.xs.length : n.fn === 'count' ? g.xs.length : n.fn === 'min' ? Math.min(...g.xs) : Math.max(...g.xs);
        out.set(k, { labels: g.labels, v });
      }
      return out;
    }
    case 'bin': {
      const l = evalAt(n.l, t, data), r = evalAt(n.r, t, data);
      const f = (a: number, b: number): number => (n.op === '+' ? a + b : n.op === '-' ? a - b : n.op === '*' ? a * b : a / b);
      if (typeof l === 'number' && typeof r === 'number') return f(l, r);
      const out = new Map<string, { labels: Record<string, string>; v: number }>();
      if (typeof l === 'number') { for (const [k, x] of r as Map<string, { labels: Record<string, string>; v: number }>) out.set(k, { labels: x.labels, v: f(l, x.v) }); return out; }
      if (typeof r === 'number') { for (const [k, x] of l) out.set(k, { labels: x.labels, v: f(x.v, r) }); return out; }
      for (const [k, x] of l) { const y = r.get(k); if (y) out.set(k, { labels: x.labels, v: f(x.v, y.v) }); }
      return out;
    }
  }
}

/** The labels an expression's series carry (its output columns), known before any data. */
function labelsOf(n: Node, schemas: Map<string, TableSchema>): string[] {
  switch (n.k) {
    case 'num': return [];
    case 'sel': return schemas.get(n.metric)?.primaryKey ?? [];
    case 'agg': return n.by ?? (n.without ? labelsOf(n.arg, schemas).filter((l) => !n.without!.includes(l)) : []);
    case 'bin': return n.l.k === 'num' ? labelsOf(n.r, schemas) : labelsOf(n.l, schemas);
  }
}

export interface TqlResult { columns: { name: string; dataType: string }[]; rows: unknown[][] }

/**
 * Evaluates the expression at start, start + step, ... end (ns): one row per resulting series and step, columns
 * (value, labels..., time index) as GreptimeDB answers TQL EVAL.
 */
export async function evalTql(ctx: QueryContext, db: string, expr: Node, valueName: string | null, start: bigint, end: bigint, step: bigint): Promise<TqlResult> {
  const data = new Map<string, Series[]>();
  const schemas = new Map<string, TableSchema>();
  let timeName = 'ts';
  for (const metric of promqlTables(expr)) {
    const schema = await ctx.getTable(db, metric);
    if (!schema) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${metric}`);
    timeName = schema.timeIndex;
    schemas.set(metric, schema);
    data.set(metric, await loadSeries(ctx, schema, start, end));
  }
  const points: { t: bigint; labels: Record<string, string>; v: number }[] = [];
  for (let t = start; t <= end && step > 0n; t += step) {
    const v = evalAt(expr, t, data);
    if (typeof v === 'number') { points.push({ t, labels: {}, v }); continue; }
    for (const x of v.values()) points.push({ t, labels: x.labels, v: x.v });
  }
  const labels = labelsOf(expr, schemas);
  return {
    columns: [{ name: valueName ?? 'value', dataType: 'Float64' }, ...labels.map((l) => ({ name: l, dataType: 'Utf8' })), { name: timeName, dataType: 'TimestampMillisecond' }],
    rows: points.map((p) => [p.v, ...labels.map((l) => p.labels[l] ?? null), Number(p.t / 1_000_000n)]),
  };
}
