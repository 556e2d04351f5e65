// Compiles CREATE FLOW / CREATE TASK into a FlowPlan: source, WHERE, window, group keys, aggregates, HAVING, sink columns.
import { InvalidArgumentError, ParseError, parseSql, selectItemName } from '../../core/index.ts';
import type { ColumnRef, CreateFlow, CreateTask, Expr, Select, SelectItem, Statement } from '../../core/index.ts';
import { isAggregateName } from '../aggregates.ts';
import { durationNs, positioned, sqlText, unsupported } from '../expr.ts';
import { OutputScope } from './output_scope.ts';
import { checkRowExpr, RowSlots } from './row_scope.ts';
import { containsAggregate, forEachChild, isAggregateCall } from './walk.ts';
import { evalVec } from '../core_eval.ts';
import type { Rel } from '../core_eval.ts';
import type { FlowPlan, GroupKeySpec, RowExpr, SinkColumn, WindowSpec } from '../types.ts';
import { windowCallOf } from '../window.ts';
import type { WindowCall } from '../window.ts';

export interface CompileOptions {
  /**
   * Watermark lag behind the max event time (0: a window is final once a later event arrives past its end). Default:
   * none, as in GreptimeDB: late rows still update their window, and only EXPIRE AFTER closes windows.
   */
  allowedLateness?: string | bigint;
  /** Emission interval when the statement names none (EVAL INTERVAL); default 1000 ms. */
  intervalMs?: number;
  /**
   * The source table's row identity (tag columns and time index). With it, a flow without aggregates (a filtering
   * projection) runs as one group per source row holding the row's latest version, so overwrites and rows that stop
   * matching WHERE update or delete their sink row.
   */
  rowKey?: RowKeyOptions;
}

/** The source table's row identity. An append-only source has none: each row is its own, even with equal keys. */
export interface RowKeyOptions { tags: string[]; time: string; appendOnly?: boolean }

/**
 * Parses and compiles one CREATE FLOW or CREATE TASK statement. Roadmap tasks may use InfluxQL durations
 * (`now() - 5m`, `time(1m)`): core's parser reads them as INTERVAL '5m' inside CREATE TASK only.
 */
export function compileFlowSql(text: string, opts: CompileOptions = {}): FlowPlan {
  const stmts = parseSql(text);
  if (stmts.length !== 1) throw new InvalidArgumentError(`Expected one CREATE FLOW or CREATE TASK statement, found ${stmts.length}`);
  return compileFlow(stmts[0]!, opts);
}

