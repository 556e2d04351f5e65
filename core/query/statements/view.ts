// Views: CREATE [OR REPLACE] VIEW keeps its statement in the catalog as a table without regions; a FROM of the
// view runs its query in place, like a derived table.
import { EddyError, PlanError, StatusCode } from '../../errors.ts';
import type { ColumnSchema, TableSchema } from '../../schema.ts';
import type { CreateView } from '../../sql/index.ts';
import { formatIdent, formatQuery, parseSql } from '../../sql/index.ts';
import { tableName } from './ddl.ts';
import { type Rel } from '../plan/rel.ts';
import type { QState } from '../plan/state.ts';
import { FLOAT_TYPES, INT_TYPES, TS_TYPES, type DType } from '../vector.ts';

const VIEW_KEY = 'view_definition';

/** The CREATE VIEW statement a catalog entry stands for, or undefined for a table. */
export function viewOf(t: TableSchema): string | undefined {
  return t.options.extra?.[VIEW_KEY];
}

/**
 * The CREATE VIEW statement as SHOW CREATE VIEW and information_schema.views print it: re-printed the way
 * sqlparser-rs displays it (GreptimeDB's form: upper-case keywords, one space, INNER JOIN as JOIN); as written, on one
 * line, when the printer does not cover the query.
 */
export function viewDefinition(t: TableSchema): string {
  const text = viewOf(t)!;
  const asWritten = text.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();
  let stmt;
  try { stmt = parseSql(text)[0]; } catch { return asWritten; }
  if (stmt?.type !== 'create_view') return asWritten;
  const q = formatQuery(stmt.query);
  if (q === undefined) return asWritten;
  const cols = stmt.columns.length ? ` (${stmt.columns.map(formatIdent).join(', ')})` : '';
  return `CREATE ${stmt.orReplace ? 'OR REPLACE ' : ''}VIEW ${stmt.ifNotExists ? 'IF NOT EXISTS ' : ''}${stmt.name.map(formatIdent).join('.')}${cols} AS ${q}`;
}

/** A view column as DESCRIBE shows it, from the type of the query's output. */
function viewColumn(name: string, dt: DType): ColumnSchema {
  const base = { name, semantic: 'field' as const, nullable: true };
  if (INT_TYPES.has(dt)) return { ...base, type: dt.startsWith('U') ? 'uint64' : 'int64', ...(dt === 'Int64' || dt === 'UInt64' ? {} : { sqlType: dt }) };
  if (FLOAT_TYPES.has(dt)) return { ...base, type: 'float64', ...(dt === 'Float32' ? { sqlType: dt } : {}) };
  if (dt === 'Boolean') return { ...base, type: 'boolean' };
  if (TS_TYPES[dt]) return { ...base, type: 'timestamp', unit: TS_TYPES[dt] };
  return { ...base, type: 'string' };
}

export async function createView(s: CreateView, st: QState): Promise<void> {
  const ctx = st.env.qctx;
  const { db, table } = tableName(s.name, ctx);
  // the query must plan now: the view's columns are its output's
  const rel = await st.run(s.query, st);
  if (s.columns.length && s.columns.length !== rel.fields.length) {
    throw new PlanError(`The view has ${s.columns.length} column names but its query returns ${rel.fields.length} columns`, s.pos, StatusCode.InvalidArguments);
  }
  const columns = rel.fields.map((f, i) => viewColumn(s.columns[i]?.value ?? f.name, f.dt));
  const options: TableSchema['options'] = { extra: { [VIEW_KEY]: s.span.text } };
  const old = await ctx.getTable(db, table);
  if (old) {
    if (!viewOf(old)) throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists: ${db}.${table}, not a view`);
    // OR REPLACE wins over IF NOT EXISTS: the view is replaced
    if (s.ifNotExists && !s.orReplace) return;
    if (!s.orReplace) throw new EddyError(StatusCode.TableAlreadyExists, `View already exists: ${db}.${table}`);
    await ctx.alterTable(db, table, (o) => ({ ...o, version: o.version + 1, columns, options }));
    return;
  }
  await ctx.createTable({ db, name: table, version: 0, columns, timeIndex: '', primaryKey: [], options, regions: 0, createdAt: ctx.now() }, false);
}

/** The rows of a view: its query run now, its columns named as the view names them. */
export async function viewRel(t: TableSchema, st: QState): Promise<Rel> {
  const def = parseSql(viewOf(t)!)[0];
  if (def?.type !== 'create_view') throw new EddyError(StatusCode.Internal, `View ${t.db}.${t.name} has no query`);
  const r = await st.run(def.query, { ...st, ctes: new Map() });
  return { ...r, fields: r.fields.map((f, i) => ({ ...f, name: t.columns[i]?.name ?? f.name })) };
}
