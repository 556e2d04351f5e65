// FROM clause: base tables (with scan pushdown), CTEs, derived tables, information_schema and joins.
import { PlanError, StatusCode, TableNotFoundError } from '../../errors.ts';
import type { Expr, Select, TableRef } from '../../sql/index.ts';
import { formatExpr } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { alignForCompare, evalExpr, toBool, valueKey } from '../expr/eval.ts';
import { relNamer } from '../expr/names.ts';
import type { Field, Rel } from './rel.ts';
import { findField, takeRel } from './rel.ts';
import { batchesToRel, pushdown, referencedColumns } from './scan.ts';
import type { QState } from './state.ts';
import { clock, stageTime, traceOp } from './state.ts';
import { informationSchema, pipelinesRel } from '../statements/information_schema.ts';
import { isPgCatalogTable, pgCatalog } from '../pg_catalog/index.ts';
import { exactValue, getValue, isNull, take } from '../vector.ts';
import type { Env } from '../expr/eval.ts';
import type { ScanSpec } from '../context.ts';
import type { TableSchema } from '../../schema.ts';
import { formatTimestamp } from '../expr/time.ts';
import { effectiveTtl, isPhysical, physicalColumns, physicalOf, physicalRel, tsidOrder } from '../statements/metric.ts';
import { viewOf, viewRel } from '../statements/view.ts';
import { conjuncts } from './walk.ts';
import { tableFunctionRel } from './table_functions.ts';
import { leafWheres } from './join_pushdown.ts';
import { describePredicate } from './index_pushdown.ts';
import { describeIndexReport, readIndexReport } from './index_report.ts';

export async function fromClause(from: TableRef[], where: Expr | undefined, st: QState, sel: Select, limit?: number): Promise<Rel> {
  if (from.length === 1 && from[0]!.type !== 'join') return tableRef(from[0]!, where, st, sel, limit);
  // several tables: each scans with the WHERE conjuncts that name it alone (join_pushdown.ts); WHERE runs again after
  const pushed = await leafWheres(from, where, st);
  let rel: Rel | null = null;
  for (const t of from) {
    const r = await pushedRef(t, st, sel, pushed);
    // FROM a, b WHERE a.k = b.k: the equalities between the two sides make the cross join a hash join
    rel = rel === null ? r : join(rel, r, 'CROSS', crossEqualities(where, rel, r), undefined, st);
  }
  return rel!;
}

/**
 * A table below a join, filtered by the WHERE conjuncts pushed to it (the ones its scan did not enforce exactly)
 * before it is joined, as DataFusion filters below a join: the join never sees rows WHERE drops anyway.
 */
async function pushedRef(t: TableRef, st: QState, sel: Select, pushed: Map<TableRef, Expr> | undefined): Promise<Rel> {
  const where = pushed?.get(t);
  const r = await tableRef(t, where, st, sel, undefined, pushed);
  const rest = conjuncts(where).filter((c) => !r.applied?.has(c));
  if (!rest.length) return r;
  const t0 = clock(st.env);
  const cond = rest.reduce((a, b): Expr => ({ type: 'binary', op: 'AND', left: a, right: b, pos: a.pos }));
  const m = toBool(evalExpr(cond, { rel: r, env: st.env, namer: relNamer(r) }), cond.pos);
  const keep: number[] = [];
  for (let i = 0; i < r.len; i++) if (m.v[i] && (!m.valid || m.valid[i])) keep.push(i);
  const out = keep.length === r.len ? r : takeRel(r, keep);
  traceOp(st.env, 'Filter', () => rest.map(formatExpr).join(' AND '), out.len, t0);
  return out;
}