export function compileFlow(stmt: Statement, opts: CompileOptions = {}): FlowPlan {
  if (stmt.type !== 'create_flow' && stmt.type !== 'create_task') {
    throw positioned(`Expected CREATE FLOW or CREATE TASK, found a ${stmt.type} statement`, stmt.pos);
  }
  const isTask = stmt.type === 'create_task';
  const q = stmt.query;
  if (q.type === 'tql') throw unsupported('A TQL (PromQL) flow', q.pos);
  if (q.with) throw unsupported('WITH (common table expressions)', q.pos);
  if (q.body.type !== 'select') throw unsupported('A flow query other than a single SELECT (UNION, VALUES, nested query)', q.body.pos);
  if (q.limit || q.offset) throw unsupported('LIMIT/OFFSET', q.pos);
  const written = q.body;
  const aggregating = written.groupBy.length > 0 || !!written.distinct || !!written.having || written.projection.some((p) => containsAggregate(p.expr));
  const sel = opts.rowKey ? asRowGroups(written, opts.rowKey) : written;
  const rowTime = sel !== q.body ? opts.rowKey!.time : null;
  if (sel.align) throw unsupported('A range query (ALIGN)', sel.align.pos);
  if (sel.distinctOn) throw unsupported('DISTINCT ON', sel.pos);
  if (sel.from.length !== 1 || sel.from[0]!.type !== 'table') {
    const at = sel.from[1] ?? sel.from[0];
    throw unsupported('A flow over anything but one source table (joins, subqueries, table functions)', at?.pos ?? sel.pos);
  }
  const from = sel.from[0]!;
  const sourceTable = from.name[from.name.length - 1]!.value;
  const qualifiers = new Set([sourceTable, ...(from.alias ? [from.alias.name.value] : [])]);
  const slots = new RowSlots(qualifiers, isTask);
  const rowQualifier = from.alias ? from.alias.name.value : sourceTable;
  const row = (e: Expr): RowExpr => toRowExpr(e, slots, rowQualifier);

  const { filter, expireFromWhere } = splitWhere(sel.where, isTask);
  const groups = resolveGroupBy(sel);
  let win: { call: WindowCall; name: string; projected: boolean } | null = null;
  const groupKeys: (GroupKeySpec & { source: Expr; projected: boolean })[] = [];
  for (const g of groups) {
    const call = windowCallOf(g.expr);
    if (call) {
      if (win && !sameSpec(win.call.spec, call.spec)) throw unsupported('Grouping by two different time windows', g.expr.pos);
      if (!win || (!win.projected && g.projected)) win = { call, name: g.name, projected: g.projected };
      continue;
    }
    groupKeys.push({ name: g.name, expr: row(g.expr), source: g.expr, projected: g.projected });
  }
  const isAggregate = groups.length > 0 || sel.projection.some((p) => containsAggregate(p.expr)) || !!sel.having;
  if (!isAggregate && !sel.distinct) {
    throw positioned('A flow must aggregate: use an aggregate function, GROUP BY or SELECT DISTINCT (plain projections are not supported yet)', sel.pos);
  }
  if (sel.distinct && groups.length === 0) {
    if (sel.projection.some((p) => containsAggregate(p.expr))) throw unsupported('SELECT DISTINCT with aggregates', sel.pos);
    for (const p of sel.projection) {
      const call = windowCallOf(p.expr);
      const name = selectItemName(p);
      if (call) win = { call, name, projected: true };
      else groupKeys.push({ name, expr: row(p.expr), source: p.expr, projected: true });
    }
  }

  /** A bare reference to the source table's time index column (known when the flow has its source's schema). */
  const isSourceTime = (e: Expr): boolean => e.type === 'column' && opts.rowKey !== undefined && e.path[e.path.length - 1]!.value === opts.rowKey.time
    && (e.path.length === 1 || qualifiers.has(e.path[e.path.length - 2]!.value));
  const out = new OutputScope(sel, groupKeys.map((g) => g.source), win?.call.spec ?? null, row);
  const columns: SinkColumn[] = [];
  let timeIndex: string | null = null;
  const primaryKey: string[] = [];
  for (const item of sel.projection) {
    if (item.expr.type === 'wildcard') throw unsupported('SELECT * in an aggregating flow', item.pos);
    const name = itemName(item, sourceTable);
    const expr = out.compile(item.expr);
    const call = windowCallOf(item.expr);
    const gk = groupKeys.find((g) => sqlText(g.source) === sqlText(item.expr) || g.name === name);
    let role: SinkColumn['role'] = 'field';
    if (call && call.edge === 'start' && timeIndex === null) { role = 'timestamp'; timeIndex = name; }
    else if (rowTime !== null && name === rowTime && timeIndex === null) { role = 'timestamp'; timeIndex = name; }
    // grouped by the source's time index (`ts AS event_time ... GROUP BY ts`): that column is the sink's time index
    else if (gk && !win && timeIndex === null && isSourceTime(item.expr)) { role = 'timestamp'; timeIndex = name; }
    else if (gk) { role = 'tag'; primaryKey.push(name); }
    columns.push({ name, role, expr });
  }
  // Keep the sink keyed: a window or group key missing from the projection still becomes a column.
  if (win && timeIndex === null) {
    timeIndex = isTask ? 'time' : win.projected ? win.name : 'time_window';
    columns.push({ name: timeIndex, role: 'timestamp', expr: { text: timeIndex, eval: (g) => g.windowStart } });
  }
  for (let k = 0; k < groupKeys.length; k++) {
    const g = groupKeys[k]!;
    if (primaryKey.includes(g.name) || columns.some((c) => c.name === g.name)) continue;
    if (timeIndex === null && ((rowTime !== null && g.name === rowTime) || (!win && isSourceTime(g.source)))) {
      timeIndex = g.name;
      columns.push({ name: g.name, role: 'timestamp', expr: { text: g.name, eval: (s) => s.keys[k]! } });
      continue;
    }
    primaryKey.push(g.name);
    columns.push({ name: g.name, role: 'tag', expr: { text: g.name, eval: (s) => s.keys[k]! } });
  }
  // update_at is when the row was computed, unless the query gives it a value of its own.
  if (!columns.some((c) => c.name === 'update_at')) columns.push({ name: 'update_at', role: 'field', expr: { text: 'update_at', eval: () => null }, auto: 'update_at' });
  if (timeIndex === null) {
    timeIndex = '__ts_placeholder';
    columns.push({ name: timeIndex, role: 'timestamp', expr: { text: timeIndex, eval: () => 0n }, auto: 'placeholder' });
  }
  const having = sel.having ? out.compile(sel.having) : null;

  let expireAfterNs = expireFromWhere;
  if (stmt.type === 'create_flow' && stmt.expireAfter) expireAfterNs = durationNs(stmt.expireAfter, 'EXPIRE AFTER');
  if (isTask) {
    const size = durationNs({ type: 'string', value: stmt.windowSize, pos: stmt.pos }, 'WINDOW_SIZE');
    expireAfterNs = expireAfterNs === null || size < expireAfterNs ? size : expireAfterNs;
  }
  const intervalMs = stmt.type === 'create_flow' && stmt.evalInterval
    ? Number(durationNs(stmt.evalInterval, 'EVAL INTERVAL') / 1_000_000n)
    : opts.intervalMs ?? 1000;
  const lateness = opts.allowedLateness === undefined ? null
    : typeof opts.allowedLateness === 'bigint' ? opts.allowedLateness
      : durationNs({ type: 'string', value: opts.allowedLateness, pos: stmt.pos }, 'allowed lateness');

  const name = stmt.name[stmt.name.length - 1]!.value;
  const time = win?.call.time ?? null;
  return {
    name,
    sinkTable: stmt.type === 'create_flow' ? stmt.sink[stmt.sink.length - 1]!.value : name,
    sourceTable,
    rowColumns: slots.names,
    rowQualifier,
    filter: filter ? row(filter) : null,
    eventTime: time ? row(time) : null,
    window: win?.call.spec ?? null,
    groupKeys: groupKeys.map(({ name, expr }) => ({ name, expr })),
    groupKeyDts: out.keyDts,
    aggregates: out.aggregates(),
    valueSlots: out.slots(),
    having,
    columns,
    timeIndex,
    primaryKey,
    expireAfterNs,
    allowedLatenessNs: lateness,
    intervalMs: Math.max(1, intervalMs),
    aggregating,
    appendOnly: opts.rowKey?.appendOnly === true,
    select: sel,
  };
}

