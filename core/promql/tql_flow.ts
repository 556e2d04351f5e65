// TQL flows on the PromQL engine: the PromQL of `CREATE FLOW ... AS TQL EVAL (start, end, step) <promql> [AS name]`
// evaluated over its range by evalRange on the table SeriesSource, answered as the columns and rows a batching flow
// upserts into its sink: the value column, one column per label, the time index (GreptimeDB's names).
import { EddyError, StatusCode } from '../errors.ts';
import type { QueryContext } from '../query/context.ts';
import type { TableSchema } from '../schema.ts';
import type { PromExpr } from './parser/ast.ts';
import { SET_OPS } from './parser/ast.ts';
import { evalRange, parsePromQL } from './engine_seam.ts';
import { typeOf } from './index.ts';
import { METRIC_NAME, TableSeriesSource } from './table_source.ts';

export interface TqlFlowQuery {
  expr: PromExpr;
  /** GreptimeDB's trailing `AS name`: the value column's name (else `value`). */
  valueName: string | null;
}

export interface TqlFlowResult { columns: { name: string; dataType: string }[]; rows: unknown[][] }

const ALIAS = /\s+AS\s+([A-Za-z_][A-Za-z0-9_]*)\s*;?\s*$/i;

/** TQL's PromQL text and its trailing `AS name` (GreptimeDB's name for the value column), taken apart. */
export function splitTqlAlias(text: string): { body: string; valueName: string | null } {
  let body = text.trim().replace(/;\s*$/, '');
  let valueName: string | null = null;
  const m = ALIAS.exec(body);
  if (m) {
    valueName = m[1]!;
    body = body.slice(0, m.index);
  }
  return { body, valueName };
}

/** Parses a TQL flow's PromQL with the engine's parser, after taking off the trailing `AS name`. */
export function parseTqlFlow(text: string): TqlFlowQuery {
  const { body, valueName } = splitTqlAlias(text);
  return { expr: parsePromQL(body), valueName };
}

/** The metric name a selector names (its name or a `__name__="..."` matcher). */
function metricOf(e: { name?: string; matchers: { name: string; op: string; value: string }[] }): string | undefined {
  return e.name ?? e.matchers.find((m) => m.name === METRIC_NAME && m.op === '=')?.value;
}

function children(e: PromExpr): PromExpr[] {
  switch (e.kind) {
    case 'matrix': return [e.vector];
    case 'subquery': case 'paren': case 'unary': return [e.expr];
    case 'call': return e.args;
    case 'aggregate': return e.param ? [e.param, e.expr] : [e.expr];
    case 'binary': return [e.lhs, e.rhs];
    default: return [];
  }
}

/** The metrics (tables) an expression selects by name: a flow's source tables. */
export function promqlTables(e: PromExpr): string[] {
  const out = new Set<string>();
  const visit = (x: PromExpr): void => {
    if (x.kind === 'vector') {
      const name = metricOf(x);
      if (name !== undefined) out.add(name);
    }
    children(x).forEach(visit);
  };
  visit(e);
  return [...out];
}

const union = (a: string[], b: string[]): string[] => [...a, ...b.filter((x) => !a.includes(x))];

/**
 * The labels an expression's series carry, known before any data (a flow's sink is made from them even when the
 * first run answers no rows): a table's tag columns for a selector, then what each operator keeps, as Prometheus
 * shapes result labels. `__name__` is never a column.
 */
