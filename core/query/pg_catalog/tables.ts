// pg_catalog's tables and views as EddyDB sees itself: databases are schemas (pg_namespace) and databases
// (pg_database), tables are relations (pg_class) with their columns (pg_attribute), types from the wire's type list.
// Each table's primary key is an index and a constraint (primary_key.ts). Catalogs EddyDB has nothing for
// (triggers, policies, ...) are there, empty, so client queries run.
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import type { TableSchema } from '../../schema.ts';
import { sqlTypeName } from '../../schema.ts';
import { fromValues } from '../vector.ts';
import { viewOf } from '../statements/view.ts';
import { PG_TYPES, pgTypeOf } from '../../pgwire/types.ts';
import { constraintRow, indexClassRow, indexRow, indexesRow, primaryKeyOf } from './primary_key.ts';
import { DATABASE_OID, INFORMATION_SCHEMA_OID, PG_CATALOG_OID, ROLE_NAME, ROLE_OID, namespaceOid, relationOid } from './oids.ts';

const DT: Record<string, string> = {
  oid: 'UInt32', name: 'String', text: 'String', char: 'String', bool: 'Boolean', int2: 'Int16', int4: 'Int32', int8: 'Int64',
  float4: 'Float32', float8: 'Float64', ts: 'TimestampMicrosecond',
};

/** Columns written `name:type ...`; arrays and other composite values travel as text. */
function columns(spec: string): [string, string][] {
  return spec.trim().split(/\s+/).map((c) => { const [n, t] = c.split(':'); return [n!, DT[t!] ?? 'String']; });
}

function rel(spec: string, rows: unknown[][]): Rel {
  const cols = columns(spec);
  return {
    fields: cols.map(([name, dt]) => ({ name, dt })),
    cols: cols.map(([, dt], j) => fromValues(dt, rows.map((r) => r[j] ?? null))),
    len: rows.length,
  };
}