/** WHERE's equality conjuncts between a column expression of l and one of r (AND-ed), as a join condition. */
function crossEqualities(where: Expr | undefined, l: Rel, r: Rel): Expr | undefined {
  const eqs = conjuncts(where).filter((c) => {
    if (c.type !== 'binary' || c.op !== '=') return false;
    const a = sideOf(c.left, l, r), b = sideOf(c.right, l, r);
    return (a === 'l' && b === 'r') || (a === 'r' && b === 'l');
  });
  return eqs.length ? eqs.reduce((a, b): Expr => ({ type: 'binary', op: 'AND', left: a, right: b, pos: a.pos })) : undefined;
}

/** What the regions are asked for: WHERE's time range and tag equalities, the referenced columns, a LIMIT, the TTL cutoff. */
export function scanSpecFor(schema: TableSchema, where: Expr | undefined, qualifiers: string[], sel: Select, limit: number | undefined, env: Env, applied?: Set<Expr>): ScanSpec {
  const spec = pushdown(where, schema, qualifiers, env, applied);
  const cols = referencedColumns(sel, schema);
  // a range query without BY groups by the table's tags, named or not
  if (cols) spec.columns = sel.align && !sel.align.by ? [...new Set([...cols, ...schema.primaryKey])] : cols;
  if (limit !== undefined) spec.limit = limit;
  if (schema.options.ttlMs !== undefined) {
    const min = BigInt(Math.floor(env.qctx.now() - schema.options.ttlMs)) * 1_000_000n;
    if (spec.start === undefined || spec.start < min) spec.start = min;
  }
  return spec;
}

/** One line for EXPLAIN: the pushed-down parts of a scan. */
export function describeSpec(spec: ScanSpec, schema: TableSchema): string {
  const parts: string[] = [];
  parts.push(`projection=[${(spec.columns ?? schema.columns.map((c) => c.name)).join(', ')}]`);
  if (spec.start !== undefined || spec.end !== undefined) {
    parts.push(`time_range=[${spec.start === undefined ? '-inf' : formatTimestamp(spec.start)}, ${spec.end === undefined ? '+inf' : formatTimestamp(spec.end)})`);
  }
  for (const [k, v] of Object.entries(spec.tagFilter ?? {})) parts.push(`tag_filter=${k} IN (${v.map((x) => (x === null ? 'NULL' : `'${x}'`)).join(', ')})`);
  // = and IN on tags already show as tag_filter
  const more = (spec.predicates ?? []).filter((p) => !(p.op === 'in' && spec.tagFilter?.[p.column]));
  if (more.length) parts.push(`index_predicates=[${more.map(describePredicate).join(', ')}]`);
  if (spec.limit !== undefined) parts.push(`limit=${spec.limit}`);
  return parts.join(' ');
}

function requalify(r: Rel, qualifier: string, columns?: string[]): Rel {
  return { ...r, fields: r.fields.map((f, i) => ({ ...f, name: columns?.[i] ?? f.name, qualifier })) };
}

/** GreptimeDB's system table public.numbers: one UInt32 column `number`, 0..n-1 (n = the pushed-down LIMIT, else 100). */
function numbersRel(n: number, qualifier: string): Rel {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = i;
  return { fields: [{ name: 'number', qualifier, dt: 'UInt32' }], cols: [{ kind: 'num', dt: 'UInt32', v, valid: null }], len: n };
}