/**
 * A SELECT without aggregates, GROUP BY or DISTINCT -> last_value(item) per source row (grouped by its identity; for
 * an append-only source, by its keys and the projected values).
 */
function asRowGroups(sel: Select, key: RowKeyOptions): Select {
  if (sel.distinct || sel.groupBy.length > 0 || sel.having || sel.projection.some((p) => containsAggregate(p.expr))) return sel;
  if (sel.from.length !== 1 || sel.from[0]!.type !== 'table') return sel;
  if (sel.projection.some((p) => p.expr.type === 'wildcard' || windowCallOf(p.expr))) return sel;
  const table = sel.from[0]!.name.at(-1)!.value;
  // Qualified, so GROUP BY does not resolve them to the same-named projection aliases (which are aggregates here).
  const qualifier = sel.from[0]!.alias?.name.value ?? table;
  const col = (name: string, pos: Select['pos']): Expr => ({ type: 'column', path: [{ value: qualifier, quote: '"', pos }, { value: name, quote: '"', pos }], pos });
  const qualified = (e: Expr): Expr => (e.type === 'column' && e.path.length === 1 ? col(e.path[0]!.value, e.pos) : e);
  return {
    ...sel,
    projection: sel.projection.map((p) => ({
      ...p,
      expr: { type: 'function', name: [{ value: 'last_value', pos: p.pos }], args: [p.expr], distinct: false, pos: p.pos },
      alias: p.alias ?? { value: itemName(p, table), quote: '"', pos: p.pos },
    })),
    // Rows of an append-only source are not identified by their keys: equal projected rows are one sink row.
    groupBy: [...[...key.tags, key.time].map((c) => col(c, sel.pos)), ...(key.appendOnly ? sel.projection.map((p) => qualified(p.expr)) : [])],
  };
}

function toRowExpr(e: Expr, slots: RowSlots, qualifier: string): RowExpr {
  const used = new Set<string>();
  checkRowExpr(e, slots, used);
  probe(e, [...used], qualifier);
  return { vector: (rows: Rel) => evalVec(e, rows), columns: [...used], text: sqlText(e) };
}

/**
 * Evaluates the expression over no rows at compile time, so a function core does not know is a positioned error of
 * CREATE FLOW rather than of every row later. Other errors need values (types of the source) and surface per row.
 */
