// One PostgreSQL session: its query context (database), run-time parameters, prepared statements and portals, and
// the session commands PostgreSQL clients send that are not GreptimeDB SQL (BEGIN/COMMIT, SET/RESET/SHOW of a
// parameter, DISCARD, DEALLOCATE).
import type { QueryContext, QueryOutput } from '../../../core/query/index.ts';
import { InvalidArgumentError } from '../../../core/index.ts';
import type { Format, Placeholder, TxStatus } from '../../../core/pgwire/index.ts';
import { checkTimeZone, zoneOffset } from './time_zone.ts';
import { formatStatementTimeout, statementTimeoutMs, type StatementRun } from './statement_limits.ts';

/** The parameters reported to the client in ParameterStatus at startup and whenever they change. */
export const REPORTED = ['server_version', 'server_encoding', 'client_encoding', 'application_name', 'DateStyle', 'IntervalStyle', 'TimeZone',
  'integer_datetimes', 'is_superuser', 'session_authorization', 'standard_conforming_strings', 'default_transaction_read_only', 'in_hot_standby'] as const;

/** PostgreSQL version EddyDB reports: clients parse the leading number (16.3 -> 160003) to pick their catalog queries. */
export const SERVER_VERSION = '16.3-eddydb';

export interface PreparedStatement {
  sql: string;
  sites: Placeholder[];
  paramTypes: number[];
}

export interface Portal {
  /** The statement with its parameters bound. */
  sql: string;
  resultFormats: Format[];
  /** Set once run (at Describe for a row-returning statement, else at Execute); rows already sent so far. */
  result: PortalResult | null;
  sent: number;
}

export type PortalResult = { kind: 'output'; output: QueryOutput; tag: string } | { kind: 'command'; tag: string } | { kind: 'empty' };

export class PgSession {
  /** Run-time parameters by lower-case name, with the names as PostgreSQL spells them for ParameterStatus. */
  private readonly vars = new Map<string, { name: string; value: string }>();
  readonly statements = new Map<string, PreparedStatement>();
  readonly portals = new Map<string, Portal>();
  tx: TxStatus = 'I';
  /** The statement running now (a CancelRequest aborts it with 57014), null between statements. */
  current: StatementRun | null = null;
  /** statement_timeout in ms (0: none); its default is the server's --query-timeout, as postgresql.conf sets it. */
  timeoutMs: number;
  /** Parameters changed since the last flush (sent as ParameterStatus). */
  readonly changed = new Set<string>();

  constructor(readonly ctx: QueryContext, readonly user: string, startup: Record<string, string>, private readonly defaultTimeoutMs = 0) {
    this.timeoutMs = defaultTimeoutMs;
    const defaults: [string, string][] = [
      ['server_version', SERVER_VERSION], ['server_version_num', '160003'], ['server_encoding', 'UTF8'], ['client_encoding', 'UTF8'],
      ['application_name', ''], ['DateStyle', 'ISO, MDY'], ['IntervalStyle', 'postgres'], ['TimeZone', 'UTC'], ['integer_datetimes', 'on'],
      ['is_superuser', 'on'], ['session_authorization', user], ['standard_conforming_strings', 'on'], ['default_transaction_read_only', 'off'],
      ['in_hot_standby', 'off'], ['search_path', '"$user", public'], ['extra_float_digits', '1'], ['statement_timeout', formatStatementTimeout(defaultTimeoutMs)],
      ['transaction_isolation', 'read committed'], ['max_identifier_length', '63'], ['lc_collate', 'C'], ['lc_ctype', 'C'],
    ];
    for (const [k, v] of defaults) this.vars.set(k.toLowerCase(), { name: k, value: v });
    for (const [k, v] of Object.entries(startup)) {
      if (k === 'user' || k === 'database' || k === 'options' || k === 'replication') continue;
      this.set(k, v);
    }
    this.changed.clear();
  }

  get(name: string): string | undefined {
    return this.vars.get(name.toLowerCase())?.value;
  }

  /** ParameterStatus name and value of a reported parameter. */
  reported(name: string): [string, string] | null {
    const v = this.vars.get(name.toLowerCase());
    return v ? [v.name, v.value] : null;
  }

  /** Minutes east of UTC of the session time zone at an instant (null: UTC). */
  offset(): ((ns: bigint) => number) | null {
    return zoneOffset(this.get('TimeZone') ?? 'UTC');
  }

  /** SET name = value, checked where EddyDB acts on the value. */
  set(name: string, raw: string): void {
    let key = name.toLowerCase();
    let value = raw;
    if (key === 'time_zone' || key === 'timezone' || key === 'time zone') { key = 'timezone'; value = checkTimeZone(raw); }
    if (key === 'client_encoding' && !/^(utf-?8|unicode)$/i.test(raw)) {
      throw new InvalidArgumentError(`invalid value for parameter "client_encoding": "${raw}": EddyDB speaks UTF8 only`);
    }
    if (key === 'client_encoding') value = 'UTF8';
    if (key === 'search_path') this.followSearchPath(raw);
    if (key === 'statement_timeout') {
      this.timeoutMs = statementTimeoutMs(raw);
      value = formatStatementTimeout(this.timeoutMs);
    }
    const prev = this.vars.get(key);
    const spelled = prev?.name ?? (key === 'timezone' ? 'TimeZone' : key);
    this.vars.set(key, { name: spelled, value });
    if ((REPORTED as readonly string[]).includes(spelled)) this.changed.add(spelled);
    if (key === 'timezone') this.ctx.timeZone = value;
  }

