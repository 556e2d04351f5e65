// PREPARE / EXECUTE / DEALLOCATE as SQL statements (MySQL's PREPARE name FROM 'text' and PostgreSQL's PREPARE name
// [(types)] AS statement): a session keeps prepared texts by name; EXECUTE binds each parameter (`?` in order, or
// `$n`) to its argument's SQL and runs the one statement that makes.
import { EddyError, StatusCode } from '../../errors.ts';
import { findPlaceholders, type Placeholder } from '../../pgwire/params.ts';
import type { Deallocate, Execute, Prepare, Statement } from '../../sql/index.ts';
import { formatExpr, parseSql } from '../../sql/index.ts';
import type { QueryContext } from '../context.ts';

function statements(ctx: QueryContext): Map<string, string> {
  return (ctx.prepared ??= new Map());
}

export function runPrepare(s: Prepare, ctx: QueryContext): void {
  // PostgreSQL's declared parameter types: each $n is kept as a cast of itself, so an argument binds as that type
  const sql = s.types ? typedParameters(s) : s.sql;
  // checked as PostgreSQL checks a Parse: the parameters standing in as NULL
  const sites = findPlaceholders(sql, true);
  const parsed = parseSql(bind(sql, sites, sites.map(() => 'NULL')));
  if (parsed.length !== 1) throw new EddyError(StatusCode.InvalidSyntax, `PREPARE ${s.name}: expected one statement, found ${parsed.length}`);
  statements(ctx).set(s.name, sql);
}

/** The text of PREPARE name (types) AS ... with every $n written CAST($n AS its type); $n past the types stay as they are. */
function typedParameters(s: Prepare): string {
  const types = s.types!;
  const sites = findPlaceholders(s.sql);
  for (const p of sites) {
    if (p.n < 1) throw new EddyError(StatusCode.InvalidSyntax, `PREPARE ${s.name}: there is no parameter $${p.n}`);
  }
  let out = '', at = 0;
  for (const p of sites) {
    const t = types[p.n - 1];
    out += s.sql.slice(at, p.start) + (t ? `CAST($${p.n} AS ${t.raw})` : `$${p.n}`);
    at = p.end;
  }
  return out + s.sql.slice(at);
}

/** `sql` with parameter n replaced by values[n - 1], parenthesized. */
function bind(sql: string, sites: Placeholder[], values: string[]): string {
  let out = '', at = 0;
  for (const p of sites) {
    out += sql.slice(at, p.start) + `(${values[p.n - 1]})`;
    at = p.end;
  }
  return out + sql.slice(at);
}

/** The statement EXECUTE runs: the prepared text with each parameter replaced by its argument's SQL. */
export function boundStatement(s: Execute, ctx: QueryContext): Statement {
  const sql = statements(ctx).get(s.name);
  if (sql === undefined) throw new EddyError(StatusCode.InvalidArguments, `Prepared statement not found: ${s.name}`);
  const sites = findPlaceholders(sql, true);
  const wanted = sites.reduce((m, p) => Math.max(m, p.n), 0);
  if (wanted !== s.args.length) throw new EddyError(StatusCode.InvalidArguments, `EXECUTE ${s.name}: the statement takes ${wanted} parameter${wanted === 1 ? '' : 's'}, got ${s.args.length}`);
  return parseSql(bind(sql, sites, s.args.map((a) => formatExpr(a))))[0]!;
}

export function runDeallocate(s: Deallocate, ctx: QueryContext): void {
  if (!statements(ctx).delete(s.name)) throw new EddyError(StatusCode.InvalidArguments, `Prepared statement not found: ${s.name}`);
}