async function tableRef(t: TableRef, where: Expr | undefined, st: QState, sel: Select, limit?: number, pushed?: Map<TableRef, Expr>): Promise<Rel> {
  switch (t.type) {
    case 'table': {
      const path = t.name.map((p) => p.value);
      const alias = t.alias?.name.value;
      if (path.length === 1 && st.ctes.has(path[0]!)) return requalify(st.ctes.get(path[0]!)!, alias ?? path[0]!, t.alias?.columns?.map((c) => c.value));
      const name = path[path.length - 1]!;
      const db = path.length >= 2 ? path[path.length - 2]! : st.env.qctx.db;
      if (db.toLowerCase() === 'information_schema') {
        const r = await informationSchema(name.toLowerCase(), st.env.qctx);
        if (!r) throw new TableNotFoundError(db, name);
        return requalify(r, alias ?? name);
      }
      if (db.toLowerCase() === 'greptime_private' && name.toLowerCase() === 'pipelines') return requalify(await pipelinesRel(st.env.qctx), alias ?? name);
      const schema = await st.env.qctx.getTable(db, name);
      // pg_catalog's tables, also unqualified (PostgreSQL searches pg_catalog first) unless a table of that name exists
      if (db.toLowerCase() === 'pg_catalog' || (path.length === 1 && !schema && isPgCatalogTable(name.toLowerCase()))) {
        const r = await pgCatalog(name.toLowerCase(), st.env.qctx);
        if (!r) throw new TableNotFoundError(db, name);
        return requalify(r, alias ?? name);
      }
      if (schema && viewOf(schema)) {
        const r = requalify(await viewRel(schema, st), alias ?? name, t.alias?.columns?.map((c) => c.value));
        return alias ? r : { ...r, fields: r.fields.map((f) => ({ ...f, schema: db })) };
      }
      if (!schema && name === 'numbers' && (path.length === 1 || db === 'public')) {
        const r = numbersRel(limit ?? 100, alias ?? name);
        st.env.trace?.push({ op: 'SystemScan', detail: `table=public.numbers rows=${r.len}`, rows: r.len });
        return r;
      }
      if (!schema) throw new PlanError(`Table not found: greptime.${db}.${name}`, t.pos, StatusCode.TableNotFound);
      const qualifier = alias ?? name;
      const tSetup = clock(st.env);
      const ttl = await effectiveTtl(schema, st.env.qctx);
      const logical = physicalOf(schema) !== undefined;
      // a logical table's rows come back in __tsid order (tsidOrder), so the regions cannot cut a LIMIT short
      // a physical table shows its DESC columns: __table_id, __tsid and every logical table's tags (rows of them all)
      const shown = isPhysical(schema) ? await physicalColumns(schema, st.env.qctx) : null;
      // WHERE conjuncts the scan enforces exactly (a plain table's time bounds and tag filters) are not tested again
      const applied = logical || shown ? undefined : new Set<Expr>();
      const spec = scanSpecFor({ ...schema, options: { ...schema.options, ttlMs: ttl.ms } }, where, [qualifier, name], sel, logical || shown ? undefined : limit, st.env, applied);
      if (logical && spec.columns) spec.columns = [...new Set([...spec.columns, ...schema.primaryKey])];
      if (shown) delete spec.columns;
      if (ttl.instant) spec.end = spec.start = BigInt(Math.floor(st.env.qctx.now())) * 1_000_000n;
      const t0 = clock(st.env);
      stageTime(st.env, 'plan', tSetup);
      if (st.env.trace) spec.analyze = true;
      if (st.env.qctx.queryId !== undefined) spec.queryId = st.env.qctx.queryId;
      st.env.qctx.signal?.throwIfAborted();
      const batches = await st.env.qctx.scan(schema, spec);
      st.env.qctx.signal?.throwIfAborted();
      stageTime(st.env, 'scan', t0);
      const tVec = clock(st.env);
      const r = logical ? tsidOrder(batchesToRel(batches, schema, qualifier), schema)
        : shown && shown !== schema.columns ? physicalRel(batches, schema, shown, qualifier) : batchesToRel(batches, schema, qualifier);
      stageTime(st.env, 'to_vectors', tVec);
      if (st.env.trace) {
        const ix = readIndexReport(batches);
        st.env.trace.push({ op: 'RegionScan', detail: `${db}.${name} regions=${schema.regions} ${describeSpec(spec, schema)}${ix ? ` ${describeIndexReport(ix)}` : ''}`, rows: r.len, ms: performance.now() - t0 });
      }
      if (applied?.size) r.applied = applied;
      // an unaliased table's columns may also be named schema.table.column
      return alias ? r : { ...r, fields: r.fields.map((f) => ({ ...f, schema: db })) };
    }
    case 'derived': {
      const r = await st.run(t.query, st);
      return t.alias ? requalify(r, t.alias.name.value, t.alias.columns?.map((c) => c.value)) : r;
    }
    case 'table_function':
      return tableFunctionRel(t, st);
    case 'join': {
      const l = await pushedRef(t.left, st, sel, pushed);
      const r = await pushedRef(t.right, st, sel, pushed);
      let on = t.on;
      let names: string[] = [];
      if (t.using?.length || t.natural) {
        names = t.using?.map((u) => u.value) ?? l.fields.filter((f) => !f.usingDup && r.fields.some((g) => g.name === f.name)).map((f) => f.name);
        const lq = (n: string) => l.fields.find((f) => f.name === n)?.qualifier;
        const rq = (n: string) => r.fields.find((f) => f.name === n)?.qualifier;
        for (const n of names) {
          const eq: Expr = {
            type: 'binary', op: '=', pos: t.pos,
            left: { type: 'column', path: [...(lq(n) ? [{ value: lq(n)!, pos: t.pos }] : []), { value: n, pos: t.pos }], pos: t.pos },
            right: { type: 'column', path: [...(rq(n) ? [{ value: rq(n)!, pos: t.pos }] : []), { value: n, pos: t.pos }], pos: t.pos },
          };
          on = on ? { type: 'binary', op: 'AND', left: on, right: eq, pos: t.pos } : eq;
        }
      }
      const out = join(l, r, t.kind, on, t.pos, st);
      return names.length ? mergeUsingColumns(out, l.fields.length, names) : out;
    }
  }
}

