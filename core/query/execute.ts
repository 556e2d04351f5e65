// Entry point: parse SQL text and run each statement against a QueryContext, one QueryOutput per statement.
import { applyDatabaseTtl, databaseOptions, inheritedCreateOptions, normalizeDatabaseOptions, ttlMsOf, withInheritedTtl } from './statements/database_options.ts';
import { EddyError, StatusCode } from '../errors.ts';
import type { FunctionCall, Statement } from '../sql/index.ts';
import { parseSql } from '../sql/index.ts';
import type { QueryContext } from './context.ts';
import type { Env } from './expr/eval.ts';
import { outputName, relNamer } from './expr/names.ts';
import type { QueryOutput } from './output/index.ts';
import { relToOutput } from './output/index.ts';
import { PlanError } from './plan/rel.ts';
import type { QState } from './plan/select.ts';
import { runQuery } from './plan/select.ts';
import { relToWire, type WireRel } from './plan/partial.ts';
import { alterTable, buildSchema, tableName } from './statements/ddl.ts';
import { runInsert } from './statements/insert.ts';
import { describeTable, runShow } from './statements/show.ts';
import { stringRel } from './plan/rel.ts';
import { runDelete } from './statements/delete.ts';
import { runExplain } from './statements/explain.ts';
import { flushFlow, runFlowStatement } from './statements/flow.ts';
import { adminSelect, regionTable, rejectUnimplementedAdmin, runProcedureAdmin } from './statements/admin.ts';
import { createView, viewOf } from './statements/view.ts';
import { runTql } from './statements/tql.ts';
import { runRegistered } from './process_list.ts';
import { runCopy } from './statements/copy.ts';
import { runKill } from './statements/process.ts';
import { boundStatement, runDeallocate, runPrepare } from './statements/prepare.ts';
import { checkTimeZone } from './expr/timezone.ts';
import { checkCreateTableOptions, checkDatabaseOptions, checkDatabaseUnset, checkName } from './statements/options.ts';
import { PHYSICAL_KEY, isPhysical, logicalTables, physicalOf, prepareLogical, retireLogical } from './statements/metric.ts';
import type { TableSchema } from '../schema.ts';

export async function executeSql(ctx: QueryContext, text: string): Promise<QueryOutput[]> {
  const t0 = performance.now();
  const stmts = parseSql(text);
  (ctx.timing ??= {}).parseMs = performance.now() - t0;
  const out: QueryOutput[] = [];
  for (const s of stmts) out.push(await executeTracked(ctx, s, stmts.length === 1 ? text.trim() : statementText(text, s)));
  return out;
}

function statementText(text: string, s: Statement): string {
  const at = (s as { pos?: { offset?: number } }).pos?.offset;
  return at === undefined ? text.trim() : text.slice(at).split(';')[0]!.trim();
}

/** Runs one statement in the frontend's process list (when it keeps one), so that KILL can cancel it. */
export async function executeTracked(ctx: QueryContext, s: Statement, text: string): Promise<QueryOutput> {
  const pl = ctx.processes;
  if (!pl || s.type === 'kill') return executeStatement(ctx, s);
  const outer = ctx.signal;
  const outerId = ctx.queryId;
  try {
    return await runRegistered(pl, text, ctx.db, ctx.client ?? '', (q) => {
      ctx.signal = q.abort.signal;
      ctx.queryId = q.queryId;
      return executeStatement(ctx, s);
    });
  } finally {
    // at once, also when KILL answered first: the session's next statement sets its own
    ctx.signal = outer;
    ctx.queryId = outerId;
  }
}

function newState(ctx: QueryContext): QState {
  const env: Env = { qctx: ctx, nowNs: BigInt(Math.floor(ctx.now())) * 1_000_000n, subqueries: new Map() };
  if (ctx.timing?.stages) env.stages = ctx.timing.stages;
  return { env, ctes: new Map(), run: runQuery, tql: (s) => runTql(ctx, s) };
}

/** Region side of a partial aggregate: runs its one SELECT against a context that scans only this region. */
export async function runPartial(ctx: QueryContext, sql: string): Promise<WireRel> {
  const stmts = parseSql(sql);
  const q = stmts[0];
  if (stmts.length !== 1 || q?.type !== 'query') throw new EddyError(StatusCode.InvalidArguments, 'a partial aggregate is one SELECT');
  return relToWire(await runQuery(q.query, newState(ctx)));
}

const affected = (rows: number): QueryOutput => ({ kind: 'affected', rows });

/**
 * ADMIN flush_table('t') / compact_table('t'[, strategy, options]) / build_index('t'), and flush_region(id) /
 * compact_region(id) on the table that holds the region; each answers 0. A physical metric table stands for its
 * logical tables. build_index rewrites the table's segments (flush, then compact), which builds every index the
 * table now declares over the rows written before the index was.
 */