function probe(e: Expr, columns: string[], qualifier: string): void {
  const rel: Rel = { fields: columns.map((n) => ({ name: n === '$time' ? 'time' : n, qualifier, dt: 'Null' })), cols: columns.map(() => ({ kind: 'any', dt: 'Null', v: [] })), len: 0 };
  try {
    evalVec(e, rel);
  } catch (err) {
    const m = /^Invalid function '([^']*)'/.exec((err as Error).message);
    const at = (err as { position?: { line: number; column: number } }).position;
    if (m) throw new InvalidArgumentError(`Function ${m[1]}() is not supported in a flow`, at ? { line: at.line, column: at.column } : { line: e.pos.line, column: e.pos.column });
  }
}

function sameSpec(a: WindowSpec, b: WindowSpec): boolean {
  return a.sizeNs === b.sizeNs && a.slideNs === b.slideNs && a.originNs === b.originNs;
}

function itemName(item: SelectItem, table: string): string {
  return selectItemName(item, { qualify: (c: ColumnRef) => [table, c.path[c.path.length - 1]!.value] });
}

interface GroupItem { expr: Expr; name: string; projected: boolean }

/** GROUP BY items resolved to expressions: ordinals and projection aliases point at the projection. */
function resolveGroupBy(sel: Select): GroupItem[] {
  const table = sel.from[0]!.type === 'table' ? sel.from[0]!.name.at(-1)!.value : '';
  return sel.groupBy.map((g) => {
    if (g.type === 'number') {
      const item = sel.projection[Number(g.value) - 1];
      if (!item || !/^\d+$/.test(g.value)) throw positioned(`GROUP BY position ${g.value} is not in the select list`, g.pos);
      return { expr: item.expr, name: itemName(item, table), projected: true };
    }
    if (g.type === 'column' && g.path.length === 1) {
      const byAlias = sel.projection.find((p) => p.alias?.value === g.path[0]!.value);
      if (byAlias && !(byAlias.expr.type === 'column' && byAlias.expr.path.at(-1)!.value === g.path[0]!.value)) {
        return { expr: byAlias.expr, name: byAlias.alias!.value, projected: true };
      }
    }
    const text = sqlText(g);
    const item = sel.projection.find((p) => sqlText(p.expr) === text);
    if (item) return { expr: g, name: itemName(item, table), projected: true };
    if (containsAggregate(g)) throw positioned('An aggregate function is not allowed in GROUP BY', g.pos);
    return { expr: g, name: itemName({ expr: g, pos: g.pos }, table), projected: false };
  });
}

/** WHERE minus `time > now() - <duration>` conjuncts, which become the expiry (the roadmap's sliding retention). */
function splitWhere(where: Expr | undefined, _isTask: boolean): { filter: Expr | null; expireFromWhere: bigint | null } {
  if (!where) return { filter: null, expireFromWhere: null };
  const kept: Expr[] = [];
  let expire: bigint | null = null;
  const visit = (e: Expr): void => {
    if (e.type === 'binary' && e.op === 'AND') { visit(e.left); visit(e.right); return; }
    const d = nowMinus(e);
    if (d !== null) { expire = expire === null || d < expire ? d : expire; return; }
    assertNoNow(e);
    kept.push(e);
  };
  visit(where);
  const filter = kept.reduce<Expr | null>((acc, e) => (acc ? { type: 'binary', op: 'AND', left: acc, right: e, pos: acc.pos } : e), null);
  return { filter, expireFromWhere: expire };
}

function isNow(e: Expr): boolean {
  return e.type === 'function' && ['now', 'current_timestamp'].includes(e.name.at(-1)!.value.toLowerCase());
}

/** `x > now() - d` / `x >= now() - d` / `now() - d < x` -> d in ns. */
function nowMinus(e: Expr): bigint | null {
  if (e.type !== 'binary') return null;
  const side = (op: string, r: Expr): bigint | null =>
    (op === '>' || op === '>=') && r.type === 'binary' && r.op === '-' && isNow(r.left) ? durationNs(r.right, 'now() - <duration>') : null;
  if (e.left.type === 'column') return side(e.op, e.right);
  if (e.right.type === 'column') return side(e.op === '<' ? '>' : e.op === '<=' ? '>=' : '', e.left);
  return null;
}

function assertNoNow(e: Expr): void {
  if (isNow(e)) throw new ParseError('now() is only supported in a flow as `<time> > now() - <duration>` (it sets the expiry)', { line: e.pos.line, column: e.pos.column });
  forEachChild(e, assertNoNow);
}
