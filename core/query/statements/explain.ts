// EXPLAIN [ANALYZE]: the operator tree of a query with what each region scan is asked for (time range, tag
// filters, projection, limit); ANALYZE also runs it and reports rows and time per operator.
import { PlanError } from '../../errors.ts';
import type { Explain, Expr, OrderByItem, Query, QueryBody, Select, TableRef } from '../../sql/index.ts';
import { formatExpr } from '../../sql/index.ts';
import { regionIdOf } from '../../schema.ts';
import { describeSpec, scanSpecFor } from '../plan/from.ts';
import { leafWheres } from '../plan/join_pushdown.ts';
import type { Rel } from '../plan/rel.ts';
import type { QState } from '../plan/select.ts';
import { runQuery, scanLimit } from '../plan/select.ts';
import { stringRel } from '../plan/rel.ts';
import { findAggregates, findWindows } from '../plan/walk.ts';
import type { TraceEntry } from '../expr/scope.ts';
import { outputsJsonBytes, relToOutput } from '../output/index.ts';

type Lines = string[];
/** Planning state: the query state, CTE names in scope, and whether to print the physical (per-region) form. */
interface PlanCtx { st: QState; ctes: Set<string>; physical: boolean }
const pad = (d: number) => '  '.repeat(d);
const list = (es: Expr[]) => es.map(formatExpr).join(', ');
const orderText = (o: OrderByItem[]) => o.map((x) => `${formatExpr(x.expr)} ${x.asc === false ? 'DESC' : 'ASC'}${x.nullsFirst === undefined ? '' : x.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`).join(', ');

async function constNum(e: Expr | undefined): Promise<number | undefined> {
  return e && e.type === 'number' ? Number(e.value) : undefined;
}

async function planQuery(q: Query, pc: PlanCtx, d: number, out: Lines): Promise<void> {
  const limit = await constNum(q.limit), offset = (await constNum(q.offset)) ?? 0;
  if (q.limit || q.offset) { out.push(`${pad(d)}Limit: skip=${offset}, fetch=${q.limit ? formatExpr(q.limit) : 'all'}`); d++; }
  if (q.orderBy.length) { out.push(`${pad(d)}Sort: ${orderText(q.orderBy)}`); d++; }
  if (q.with) {
    pc = { ...pc, ctes: new Set(pc.ctes) };
    for (const c of q.with.ctes) {
      out.push(`${pad(d)}CTE: ${c.name.value}`);
      if (c.query.type === 'tql') out.push(`${pad(d + 1)}TQL: ${c.query.promql}`);
      else await planQuery(c.query, pc, d + 1, out);
      pc.ctes.add(c.name.value);
    }
  }
  await planBody(q.body, pc, d, out, q.body.type === 'select' ? scanLimit(q.body, q.orderBy, limit, offset) : undefined);
}

async function planBody(b: QueryBody, pc: PlanCtx, d: number, out: Lines, limit: number | undefined): Promise<void> {
  switch (b.type) {
    case 'select': return planSelect(b, pc, d, out, limit);
    case 'query': return planQuery(b, pc, d, out);
    case 'values': out.push(`${pad(d)}Values: ${b.rows.length} rows`); return;
    case 'set_op':
      out.push(`${pad(d)}${b.op}${b.all ? ' ALL' : ''}`);
      await planBody(b.left, pc, d + 1, out, undefined);
      await planBody(b.right, pc, d + 1, out, undefined);
  }
}