async function runAdmin(call: FunctionCall, ctx: QueryContext): Promise<string | number> {
  const fn = call.name.map((p) => p.value).join('.').toLowerCase();
  const procedure = await runProcedureAdmin(fn, call, ctx);
  if (procedure !== null) return procedure;
  if (fn === 'flush_flow') return flushFlow(call, ctx);
  let t: TableSchema | null | undefined;
  if (fn === 'flush_region' || fn === 'compact_region') t = await regionTable(fn, call, ctx);
  else if (fn === 'flush_table' || fn === 'compact_table' || fn === 'build_index') {
    const arg = call.args[0];
    if (!arg || arg.type !== 'string') throw new PlanError(`${fn} expects a table name`, call.pos, StatusCode.InvalidArguments);
    if (call.args.length > (fn === 'compact_table' ? 3 : 1)) throw new PlanError(`${fn}: too many arguments`, call.args[1]!.pos ?? call.pos, StatusCode.InvalidArguments);
    const parts = arg.value.split('.');
    const table = parts.pop()!, db = parts.pop() ?? ctx.db;
    t = await ctx.getTable(db, table);
    if (!t) throw new EddyError(StatusCode.TableNotFound, `Table not found: ${db}.${table}`);
  } else return rejectUnimplementedAdmin(fn, call, ctx);
  // a physical metric table's regions hold its logical tables' rows: flushing it flushes them all
  await ctx.flushTable?.(t);
  if (!fn.startsWith('flush')) await ctx.compactTable?.(t);
  return 0;
}

/** SET time_zone = '...' changes how the session reads zone-less timestamps; other variables are accepted as MySQL clients send them. */
function runSet(s: Extract<Statement, { type: 'set' }>, ctx: QueryContext): void {
  const name = s.name.map((p) => p.value).join('.').toLowerCase().replace(/^@@(session\.|global\.)?/, '');
  if (name !== 'time_zone' && name !== 'timezone') return;
  const v = s.value[0];
  const text = v?.type === 'string' ? v.value : v?.type === 'column' ? v.path.map((p) => p.value).join('.') : undefined;
  if (text === undefined) throw new PlanError('SET time_zone expects a zone name or offset', s.pos, StatusCode.InvalidArguments);
  ctx.timeZone = checkTimeZone(text);
}

