// The functions PostgreSQL clients call on connect and in their catalog queries (psql's \d family, drivers, Grafana):
// each under its plain name and its pg_catalog.-qualified one.
import type { Fn } from '../expr/fn_util.ts';
import { registerScalar } from '../expr/functions.ts';
import { constraintDefinition, indexDefinition } from './primary_key.ts';
import { constVec } from '../expr/const.ts';
import { sessionUser } from '../expr/fn_misc.ts';
import { fromValues, getValue, type Vec } from '../vector.ts';
import { PG_TYPE_BY_OID } from '../../pgwire/types.ts';
import { ROLE_NAME } from './oids.ts';

/** The version string version() gives over the PostgreSQL wire (clients parse the leading "PostgreSQL 16.3"). */
export const PG_VERSION_TEXT = 'PostgreSQL 16.3 on x86_64-pc-linux-gnu, EddyDB 0.1.0 (GreptimeDB-compatible)';

/** Per-row function of plain values. */
function rows(dt: string, f: (vals: unknown[]) => unknown): Fn {
  return (args, n) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = f(args.map((a) => getValue(a, i)));
    return fromValues(dt, out);
  };
}
const always = (dt: string, v: unknown): Fn => (_a, n) => constVec(dt, v, n);

/** format_type(type oid, typmod): `integer`, `timestamp(3) without time zone`, `numeric(10,2)`, `character varying(20)`. */
export function formatType(oid: number, typmod: number | null): string {
  const t = PG_TYPE_BY_OID.get(oid);
  if (!t) return '???';
  const mod = typmod !== null && typmod >= 0 ? typmod : -1;
  switch (t.name) {
    case 'int2': return 'smallint';
    case 'int4': return 'integer';
    case 'int8': return 'bigint';
    case 'float4': return 'real';
    case 'float8': return 'double precision';
    case 'bool': return 'boolean';
    case 'varchar': return mod >= 4 ? `character varying(${mod - 4})` : 'character varying';
    case 'bpchar': return mod >= 4 ? `character(${mod - 4})` : 'character';
    case 'timestamp': return `timestamp${mod >= 0 ? `(${mod})` : ''} without time zone`;
    case 'timestamptz': return `timestamp${mod >= 0 ? `(${mod})` : ''} with time zone`;
    case 'numeric': return mod >= 4 ? `numeric(${((mod - 4) >> 16) & 0xffff},${(mod - 4) & 0xffff})` : 'numeric';
    case 'char': return '"char"';
    default: {
      if (t.category !== 'A') return t.name;
      const elem = [...PG_TYPE_BY_OID.values()].find((e) => e.array === oid);
      return elem ? `${formatType(elem.oid, null)}[]` : t.name;
    }
  }
}

const yes = always('Boolean', true);

const PG_FUNCTIONS: Record<string, Fn> = {
  version: (_a, n, s) => constVec('String', s.env.qctx.channel === 'postgres' ? PG_VERSION_TEXT : '8.4.2', n),
  current_database: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  current_schemas: (_a, n, s) => ({ kind: 'any', dt: 'List', v: new Array(n).fill(['pg_catalog', s.env.qctx.db]) }) as Vec,
  current_user: sessionUser,
  session_user: sessionUser,
  current_role: sessionUser,
  current_catalog: (_a, n, s) => constVec('String', s.env.qctx.db, n),
  pg_backend_pid: (_a, n, s) => constVec('Int32', s.env.qctx.backendPid ?? 0, n),
  pg_table_is_visible: yes,
  pg_type_is_visible: yes,
  pg_function_is_visible: yes,
  pg_is_in_recovery: always('Boolean', false),
  pg_relation_is_publishable: always('Boolean', false),
  has_table_privilege: yes,
  has_schema_privilege: yes,
  has_database_privilege: yes,
  has_column_privilege: yes,
  has_any_column_privilege: yes,
  has_function_privilege: yes,
  has_sequence_privilege: yes,
  pg_has_role: yes,
  pg_get_userbyid: always('String', ROLE_NAME),
  obj_description: always('String', null),
  col_description: always('String', null),
  shobj_description: always('String', null),
  pg_get_expr: rows('String', ([e]) => (e === null ? null : String(e))),
  pg_get_indexdef: rows('String', ([oid, col]) => (oid === null ? null : indexDefinition(Number(oid), col === undefined || col === null ? 0 : Number(col)))),
  pg_get_constraintdef: rows('String', ([oid]) => (oid === null ? null : constraintDefinition(Number(oid)))),
  pg_get_viewdef: always('String', null),
  pg_get_partkeydef: always('String', null),
  pg_get_function_result: always('String', null),
  pg_get_function_arguments: always('String', null),
  pg_get_function_identity_arguments: always('String', null),
  pg_get_statisticsobjdef_columns: always('String', null),
  pg_encoding_to_char: rows('String', ([e]) => (e === null ? null : Number(e) === 6 ? 'UTF8' : 'SQL_ASCII')),
  pg_relation_size: always('Int64', 0),
  pg_total_relation_size: always('Int64', 0),
  pg_table_size: always('Int64', 0),
  pg_database_size: always('Int64', 0),
  pg_size_pretty: rows('String', ([b]) => {
    if (b === null) return null;
    let x = Number(b);
    for (const u of ['bytes', 'kB', 'MB', 'GB', 'TB']) { if (Math.abs(x) < 10240 || u === 'TB') return `${Math.round(x)} ${u}`; x /= 1024; }
    return null;
  }),
  format_type: rows('String', ([oid, mod]) => (oid === null ? null : formatType(Number(oid), mod === null ? null : Number(mod)))),
  current_setting: (args, n, s) => {
    const settings = s.env.qctx.settings?.() ?? [];
    return rows('String', ([name]) => settings.find((v) => v.name.toLowerCase() === String(name).toLowerCase())?.value ?? null)(args, n, s, undefined as never);
  },
  set_config: rows('String', ([, value]) => value),
  quote_ident: rows('String', ([x]) => (x === null ? null : /^[a-z_][a-z0-9_$]*$/.test(String(x)) ? String(x) : `"${String(x).replace(/"/g, '""')}"`)),
  array_to_string: rows('String', ([a, sep]) => (Array.isArray(a) ? a.filter((x) => x !== null).join(String(sep ?? '')) : a === null ? null : String(a))),
  txid_current: always('Int64', 1),
  // array bounds of a one-dimensional array (PostgreSQL's arrays start at 1); NULL when empty or another dimension
  array_lower: rows('Int32', ([a, dim]) => (Array.isArray(a) && a.length > 0 && Number(dim) === 1 ? 1 : null)),
  array_upper: rows('Int32', ([a, dim]) => (Array.isArray(a) && a.length > 0 && Number(dim) === 1 ? a.length : null)),
  // x = ANY(array), as the wire's dialect rewrite spells it; arrays arrive as lists or as '{a,b}' text
  pg_any_eq: rows('Boolean', ([x, arr]) => {
    if (x === null || arr === null) return null;
    const items = Array.isArray(arr) ? arr : String(arr).replace(/^\{|\}$/g, '').split(',').filter((s) => s !== '');
    return items.some((v) => String(v) === String(x));
  }),
  inet_server_addr: always('String', null),
  inet_server_port: always('Int32', null),
  pg_postmaster_start_time: always('String', null),
  pg_get_keywords: always('String', null),
};

for (const [name, fn] of Object.entries(PG_FUNCTIONS)) {
  registerScalar(name, fn);
  registerScalar(`pg_catalog.${name}`, fn);
}