  reset(name: string): void {
    const key = name.toLowerCase();
    const defaults: Record<string, string> = {
      timezone: 'UTC', time_zone: 'UTC', application_name: '', search_path: '"$user", public', datestyle: 'ISO, MDY', extra_float_digits: '1',
      statement_timeout: String(this.defaultTimeoutMs),
    };
    if (key in defaults) this.set(key, defaults[key]!);
    else this.vars.delete(key);
  }

  /** search_path names schemas; in EddyDB a schema is a database: the first one that exists becomes the current one. */
  private followSearchPath(raw: string): void {
    const names = raw.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1')).filter((s) => s && s !== '$user' && s !== 'pg_catalog');
    if (names[0]) this.pendingDatabase = names[0];
  }
  /** A database named by search_path, checked and used by the connection (the catalog lookup is async). */
  pendingDatabase: string | null = null;

  /** Every parameter, for SHOW ALL and pg_settings. */
  all(): { name: string; value: string }[] {
    return [...this.vars.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** A PostgreSQL session command recognised in a statement's text, or null for SQL the engine runs. */
export type SessionCommand =
  | { kind: 'begin' } | { kind: 'commit' } | { kind: 'rollback' }
  | { kind: 'set'; name: string; value: string } | { kind: 'reset'; name: string }
  | { kind: 'show'; name: string } | { kind: 'discard' } | { kind: 'deallocate'; name: string | null };

/** Values of SET: quoted strings unquoted, lists kept as written, DEFAULT as a reset. */
function setValue(text: string): string {
  const t = text.trim();
  const m = /^'((?:[^']|'')*)'$/.exec(t) ?? /^"((?:[^"]|"")*)"$/.exec(t);
  return m ? m[1]!.replace(/''/g, "'").replace(/""/g, '"') : t;
}

/** Parameters SHOW answers itself; other SHOW statements (TABLES, DATABASES, CREATE TABLE ...) go to the engine. */
const SHOWABLE = /^(all|server_version|server_version_num|server_encoding|client_encoding|application_name|datestyle|intervalstyle|timezone|time\s+zone|time_zone|integer_datetimes|is_superuser|session_authorization|standard_conforming_strings|search_path|extra_float_digits|statement_timeout|transaction\s+isolation\s+level|transaction_isolation|default_transaction_read_only|in_hot_standby|max_identifier_length|lc_collate|lc_ctype|max_connections)$/i;

export function sessionCommand(sql: string): SessionCommand | null {
  const t = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim().replace(/;\s*$/, '').trim();
  if (/^(begin|start\s+transaction)\b/i.test(t)) return { kind: 'begin' };
  if (/^(commit|end)\b(\s+(work|transaction))?\s*$/i.test(t)) return { kind: 'commit' };
  if (/^(rollback|abort)\b(\s+(work|transaction))?\s*$/i.test(t)) return { kind: 'rollback' };
  if (/^discard\s+(all|plans|sequences|temp|temporary)$/i.test(t)) return { kind: 'discard' };
  let m = /^deallocate\s+(?:prepare\s+)?("?)([\w$]+)\1$/i.exec(t);
  if (m) return { kind: 'deallocate', name: m[2]!.toLowerCase() === 'all' && !m[1] ? null : m[2]! };
  m = /^set\s+(?:session\s+|local\s+)?time\s+zone\s+(.+)$/is.exec(t);
  if (m) return /^(local|default)$/i.test(m[1]!.trim()) ? { kind: 'reset', name: 'timezone' } : { kind: 'set', name: 'timezone', value: setValue(m[1]!) };
  m = /^set\s+(?:session\s+|local\s+)?(?!session\b)([\w.]+)\s*(?:=|\bto\b)\s*(.+)$/is.exec(t);
  if (m) {
    if (/^default$/i.test(m[2]!.trim())) return { kind: 'reset', name: m[1]! };
    const parts = m[2]!.split(',').map(setValue);
    return { kind: 'set', name: m[1]!, value: parts.join(', ') };
  }
  m = /^set\s+(?:session\s+)?(?:characteristics\s+as\s+transaction|transaction)\b/i.exec(t);
  if (m) return { kind: 'set', name: 'transaction_characteristics', value: t };
  m = /^reset\s+(all|[\w.]+)$/i.exec(t);
  if (m) return { kind: 'reset', name: m[1]! };
  m = /^show\s+(.+)$/is.exec(t);
  if (m && SHOWABLE.test(m[1]!.trim())) return { kind: 'show', name: m[1]!.trim().replace(/\s+/g, ' ') };
  return null;
}