export async function executeStatement(ctx: QueryContext, s: Statement): Promise<QueryOutput> {
  const st = newState(ctx);
  const flow = await runFlowStatement(ctx, s);
  if (flow) return flow;
  switch (s.type) {
    case 'query': {
      const admin = adminSelect(s.query);
      if (!admin) return relToOutput(await runQuery(s.query, st));
      // SELECT flush_table('t'): the admin functions run once each, one row of their answers
      const values: (string | number)[] = [];
      for (const a of admin) values.push(await runAdmin(a.call, ctx));
      const names = admin.map((a) => a.alias ?? outputName(a.call, relNamer(undefined)));
      return relToOutput(stringRel(names, [values], values.map((v) => (typeof v === 'string' ? 'String' : 'UInt64'))));
    }
    case 'insert': return affected(await runInsert(s, st));
    case 'delete': return affected(await runDelete(s, st));
    case 'create_database': {
      const name = s.name.map((p) => p.value).join('.');
      checkName(name, 'database');
      checkDatabaseOptions(s.options, true);
      const exists = (await ctx.listDatabases()).includes(name);
      if (exists && !s.ifNotExists) throw new EddyError(StatusCode.DatabaseAlreadyExists, `Schema ${name} already exists`);
      if (exists) return affected(1);
      await ctx.createDatabase(name, s.ifNotExists, normalizeDatabaseOptions(s.options));
      return affected(1);
    }
    case 'create_table': {
      const { db, table } = tableName(s.name, ctx);
      checkName(table, 'table');
      checkCreateTableOptions(s.options);
      if (!(await ctx.listDatabases()).includes(db)) throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${db}`);
      const existing = await ctx.getTable(db, table);
      if (existing) {
        if (s.ifNotExists) return affected(0);
        throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists: \`greptime.${db}.${table}\``);
      }
      if (s.like) {
        const src = tableName(s.like, ctx);
        const from = await ctx.getTable(src.db, src.table);
        if (!from) throw new EddyError(StatusCode.TableNotFound, `Table not found: ${src.table}`);
        const { id: _id, ...rest } = from;
        await ctx.createTable({ ...rest, db, name: table, version: 0, createdAt: ctx.now() }, s.ifNotExists);
        return affected(0);
      }
      // the database's engine options where the table's own WITH is silent; its TTL while the table has none
      const inherited = await inheritedCreateOptions(ctx, db, s.options);
      let draft = buildSchema(Object.keys(inherited).length ? { ...s, options: { ...inherited, ...s.options } } : s, ctx);
      draft = withInheritedTtl(draft, ttlMsOf((await databaseOptions(ctx, db)).ttl));
      if (s.engine?.toLowerCase() === 'metric' || physicalOf(draft as TableSchema) !== undefined) {
        if (physicalOf(draft as TableSchema) !== undefined) draft = await prepareLogical(draft, ctx);
        else if (!isPhysical(draft as TableSchema)) (draft.options.extra ??= {})[PHYSICAL_KEY] = '';
      }
      await ctx.createTable(draft, s.ifNotExists);
      return affected(0);
    }
    case 'drop': {
      // DROP TABLE a, b drops nothing unless every table exists (or IF EXISTS)
      if (s.object === 'TABLE' && !s.ifExists) {
        for (const n of s.names) {
          const { db, table } = tableName(n, ctx);
          if (!(await ctx.getTable(db, table))) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`);
        }
      }
      for (const n of s.names) {
        if (s.object === 'TABLE') {
          const { db, table } = tableName(n, ctx);
          const t = await ctx.getTable(db, table);
          if (!t) { if (s.ifExists) continue; throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`); }
          if (isPhysical(t) && (await logicalTables(ctx, db, table)).length) {
            throw new EddyError(StatusCode.InvalidArguments, 'Physical region is busy, there are still some logical regions using it');
          }
          await retireLogical(t, ctx);
          await ctx.dropTable(db, table, s.ifExists);
        } else if (s.object === 'DATABASE') {
          const name = n.map((p) => p.value).join('.');
          const exists = (await ctx.listDatabases()).includes(name);
          if (!exists) { if (s.ifExists) continue; throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${name}`); }
          // GreptimeDB refuses to drop the database the session is using (USE, a connection's or a request's db)
          if (name === ctx.db) throw new EddyError(StatusCode.InvalidArguments, `Schema \`${name}\` is in use`);
          await ctx.dropDatabase(name, s.ifExists);
        } else if (s.object === 'VIEW') {
          const { db, table } = tableName(n, ctx);
          const t = await ctx.getTable(db, table);
          if (!t && s.ifExists) continue;
          if (!t || !viewOf(t)) throw new EddyError(t ? StatusCode.InvalidArguments : StatusCode.TableNotFound, t ? `${db}.${table} is a table, not a view` : `View not found: ${db}.${table}`);
          await ctx.dropTable(db, table, s.ifExists);
        } else {
          if (s.ifExists) continue;
          throw new EddyError(StatusCode.Unsupported, `DROP ${s.object} is not supported`);
        }
      }
      return affected(0);
    }
    case 'alter_table': await alterTable(s, ctx); return affected(0);
    // COMMENT ON TABLE / COLUMN alters the table (a flow's runs in flow.ts)
    case 'comment_on':
      await alterTable({ type: 'alter_table', table: s.name, actions: [{ kind: 'comment', ...(s.column ? { column: s.column } : {}), comment: s.comment }], span: s.span, pos: s.pos }, ctx);
      return affected(0);
    case 'alter_database': {
      const name = s.name.map((p) => p.value).join('.');
      if (!(await ctx.listDatabases()).includes(name)) throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${name}`);
      checkDatabaseOptions(s.set, false);
      checkDatabaseUnset(s.unset);
      if (!ctx.alterDatabase) throw new EddyError(StatusCode.Unsupported, 'ALTER DATABASE is not supported here');
      const set = normalizeDatabaseOptions(s.set);
      const unset = s.unset.map((k) => k.toLowerCase());
      // SET ttl = '' is forever, as GreptimeDB stores it
      if (set.ttl !== undefined && set.ttl.trim() === '') set.ttl = 'forever';
      await ctx.alterDatabase(name, (o) => {
        const next = { ...o, ...set };
        for (const k of unset) delete next[k];
        return next;
      });
      if (set.ttl !== undefined || unset.includes('ttl')) await applyDatabaseTtl(ctx, name);
      return affected(0);
    }
    case 'truncate': {
      const { db, table } = tableName(s.table, ctx);
      if (!(await ctx.getTable(db, table))) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`);
      await ctx.truncateTable(db, table);
      return affected(0);
    }
    case 'show': return relToOutput(await runShow(s, st.env));
    case 'describe': return relToOutput(await describeTable(s, ctx));
    case 'use': {
      const name = s.database.value;
      if (!(await ctx.listDatabases()).includes(name) && name !== 'information_schema') throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${name}`);
      ctx.db = name;
      ctx.useDatabase?.(name);
      return affected(0);
    }
    case 'explain': return relToOutput(await runExplain(s, st));
    case 'admin': {
      // GreptimeDB heads the answer with the statement as written: `ADMIN FLUSH_TABLE('t')`
      const name = s.span.text.trim().replace(/;\s*$/, '');
      const v = await runAdmin(s.call, ctx);
      return relToOutput(stringRel([name], [[v]], [typeof v === 'string' ? 'String' : 'Int32']));
    }
    case 'set': runSet(s, ctx); return affected(0);
    case 'kill': runKill(ctx, s.id); return affected(0);
    case 'prepare': runPrepare(s, ctx); return affected(0);
    case 'execute': return executeStatement(ctx, boundStatement(s, ctx));
    case 'deallocate': runDeallocate(s, ctx); return affected(0);
    case 'create_view': await createView(s, st); return affected(0);
    case 'tql': return relToOutput(await runTql(ctx, s));
    case 'copy': return affected(await runCopy(s, st));
    default:
      throw new PlanError(`${s.type.toUpperCase().replace(/_/g, ' ')} is not supported yet`, s.pos, StatusCode.Unsupported);
  }
}