export function outputLabels(e: PromExpr, schemas: ReadonlyMap<string, TableSchema>): string[] {
  switch (e.kind) {
    case 'number': case 'string': return [];
    case 'vector': {
      const name = metricOf(e);
      return (name !== undefined ? schemas.get(name)?.primaryKey : undefined) ?? [];
    }
    case 'matrix': return outputLabels(e.vector, schemas);
    case 'subquery': case 'paren': case 'unary': return outputLabels(e.expr, schemas);
    case 'aggregate': {
      const inner = outputLabels(e.expr, schemas);
      if (e.op === 'topk' || e.op === 'bottomk') return inner;
      const kept = e.without ? inner.filter((l) => !e.grouping.includes(l)) : e.grouping;
      if (e.op === 'count_values' && e.param?.kind === 'string') return union(kept, [e.param.value]);
      return kept;
    }
    case 'binary': {
      const lv = typeOf(e.lhs) !== 'scalar', rv = typeOf(e.rhs) !== 'scalar';
      const l = lv ? outputLabels(e.lhs, schemas) : [], r = rv ? outputLabels(e.rhs, schemas) : [];
      if (!lv || !rv) return lv ? l : r;
      if (e.op === 'or') return union(l, r);
      if (SET_OPS.has(e.op)) return l;
      const mt = e.matching;
      if (!mt || mt.card === 'one-to-one') {
        if (!mt) return l;
        return mt.on ? l.filter((x) => mt.labels.includes(x)) : l.filter((x) => !mt.labels.includes(x));
      }
      return mt.card === 'many-to-one' ? union(l, mt.include) : union(r, mt.include);
    }
    case 'call': {
      const first = e.args.find((a) => typeOf(a) === 'vector' || typeOf(a) === 'matrix');
      const inner = first ? outputLabels(first, schemas) : [];
      const str = (i: number): string[] => (e.args[i]?.kind === 'string' ? [(e.args[i] as { value: string }).value] : []);
      switch (e.func) {
        case 'label_replace': case 'label_join': return union(inner, str(1));
        case 'histogram_quantile': return inner.filter((l) => l !== 'le');
        case 'absent': case 'absent_over_time': {
          const sel = first?.kind === 'matrix' ? first.vector : first;
          return sel?.kind === 'vector' ? sel.matchers.filter((m) => m.op === '=' && m.name !== METRIC_NAME).map((m) => m.name) : [];
        }
        default: return inner;
      }
    }
  }
}

/**
 * Evaluates the expression at start, start + step, ... end (ns, as the flow's SQL bounds give them) through the engine:
 * one row per series and step, columns (value, labels..., time index) as GreptimeDB answers a TQL flow.
 */
export async function evalTqlFlow(ctx: QueryContext, db: string, q: TqlFlowQuery, startNs: bigint, endNs: bigint, stepNs: bigint): Promise<TqlFlowResult> {
  const schemas = new Map<string, TableSchema>();
  let timeName = 'ts';
  for (const metric of promqlTables(q.expr)) {
    const schema = await ctx.getTable(db, metric);
    if (!schema) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${metric}`);
    timeName = schema.timeIndex;
    schemas.set(metric, schema);
  }
  const stepMs = Number(stepNs / 1_000_000n);
  if (!(stepMs > 0)) throw new EddyError(StatusCode.InvalidArguments, 'TQL step must be at least 1ms');
  const result = await evalRange(q.expr, Number(startNs / 1_000_000n), Number(endNs / 1_000_000n), stepMs, new TableSeriesSource(ctx, db));
  const series = result.type === 'matrix' ? result.series : [];
  // the labels known from the schema first (the sink's shape), then any the analysis did not foresee, so no series
  // is merged into another by a dropped label
  const labels = outputLabels(q.expr, schemas).filter((l) => l !== METRIC_NAME);
  for (const s of series) for (const [k] of s.labels) if (k !== METRIC_NAME && !labels.includes(k)) labels.push(k);
  const rows: unknown[][] = [];
  for (const s of series) {
    const own = new Map(s.labels);
    const tags = labels.map((l) => own.get(l) ?? null);
    for (let i = 0; i < s.t.length; i++) rows.push([s.v[i]!, ...tags, s.t[i]!]);
  }
  return {
    columns: [{ name: q.valueName ?? 'value', dataType: 'Float64' }, ...labels.map((l) => ({ name: l, dataType: 'Utf8' })), { name: timeName, dataType: 'TimestampMillisecond' }],
    rows,
  };
}
