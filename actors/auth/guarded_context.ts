// A QueryContext that checks the principal's grants on every database it touches, so SQL naming `other_db.table` is covered too.
import type { QueryContext } from '../../core/query/index.ts';
import type { Authenticator, Principal } from './authenticator.ts';

const INFORMATION_SCHEMA = 'information_schema';

/**
 * Wraps a context: reading rows needs `read`, changing rows or schemas needs `write`, seeing a database's tables needs
 * either; the context's own database must be visible; lists (databases, flows, index status) leave out what the principal may not see.
 */
export function guardContext(ctx: QueryContext, auth: Authenticator, p: Principal): QueryContext {
  const read = (db: string) => auth.authorize(p, db, 'read');
  const write = (db: string) => auth.authorize(p, db, 'write');
  // information_schema is virtual: its rows come from the filtered lists below.
  const see = (db: string) => {
    if (db !== INFORMATION_SCHEMA && !auth.sees(p, db)) auth.authorize(p, db, 'read');
  };
  // The request's own database must be one the principal may use, as GreptimeDB checks the schema of every request.
  see(ctx.db);
  const g: QueryContext = {
    ...ctx,
    // current_user / user() answer the principal
    user: p.user,
    get db() { return ctx.db; },
    set db(v: string) { ctx.db = v; },
    now: () => ctx.now(),
    listDatabases: async () => (await ctx.listDatabases()).filter((d) => auth.sees(p, d)),
    createDatabase: (name, ine, options) => { write(name); return ctx.createDatabase(name, ine, options); },
    dropDatabase: (name, ie) => { write(name); return ctx.dropDatabase(name, ie); },
    listTables: (db) => { see(db); return ctx.listTables(db); },
    getTable: (db, name) => { see(db); return ctx.getTable(db, name); },
    createTable: (draft, ine) => { write(draft.db); return ctx.createTable(draft, ine); },
    alterTable: (db, name, change) => { write(db); return ctx.alterTable(db, name, change); },
    dropTable: (db, name, ie) => { write(db); return ctx.dropTable(db, name, ie); },
    truncateTable: (db, name) => { write(db); return ctx.truncateTable(db, name); },
    scan: (schema, spec) => { read(schema.db); return ctx.scan(schema, spec); },
    write: (db, batch) => { write(db); return ctx.write(db, batch); },
    // COPY reads and writes any path the node can: grants are per database, so no grant covers the node's files
    files: undefined,
  };
  if (ctx.delete) g.delete = (db, batch) => { write(db); return ctx.delete!(db, batch); };
  if (ctx.databaseOptions) g.databaseOptions = (name) => { see(name); return ctx.databaseOptions!(name); };
  if (ctx.alterDatabase) g.alterDatabase = (name, change) => { write(name); return ctx.alterDatabase!(name, change); };
  if (ctx.useDatabase) g.useDatabase = (db) => { see(db); ctx.useDatabase!(db); };
  if (ctx.flushTable) g.flushTable = (s) => { write(s.db); return ctx.flushTable!(s); };
  if (ctx.compactTable) g.compactTable = (s) => { write(s.db); return ctx.compactTable!(s); };
  if (ctx.partialAggregate) g.partialAggregate = (s, sql) => { read(s.db); return ctx.partialAggregate!(s, sql); };
  if (ctx.indexStatus) g.indexStatus = async () => (await ctx.indexStatus!()).filter((r) => auth.sees(p, (r as { db?: string }).db ?? ''));
  if (ctx.createFlow) g.createFlow = (db, stmt) => { write(db); return ctx.createFlow!(db, stmt); };
  if (ctx.dropFlow) g.dropFlow = (db, name, ie) => { write(db); return ctx.dropFlow!(db, name, ie); };
  if (ctx.listFlows) g.listFlows = async (db) => (await ctx.listFlows!(db)).filter((f) => auth.sees(p, f.db));
  if (ctx.commentFlow) g.commentFlow = (db, name, c) => { write(db); return ctx.commentFlow!(db, name, c); };
  if (ctx.flushFlow) g.flushFlow = (db, name) => { write(db); return ctx.flushFlow!(db, name); };
  if (ctx.feedFlows) g.feedFlows = (db, batch) => { write(db); return ctx.feedFlows!(db, batch); };
  return g;
}