/**
 * USING / NATURAL join columns appear once in `SELECT *` and resolve unqualified: of each pair, the other side's copy is
 * marked usingDup. The copy kept is the one whose table name sorts first, as DataFusion expands the wildcard (also for
 * outer joins, where that copy may be NULL on unmatched rows).
 */
function mergeUsingColumns(rel: Rel, leftCount: number, names: string[]): Rel {
  const fields = rel.fields.slice();
  for (const n of names) {
    const li = fields.findIndex((f, i) => i < leftCount && f.name === n && !f.usingDup);
    const ri = fields.findIndex((f, i) => i >= leftCount && f.name === n && !f.usingDup);
    if (li < 0 || ri < 0) continue;
    const dropLeft = (fields[ri]!.qualifier ?? '') < (fields[li]!.qualifier ?? '');
    const at = dropLeft ? li : ri;
    fields[at] = { ...fields[at]!, usingDup: true };
  }
  return { ...rel, fields };
}

/** Hash join on the equality conjuncts of ON (nested loop when there are none), then the rest of ON as a filter. */
export function join(l: Rel, r: Rel, kind: string, on: Expr | undefined, pos: unknown, st: QState): Rel {
  const fields: Field[] = [...l.fields, ...r.fields];
  const lIdx: number[] = [], rIdx: number[] = [];
  const lScope: Scope = { rel: l, env: st.env, namer: relNamer(l) };
  const rScope: Scope = { rel: r, env: st.env, namer: relNamer(r) };
  const lk: Expr[] = [], rk: Expr[] = [], rest: Expr[] = [], eqs: Expr[] = [];
  for (const c of conjuncts(on)) {
    if (c.type === 'binary' && c.op === '=') {
      const a = sideOf(c.left, l, r), b = sideOf(c.right, l, r);
      if (a === 'l' && b === 'r') { lk.push(c.left); rk.push(c.right); eqs.push(c); continue; }
      if (a === 'r' && b === 'l') { lk.push(c.right); rk.push(c.left); eqs.push(c); continue; }
    }
    rest.push(c);
  }
  if (lk.length) {
    const lv = lk.map((e) => evalExpr(e, lScope)), rv = rk.map((e) => evalExpr(e, rScope));
    // each key pair meets as `=` compares it: timestamps of two units in the coarser, text read as the other side's type
    for (let k = 0; k < lv.length; k++) [lv[k], rv[k]] = alignForCompare(lv[k]!, rv[k]!, eqs[k]!.pos);
    const table = new Map<string, number[]>();
    for (let j = 0; j < r.len; j++) {
      if (rv.some((v) => isNull(v, j))) continue;
      const key = rv.map((v) => valueKey(exactValue(v, j))).join('\u0001');
      const list = table.get(key);
      if (list) list.push(j); else table.set(key, [j]);
    }
    for (let i = 0; i < l.len; i++) {
      if (lv.some((v) => isNull(v, i))) continue;
      const key = lv.map((v) => valueKey(exactValue(v, i))).join('\u0001');
      for (const j of table.get(key) ?? []) { lIdx.push(i); rIdx.push(j); }
    }
  } else {
    for (let i = 0; i < l.len; i++) for (let j = 0; j < r.len; j++) { lIdx.push(i); rIdx.push(j); }
  }
  let pairs: Rel = { fields, cols: [...l.cols.map((c) => take(c, lIdx)), ...r.cols.map((c) => take(c, rIdx))], len: lIdx.length };
  let li = lIdx, ri = rIdx;
  if (rest.length) {
    const cond = rest.reduce((a, b) => ({ type: 'binary', op: 'AND', left: a, right: b, pos: a.pos }) as Expr);
    const m = toBool(evalExpr(cond, { rel: pairs, env: st.env, namer: relNamer(pairs) }));
    const keep: number[] = [];
    for (let k = 0; k < pairs.len; k++) if (m.v[k] && (!m.valid || m.valid[k])) keep.push(k);
    pairs = takeRel(pairs, keep);
    li = keep.map((k) => lIdx[k]!);
    ri = keep.map((k) => rIdx[k]!);
  }
  void pos;
  if (kind === 'INNER' || kind === 'CROSS') return pairs;
  if (kind === 'LEFT SEMI' || kind === 'LEFT ANTI') {
    const hit = new Set(li);
    const keep: number[] = [];
    for (let i = 0; i < l.len; i++) if (hit.has(i) === (kind === 'LEFT SEMI')) keep.push(i);
    return takeRel(l, keep);
  }
  const extraL: number[] = [], extraR: number[] = [];
  if (kind === 'LEFT' || kind === 'FULL') {
    const hit = new Set(li);
    for (let i = 0; i < l.len; i++) if (!hit.has(i)) { extraL.push(i); extraR.push(-1); }
  }
  if (kind === 'RIGHT' || kind === 'FULL') {
    const hit = new Set(ri);
    for (let j = 0; j < r.len; j++) if (!hit.has(j)) { extraL.push(-1); extraR.push(j); }
  }
  const allL = [...li, ...extraL], allR = [...ri, ...extraR];
  return { fields, cols: [...l.cols.map((c) => take(c, allL)), ...r.cols.map((c) => take(c, allR))], len: allL.length };
}

function sideOf(e: Expr, l: Rel, r: Rel): 'l' | 'r' | null {
  const cols: Expr[] = [];
  const walk = (x: Expr): void => {
    if (x.type === 'column') cols.push(x);
    else if (x.type === 'binary') { walk(x.left); walk(x.right); }
    else if (x.type === 'function') x.args.forEach(walk);
    else if (x.type === 'cast' || x.type === 'unary') walk(x.expr);
  };
  walk(e);
  if (!cols.length) return null;
  let side: 'l' | 'r' | null = null;
  for (const c of cols) {
    if (c.type !== 'column') return null;
    const inL = findField(l, c.path) >= 0, inR = findField(r, c.path) >= 0;
    const s = inL && !inR ? 'l' : inR && !inL ? 'r' : null;
    if (!s || (side && side !== s)) return null;
    side = s;
  }
  return side;
}