const SPECS: Record<string, string> = {
  pg_namespace: 'oid:oid nspname:name nspowner:oid nspacl:text',
  pg_class: 'oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid relam:oid relfilenode:oid reltablespace:oid relpages:int4 reltuples:float4 relallvisible:int4 reltoastrelid:oid relhasindex:bool relisshared:bool relpersistence:char relkind:char relnatts:int2 relchecks:int2 relhasrules:bool relhastriggers:bool relhassubclass:bool relrowsecurity:bool relforcerowsecurity:bool relispopulated:bool relreplident:char relispartition:bool relrewrite:oid relfrozenxid:int8 relminmxid:int8 relacl:text reloptions:text relpartbound:text',
  pg_attribute: 'attrelid:oid attname:name atttypid:oid attstattarget:int4 attlen:int2 attnum:int2 attndims:int4 attcacheoff:int4 atttypmod:int4 attbyval:bool attalign:char attstorage:char attcompression:char attnotnull:bool atthasdef:bool atthasmissing:bool attidentity:char attgenerated:char attisdropped:bool attislocal:bool attinhcount:int4 attcollation:oid attacl:text attoptions:text attfdwoptions:text attmissingval:text',
  pg_attrdef: 'oid:oid adrelid:oid adnum:int2 adbin:text',
  pg_type: 'oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool typtype:char typcategory:char typispreferred:bool typisdefined:bool typdelim:char typrelid:oid typsubscript:text typelem:oid typarray:oid typinput:text typoutput:text typreceive:text typsend:text typmodin:text typmodout:text typanalyze:text typalign:char typstorage:char typnotnull:bool typbasetype:oid typtypmod:int4 typndims:int4 typcollation:oid typdefaultbin:text typdefault:text typacl:text',
  pg_database: 'oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char datistemplate:bool datallowconn:bool datconnlimit:int4 datfrozenxid:int8 datminmxid:int8 dattablespace:oid datcollate:text datctype:text daticulocale:text daticurules:text datcollversion:text datacl:text',
  pg_tables: 'schemaname:name tablename:name tableowner:name tablespace:name hasindexes:bool hasrules:bool hastriggers:bool rowsecurity:bool',
  pg_views: 'schemaname:name viewname:name viewowner:name definition:text',
  pg_matviews: 'schemaname:name matviewname:name matviewowner:name tablespace:name hasindexes:bool ispopulated:bool definition:text',
  pg_indexes: 'schemaname:name tablename:name indexname:name tablespace:name indexdef:text',
  pg_settings: 'name:text setting:text unit:text category:text short_desc:text extra_desc:text context:text vartype:text source:text min_val:text max_val:text enumvals:text boot_val:text reset_val:text sourcefile:text sourceline:int4 pending_restart:bool',
  pg_am: 'oid:oid amname:name amhandler:text amtype:char',
  pg_roles: 'rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool rolreplication:bool rolconnlimit:int4 rolpassword:text rolvaliduntil:ts rolbypassrls:bool rolconfig:text oid:oid',
  pg_authid: 'oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool rolreplication:bool rolbypassrls:bool rolconnlimit:int4 rolpassword:text rolvaliduntil:ts',
  pg_user: 'usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool usebypassrls:bool passwd:text valuntil:ts useconfig:text',
  pg_tablespace: 'oid:oid spcname:name spcowner:oid spcacl:text spcoptions:text',
  pg_collation: 'oid:oid collname:name collnamespace:oid collowner:oid collprovider:char collisdeterministic:bool collencoding:int4 collcollate:text collctype:text colliculocale:text collicurules:text collversion:text',
  pg_proc: 'oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4 prorows:float4 provariadic:oid prosupport:text prokind:char prosecdef:bool proleakproof:bool proisstrict:bool proretset:bool provolatile:char proparallel:char pronargs:int2 pronargdefaults:int2 prorettype:oid proargtypes:text proallargtypes:text proargmodes:text proargnames:text proargdefaults:text protrftypes:text prosrc:text probin:text prosqlbody:text proconfig:text proacl:text',
  pg_index: 'indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool indnullsnotdistinct:bool indisprimary:bool indisexclusion:bool indimmediate:bool indisclustered:bool indisvalid:bool indcheckxmin:bool indisready:bool indislive:bool indisreplident:bool indkey:text indcollation:text indclass:text indoption:text indexprs:text indpred:text',
  pg_constraint: 'oid:oid conname:name connamespace:oid contype:char condeferrable:bool condeferred:bool convalidated:bool conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid confupdtype:char confdeltype:char confmatchtype:char conislocal:bool coninhcount:int4 connoinherit:bool conkey:text confkey:text conpfeqop:text conppeqop:text conffeqop:text confdelsetcols:text conexclop:text conbin:text',
  pg_description: 'objoid:oid classoid:oid objsubid:int4 description:text',
  pg_shdescription: 'objoid:oid classoid:oid description:text',
  pg_inherits: 'inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool',
  pg_trigger: 'oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 tgenabled:char tgisinternal:bool tgconstrrelid:oid tgconstrindid:oid tgconstraint:oid tgdeferrable:bool tginitdeferred:bool tgnargs:int2 tgattr:text tgargs:text tgqual:text tgoldtable:name tgnewtable:name',
  pg_rewrite: 'oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char is_instead:bool ev_qual:text ev_action:text',
  pg_policy: 'oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:text polqual:text polwithcheck:text',
  pg_statistic_ext: 'oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid stxstattarget:int4 stxkeys:text stxkind:text stxexprs:text',
  pg_publication: 'oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool pubupdate:bool pubdelete:bool pubtruncate:bool pubviaroot:bool',
  pg_publication_rel: 'oid:oid prpubid:oid prrelid:oid prqual:text prattrs:text',
  pg_publication_namespace: 'oid:oid pnpubid:oid pnnspid:oid',
  pg_extension: 'oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool extversion:text extconfig:text extcondition:text',
  pg_enum: 'oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name',
  pg_range: 'rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid rngcanonical:text rngsubdiff:text',
  pg_foreign_table: 'ftrelid:oid ftserver:oid ftoptions:text',
  pg_partitioned_table: 'partrelid:oid partstrat:char partnatts:int2 partdefid:oid partattrs:text partclass:text partcollation:text partexprs:text',
  pg_depend: 'classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4 deptype:char',
  pg_sequence: 'seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 seqmin:int8 seqcache:int8 seqcycle:bool',
  pg_event_trigger: 'oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid evtenabled:char evttags:text',
  pg_stat_activity: 'datid:oid datname:name pid:int4 leader_pid:int4 usesysid:oid usename:name application_name:text client_addr:text client_hostname:text client_port:int4 backend_start:ts xact_start:ts query_start:ts state_change:ts wait_event_type:text wait_event:text state:text backend_xid:text backend_xmin:text query_id:int8 query:text backend_type:text',
  pg_locks: 'locktype:text database:oid relation:oid page:int4 tuple:int2 virtualxid:text transactionid:text classid:oid objid:oid objsubid:int2 virtualtransaction:text pid:int4 mode:text granted:bool fastpath:bool waitstart:ts',
};