async function planSelect(sel: Select, pc: PlanCtx, d: number, out: Lines, limit: number | undefined): Promise<void> {
  if (sel.distinctOn) { out.push(`${pad(d)}DistinctOn: ${list(sel.distinctOn)}`); d++; }
  else if (sel.distinct) { out.push(`${pad(d)}Distinct`); d++; }
  out.push(`${pad(d)}Projection: ${sel.projection.map((p) => formatExpr(p.expr) + (p.alias ? ` AS ${p.alias.value}` : '')).join(', ')}`);
  d++;
  const wins = sel.projection.flatMap((p) => findWindows(p.expr));
  if (wins.length) { out.push(`${pad(d)}WindowAggr: ${list(wins)}`); d++; }
  if (sel.having) { out.push(`${pad(d)}Filter: ${formatExpr(sel.having)}`); d++; }
  if (sel.align) {
    const a = sel.align;
    out.push(`${pad(d)}RangeSelect: align=${formatExpr(a.align)}${a.to ? ` align_to=${formatExpr(a.to)}` : ''}${a.by ? ` by=[${list(a.by)}]` : ''}${a.fill ? ` fill=${a.fill}` : ''}`);
    d++;
  } else {
    const aggs = [...sel.projection.flatMap((p) => findAggregates(p.expr)), ...findAggregates(sel.having)];
    if (aggs.length || sel.groupBy.length) { out.push(`${pad(d)}Aggregate: groupBy=[${list(sel.groupBy)}], aggr=[${list(aggs)}]`); d++; }
  }
  if (sel.where) { out.push(`${pad(d)}Filter: ${formatExpr(sel.where)}`); d++; }
  if (sel.from.length > 1) { out.push(`${pad(d)}CrossJoin`); d++; }
  const lone = sel.from.length === 1 && sel.from[0]!.type !== 'join';
  // below a join each table shows the WHERE conjuncts pushed into its scan, as the executor pushes them
  const pushed = lone ? undefined : await leafWheres(sel.from, sel.where, pc.st, pc.ctes);
  for (const t of sel.from) await planTable(t, lone ? sel.where : pushed?.get(t), sel, pc, d, out, lone ? limit : undefined, pushed);
}

async function planTable(t: TableRef, where: Expr | undefined, sel: Select, pc: PlanCtx, d: number, out: Lines, limit: number | undefined, pushed?: Map<TableRef, Expr>): Promise<void> {
  const st = pc.st;
  switch (t.type) {
    case 'table': {
      const path = t.name.map((p) => p.value);
      const name = path[path.length - 1]!;
      const db = path.length >= 2 ? path[path.length - 2]! : st.env.qctx.db;
      const alias = t.alias ? ` AS ${t.alias.name.value}` : '';
      if (path.length === 1 && (pc.ctes.has(name) || st.ctes.has(name))) { out.push(`${pad(d)}CteScan: ${name}${alias}`); return; }
      if (db.toLowerCase() === 'information_schema') { out.push(`${pad(d)}SystemTableScan: information_schema.${name}${alias}`); return; }
      const schema = await st.env.qctx.getTable(db, name);
      if (!schema) {
        if (name === 'numbers') { out.push(`${pad(d)}SystemTableScan: public.numbers limit=${limit ?? 100}`); return; }
        throw new PlanError(`Table not found: greptime.${db}.${name}`, t.pos);
      }
      const spec = scanSpecFor(schema, where, [t.alias?.name.value ?? name, name], sel, limit, st.env);
      if (!pc.physical) {
        out.push(`${pad(d)}MergeScan: ${db}.${name}${alias} regions=${schema.regions}`);
        out.push(`${pad(d + 1)}RegionScan: ${describeSpec(spec, schema)}`);
        return;
      }
      // the physical form: one scan fragment per region, each sent the same pushed-down request
      out.push(`${pad(d)}MergeScanExec: ${db}.${name}${alias}`);
      for (let n = 0; n < schema.regions; n++) out.push(`${pad(d + 1)}RegionScanExec: region_id=${regionIdOf(schema.id, n)} ${describeSpec(spec, schema)}`);
      return;
    }
    case 'derived':
      out.push(`${pad(d)}SubqueryAlias: ${t.alias?.name.value ?? '(derived)'}`);
      await planQuery(t.query, pc, d + 1, out);
      return;
    case 'table_function':
      out.push(`${pad(d)}TableFunction: ${formatExpr(t.call)}`);
      return;
    case 'join':
      out.push(`${pad(d)}${t.kind} Join${t.on ? `: ${formatExpr(t.on)}` : t.using ? `: USING (${t.using.map((u) => u.value).join(', ')})` : ''}`);
      await planTable(t.left, pushed?.get(t.left), sel, pc, d + 1, out, undefined, pushed);
      await planTable(t.right, pushed?.get(t.right), sel, pc, d + 1, out, undefined, pushed);
  }
}

