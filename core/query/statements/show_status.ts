// SHOW TABLE STATUS, SHOW VARIABLES, SHOW STATUS: MySQL-shaped answers over the catalog and the session.
import { EddyError, StatusCode } from '../../errors.ts';
import type { Show } from '../../sql/index.ts';
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { stringRel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';
import { tablesRows } from './information_schema_catalog.ts';
import { INFORMATION_SCHEMA_TABLES } from './information_schema.ts';

const STATUS_COLUMNS: [string, string, number][] = [
  // name, type, column of information_schema.tables it comes from
  ['Name', 'String', 2], ['Engine', 'String', 10], ['Version', 'UInt64', 11], ['Row_format', 'String', 12], ['Rows', 'UInt64', 13],
  ['Avg_row_length', 'UInt64', 9], ['Data_length', 'UInt64', 5], ['Max_data_length', 'UInt64', 6], ['Index_length', 'UInt64', 7],
  ['Data_free', 'UInt64', 14], ['Auto_increment', 'UInt64', 15], ['Create_time', 'TimestampMicrosecond', 16],
  ['Update_time', 'TimestampMicrosecond', 17], ['Check_time', 'TimestampMicrosecond', 18], ['Collation', 'String', 19],
  ['Checksum', 'UInt64', 20], ['Create_options', 'String', 21], ['Comment', 'String', 22],
];

/** SHOW TABLE STATUS [FROM db]: one row per table of the database, from information_schema.tables. */
export async function showTableStatus(ctx: QueryContext, db: string): Promise<Rel> {
  if (db !== 'information_schema' && !(await ctx.listDatabases()).includes(db)) throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${db}`);
  // the database's own tables: not the system tables GreptimeDB shows beside them (public.numbers)
  const rows = (await tablesRows(ctx, INFORMATION_SCHEMA_TABLES)).filter((r) => r[1] === db && (db === 'information_schema' || r[3] !== 'LOCAL TEMPORARY'));
  rows.sort((a, b) => (String(a[2]) < String(b[2]) ? -1 : 1));
  return {
    fields: STATUS_COLUMNS.map(([name, dt]) => ({ name, dt })),
    cols: STATUS_COLUMNS.map(([, dt, j]) => fromValues(dt, rows.map((r) => r[j] ?? null))),
    len: rows.length,
  };
}

/** The session variables GreptimeDB answers SHOW VARIABLES <name> for. */
function variableValue(name: string, ctx: QueryContext): string | null {
  switch (name) {
    case 'time_zone': case 'system_time_zone': return ctx.timeZone ?? 'UTC';
    case 'max_execution_time': return '0';
    case 'transaction_isolation': case 'tx_isolation': return 'REPEATABLE-READ';
    case 'version': return '8.4.2';
    case 'version_comment': return 'Greptime';
    case 'sql_mode': return 'ONLY_FULL_GROUP_BY STRICT_TRANS_TABLES NO_ZERO_IN_DATE NO_ZERO_DATE ERROR_FOR_DIVISION_BY_ZERO NO_ENGINE_SUBSTITUTION';
    case 'autocommit': return 'ON';
    case 'character_set_client': case 'character_set_connection': case 'character_set_results': return 'utf8mb4';
    case 'collation_connection': return 'utf8mb4_bin';
    default: return null;
  }
}

/** SHOW VARIABLES <name> (one column named after the variable), or SHOW VARIABLES [LIKE ...] (Variable_name, Value). */
export function showVariables(s: Show, ctx: QueryContext): Rel {
  if (s.target) {
    const name = s.target.map((p) => p.value).join('.');
    const v = variableValue(name.toLowerCase(), ctx);
    if (v === null) throw new EddyError(StatusCode.Unsupported, `Unknown session variable: ${name}`);
    return stringRel([name.toUpperCase()], [[v]]);
  }
  const names = ['autocommit', 'character_set_client', 'character_set_connection', 'character_set_results', 'collation_connection',
    'max_execution_time', 'sql_mode', 'system_time_zone', 'time_zone', 'transaction_isolation', 'version', 'version_comment'];
  return stringRel(['Variable_name', 'Value'], names.map((n) => [n, variableValue(n, ctx)]));
}

/** SHOW [GLOBAL | SESSION] STATUS: GreptimeDB keeps no MySQL status counters; an empty answer of the right shape. */
export function showStatus(): Rel {
  return stringRel(['Variable_name', 'Value'], []);
}