/** Every table pg_catalog answers, for SHOW TABLES FROM pg_catalog and the FROM clause. */
export const PG_CATALOG_TABLES = Object.keys(SPECS).sort();

export function isPgCatalogTable(name: string): boolean {
  return name in SPECS;
}

interface Entry { db: string; schema: TableSchema }

async function allTables(ctx: QueryContext): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const db of (await ctx.listDatabases()).sort()) {
    for (const t of (await ctx.listTables(db)).sort()) {
      const schema = await ctx.getTable(db, t);
      if (schema) out.push({ db, schema });
    }
  }
  return out;
}

function columnType(c: TableSchema['columns'][number]): ReturnType<typeof pgTypeOf> {
  return pgTypeOf(sqlTypeName(c.type, c.unit, c.sqlType));
}

/** The rows of pg_catalog.<name>, or null when pg_catalog has no such table. */
export async function pgCatalog(name: string, ctx: QueryContext): Promise<Rel | null> {
  const spec = SPECS[name];
  if (!spec) return null;
  const dbs = (await ctx.listDatabases()).sort();
  const settings = ctx.settings?.() ?? [];
  switch (name) {
    case 'pg_namespace':
      return rel(spec, [[PG_CATALOG_OID, 'pg_catalog', ROLE_OID], [INFORMATION_SCHEMA_OID, 'information_schema', ROLE_OID],
        ...dbs.filter((d) => d !== 'information_schema').map((d) => [namespaceOid(d), d, ROLE_OID])]);
    case 'pg_class':
      return rel(spec, (await allTables(ctx)).flatMap(({ db, schema: s }) => {
        const view = viewOf(s) !== undefined;
        const oid = relationOid(s);
        const table = [oid, s.name, namespaceOid(db), 0, 0, ROLE_OID, view ? 0 : 2, oid, 0, 0, -1, 0, 0, !view, false, 'p', view ? 'v' : 'r',
          s.columns.length, 0, view, false, false, false, false, true, 'd', false, 0, 0, 1];
        return view ? [table] : [table, indexClassRow(primaryKeyOf(db, s))];
      }));
    case 'pg_index':
    case 'pg_constraint':
    case 'pg_indexes': {
      const keys = (await allTables(ctx)).filter(({ schema: s }) => viewOf(s) === undefined).map(({ db, schema: s }) => primaryKeyOf(db, s));
      return rel(spec, keys.map(name === 'pg_index' ? indexRow : name === 'pg_constraint' ? constraintRow : indexesRow));
    }
    case 'pg_attribute': {
      const rows: unknown[][] = [];
      for (const { schema: s } of await allTables(ctx)) {
        s.columns.forEach((c, i) => {
          const { type, typmod } = columnType(c);
          rows.push([relationOid(s), c.name, type.oid, -1, type.size, i + 1, 0, -1, typmod, type.size > 0 && type.size <= 8, type.size === 8 ? 'd' : 'i',
            type.size > 0 ? 'p' : 'x', '', !c.nullable, c.defaultExpr !== undefined || c.defaultValue !== undefined, false, '', '', false, true, 0,
            type.category === 'S' ? 100 : 0]);
        });
      }
      return rel(spec, rows);
    }
    case 'pg_attrdef': {
      const rows: unknown[][] = [];
      let oid = 1;
      for (const { schema: s } of await allTables(ctx)) {
        s.columns.forEach((c, i) => {
          if (c.defaultExpr !== undefined) rows.push([oid++, relationOid(s), i + 1, c.defaultExpr]);
          else if (c.defaultValue !== undefined) rows.push([oid++, relationOid(s), i + 1, typeof c.defaultValue === 'string' ? `'${c.defaultValue.replace(/'/g, "''")}'` : String(c.defaultValue)]);
        });
      }
      return rel(spec, rows);
    }
    case 'pg_type':
      return rel(spec, PG_TYPES.map((t) => {
        const elem = t.category === 'A' ? PG_TYPES.find((e) => e.array === t.oid)?.oid ?? 0 : 0;
        const io = t.category === 'A' ? 'array' : t.name;
        return [t.oid, t.name, PG_CATALOG_OID, ROLE_OID, t.size, t.size > 0 && t.size <= 8, 'b', t.category, false, true, ',', 0, elem ? 'array_subscript_handler' : '-',
          elem, t.array, `${io}_in`, `${io}_out`, `${io}_recv`, `${io}_send`, '-', '-', '-', t.size === 8 ? 'd' : t.size === 2 ? 's' : t.size === 1 ? 'c' : 'i',
          t.size > 0 ? 'p' : 'x', false, 0, -1, 0, t.category === 'S' ? 100 : 0];
      }));
    case 'pg_database':
      return rel(spec, dbs.filter((d) => d !== 'information_schema').map((d) => [d === 'public' ? DATABASE_OID : namespaceOid(d), d, ROLE_OID, 6, 'c', false, true, -1, 0, 1, 1663, 'C', 'C']));
    case 'pg_tables':
    case 'pg_views': {
      const views = name === 'pg_views';
      return rel(spec, (await allTables(ctx)).filter(({ schema: s }) => (viewOf(s) ? views : !views)).map(({ db, schema: s }) =>
        views ? [db, s.name, ROLE_NAME, viewOf(s) ?? null] : [db, s.name, ROLE_NAME, null, true, false, false, false]));
    }
    case 'pg_settings':
      return rel(spec, settings.map((v) => [v.name, v.value, null, 'Client Connection Defaults', '', null, 'user', 'string', 'session', null, null, null, v.value, v.value, null, null, false]));
    case 'pg_am':
      return rel(spec, [[2, 'heap', 'heap_tableam_handler', 't'], [403, 'btree', 'bthandler', 'i']]);
    case 'pg_roles':
      return rel(spec, [[ROLE_NAME, true, true, true, true, true, false, -1, '********', null, true, null, ROLE_OID]]);
    case 'pg_authid':
      return rel(spec, [[ROLE_OID, ROLE_NAME, true, true, true, true, true, false, true, -1, null, null]]);
    case 'pg_user':
      return rel(spec, [[ROLE_NAME, ROLE_OID, true, true, false, true, '********', null, null]]);
    case 'pg_tablespace':
      return rel(spec, [[1663, 'pg_default', ROLE_OID], [1664, 'pg_global', ROLE_OID]]);
    case 'pg_collation':
      return rel(spec, [[100, 'default', PG_CATALOG_OID, ROLE_OID, 'd', true, -1], [950, 'C', PG_CATALOG_OID, ROLE_OID, 'c', true, -1, 'C', 'C']]);
    default:
      return rel(spec, []);
  }
}