export async function runExplain(s: Explain, st: QState): Promise<Rel> {
  const inner = s.statement;
  if (inner.type !== 'query') {
    return stringRel(['plan_type', 'plan'], [['logical_plan', `${inner.type.toUpperCase().replace(/_/g, ' ')}: ${inner.span.text}`]]);
  }
  if (s.analyze) return analyze(inner.query, st);
  const lines: Lines = [], phys: Lines = [];
  await planQuery(inner.query, { st, ctes: new Set(), physical: false }, 0, lines);
  await planQuery(inner.query, { st, ctes: new Set(), physical: true }, 0, phys);
  return stringRel(['plan_type', 'plan'], [['logical_plan', lines.join('\n')], ['physical_plan', phys.join('\n')]]);
}

/** Stages reported by EXPLAIN ANALYZE, in the order a statement passes them. */
const STAGES = ['http', 'parse', 'plan', 'scan', 'to_vectors', 'execute', 'encode'] as const;

/**
 * EXPLAIN ANALYZE as GreptimeDB prints it: rows of (stage, node, plan), stage 0 the frontend's operators top-down,
 * stage 1 the region scans, each line with its output rows and time; then `Total rows`, then the time per stage of
 * this statement (http: the request up to the executor; to_vectors: scan batches into column vectors; encode: the
 * result as /v1/sql JSON).
 */
async function analyze(q: Query, st: QState): Promise<Rel> {
  const qctx = st.env.qctx;
  const started = performance.now();
  st.env.trace = [];
  st.env.stages = {};
  const rel = await runQuery(q, st);
  const total = performance.now() - started;
  const trace = st.env.trace;
  const stages = st.env.stages;
  st.env.trace = undefined;
  st.env.stages = undefined;
  const t0 = performance.now();
  outputsJsonBytes([relToOutput(rel)], 0);
  const ms = (x: number) => `${x.toFixed(3)}ms`;
  const line = (e: TraceEntry) => `${e.op}: ${e.detail}, output_rows=${e.rows}, elapsed=${ms(e.ms ?? 0)}`;
  const scans = trace.filter((e) => e.op === 'RegionScan' || e.op === 'SystemScan');
  const ops = trace.filter((e) => !scans.includes(e)).reverse();
  const rows: (string | null)[][] = [];
  const frontend = ops.map((e, i) => `${'  '.repeat(i)}${line(e)}`);
  if (scans.length) frontend.push(`${'  '.repeat(ops.length)}MergeScan: ${scans.length} scan${scans.length > 1 ? 's' : ''}`);
  if (frontend.length) rows.push(['0', '0', frontend.join('\n')]);
  scans.forEach((e, i) => rows.push(['1', String(i), line(e)]));
  rows.push([null, null, `Total rows: ${rel.len}`]);
  const scanned = scans.reduce((a, e) => a + e.rows, 0);
  const recv = qctx.timing?.receivedAt;
  const parse = qctx.timing?.parseMs ?? 0;
  const timing: Record<string, number> = {
    http: recv === undefined ? 0 : Math.max(0, started - recv - parse),
    parse,
    plan: stages.plan ?? 0,
    scan: stages.scan ?? 0,
    to_vectors: stages.to_vectors ?? 0,
    execute: Math.max(0, total - (stages.plan ?? 0) - (stages.scan ?? 0) - (stages.to_vectors ?? 0)),
    encode: performance.now() - t0,
  };
  const sum = STAGES.reduce((a, k) => a + timing[k]!, 0);
  rows.push([null, null, `Stage timing: ${STAGES.map((k) => `${k}=${ms(timing[k]!)}`).join(' ')} total=${ms(sum)}`]);
  rows.push([null, null, `rows_scanned=${scanned}, output_rows=${rel.len}`]);
  return stringRel(['stage', 'node', 'plan'], rows);
}
