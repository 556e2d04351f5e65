// A database's WITH options and what its tables take from them, as GreptimeDB does:
// - ttl is inherited while the table has none of its own, and follows the database's changes: the inherited value is
//   kept in the table's options.ttlMs without `extra.ttl` (which marks a TTL of the table's own), so regions expire
//   and compact by it, and SHOW CREATE TABLE prints it;
// - the engine options (append_mode, merge_mode, skip_wal, memtable.type, sst_format) are copied into a table when
//   it is created, unless its own WITH sets them; compaction options stay the database's.
import { parseDurationMs } from '../../schema.ts';
import type { TableSchema } from '../../schema.ts';
import type { QueryContext } from '../context.ts';
import { physicalOf } from './metric.ts';

/** The options a new table copies from its database. */
const COPIED = ['append_mode', 'merge_mode', 'skip_wal', 'memtable.type', 'sst_format'];

/** Keys in lower case, as the catalog stores them. */
export function normalizeDatabaseOptions(opts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts)) out[k.toLowerCase()] = v;
  return out;
}

/** A TTL's value in ms; undefined for forever (also '', '0s' and unset). */
export function ttlMsOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseDurationMs(v);
  return ms === 0 ? undefined : ms;
}

/** A TTL as GreptimeDB prints it: humantime (1s, 1day, 2h 30m) or forever. */
export function ttlText(v: string): string {
  if (v.trim().toLowerCase() === 'instant') return 'instant';
  const ms = ttlMsOf(v);
  return ms === undefined ? 'forever' : humanDuration(ms);
}

/** A duration as humantime prints it: 2years, 1month, 2days, 1h, 30m, 1s (a year 365.25 days, a month 30.44 days, as it reads them). */
export function humanDuration(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  const units: [number, string, string][] = [
    [31_557_600_000, 'year', 'years'], [2_630_016_000, 'month', 'months'], [86_400_000, 'day', 'days'],
    [3_600_000, 'h', 'h'], [60_000, 'm', 'm'], [1000, 's', 's'], [1, 'ms', 'ms'],
  ];
  for (const [size, one, many] of units) {
    const k = Math.floor(rest / size);
    if (k) { parts.push(`${k}${k === 1 ? one : many}`); rest -= k * size; }
  }
  return parts.join(' ') || '0s';
}

export async function databaseOptions(ctx: QueryContext, db: string): Promise<Record<string, string>> {
  return (await ctx.databaseOptions?.(db)) ?? {};
}

/** The options CREATE TABLE takes from the database where its own WITH is silent. */
export async function inheritedCreateOptions(ctx: QueryContext, db: string, own: Record<string, string>): Promise<Record<string, string>> {
  const dbOpts = await databaseOptions(ctx, db);
  const mine = new Set(Object.keys(own).map((k) => k.toLowerCase()));
  const out: Record<string, string> = {};
  for (const k of COPIED) if (dbOpts[k] !== undefined && !mine.has(k)) out[k] = dbOpts[k]!;
  return out;
}

const hasOwnTtl = (t: Pick<TableSchema, 'options'>) => t.options.extra?.ttl !== undefined;

/** A table's options with the database's TTL in place when the table has none of its own (logical tables excepted: theirs is the physical table's). */
export function withInheritedTtl<T extends Pick<TableSchema, 'options'>>(t: T, dbTtlMs: number | undefined): T {
  if (hasOwnTtl(t) || physicalOf(t as unknown as TableSchema) !== undefined || t.options.ttlMs === dbTtlMs) return t;
  const options = { ...t.options };
  if (dbTtlMs === undefined) delete options.ttlMs;
  else options.ttlMs = dbTtlMs;
  return { ...t, options };
}

/**
 * After the database's TTL changed: every table of it without a TTL of its own takes the new one (a new schema
 * version, so the regions expire by it), then each logical metric table takes its physical table's.
 */
export async function applyDatabaseTtl(ctx: QueryContext, db: string): Promise<void> {
  const dbTtl = ttlMsOf((await databaseOptions(ctx, db)).ttl);
  const logical: string[] = [];
  for (const name of await ctx.listTables(db)) {
    const t = await ctx.getTable(db, name);
    if (!t) continue;
    if (physicalOf(t) !== undefined) { logical.push(name); continue; }
    if (withInheritedTtl(t, dbTtl) !== t) await ctx.alterTable(db, name, (o) => { const n = withInheritedTtl(o, dbTtl); return n === o ? o : { ...n, version: o.version + 1 }; });
  }
  for (const name of logical) {
    const t = await ctx.getTable(db, name);
    const phy = t ? await ctx.getTable(db, physicalOf(t)!) : null;
    if (!t || !phy || hasOwnTtl(t) || t.options.ttlMs === phy.options.ttlMs) continue;
    await ctx.alterTable(db, name, (o) => {
      const options = { ...o.options };
      if (phy.options.ttlMs === undefined) delete options.ttlMs; else options.ttlMs = phy.options.ttlMs;
      return { ...o, options, version: o.version + 1 };
    });
  }
}

/** SHOW CREATE DATABASE's WITH lines: keys sorted, dotted ones quoted, the TTL in humantime. */
export function databaseOptionLines(opts: Record<string, string>): string[] {
  return Object.keys(opts).sort().map((k) => `  ${k.includes('.') ? `'${k}'` : k} = '${k === 'ttl' ? ttlText(opts[k]!) : opts[k]}'`);
}

/** SHOW FULL DATABASES' Options cell: 'ttl' first, then the rest sorted, one per line. */
export function databaseOptionsCell(opts: Record<string, string>): string {
  const keys = Object.keys(opts).sort((a, b) => (a === 'ttl' ? -1 : b === 'ttl' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return keys.map((k) => `'${k}'='${k === 'ttl' ? ttlText(opts[k]!) : opts[k]}'\n`).join('');
}
