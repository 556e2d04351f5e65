// ADMIN functions on regions and procedures: migrate_region, procedure_state, rebalance, drain_node run through the
// cluster's procedures; flush_region / compact_region find the table of a region (execute.ts flushes it).
import { EddyError, StatusCode } from '../../errors.ts';
import type { Expr, FunctionCall, Query } from '../../sql/index.ts';
import { regionIdOf, type TableSchema } from '../../schema.ts';
import type { QueryContext } from '../context.ts';
import { PlanError } from '../plan/rel.ts';

/** GreptimeDB's ADMIN functions that take region ids and peer ids, by argument position. */
const KNOWN: Record<string, { regions: number[]; peers: number[]; usage: string }> = {
  migrate_region: { regions: [0], peers: [1, 2], usage: 'migrate_region(region_id, from_peer_id, to_peer_id[, timeout_secs])' },
  flush_region: { regions: [0], peers: [], usage: 'flush_region(region_id)' },
  compact_region: { regions: [0], peers: [], usage: 'compact_region(region_id)' },
  procedure_state: { regions: [], peers: [], usage: "procedure_state('procedure_id')" },
  rebalance: { regions: [], peers: [], usage: 'rebalance()' },
  drain_node: { regions: [], peers: [0], usage: 'drain_node(peer_id)' },
};

/** The ADMIN functions the cluster's procedures run. */
const PROCEDURES = new Set(['migrate_region', 'procedure_state', 'rebalance', 'drain_node']);

/**
 * Runs a procedure ADMIN function: migrate_region answers the procedure id, procedure_state its JSON state
 * (`{"status":"Done"}`), rebalance and drain_node the number of migrations started. Null when `fn` is not one of them.
 */
export async function runProcedureAdmin(fn: string, call: FunctionCall, ctx: QueryContext): Promise<string | number | null> {
  if (!PROCEDURES.has(fn)) return null;
  const spec = KNOWN[fn]!;
  const ops = ctx.procedures;
  if (fn === 'procedure_state') {
    const a = call.args[0];
    if (!a || a.type !== 'string' || call.args.length !== 1) throw new PlanError(`procedure_state expects a procedure id string: ${spec.usage}`, call.pos, StatusCode.InvalidArguments);
    const st = ops ? await ops.state(a.value) : null;
    if (!st) throw new EddyError(StatusCode.ProcedureNotFound, `procedure ${a.value} not found`);
    return JSON.stringify(st);
  }
  if (fn === 'rebalance' && call.args.length) throw new PlanError(`rebalance takes no arguments: ${spec.usage}`, call.pos, StatusCode.InvalidArguments);
  await checkRegionsAndPeers(fn, call, ctx);
  if (!ops) throw new PlanError(`ADMIN ${fn} needs a cluster (eddy cluster, or nodes with roles on one NATS): a standalone node is the only datanode`, call.pos, StatusCode.Unsupported);
  if (fn === 'rebalance') return ops.rebalance();
  if (fn === 'drain_node') return ops.drainNode(Number(intArg(fn, spec.usage, call.args[0], 'a peer id', call)));
  if (call.args.length < 3 || call.args.length > 4) throw new PlanError(`migrate_region takes 3 or 4 arguments: ${spec.usage}`, call.pos, StatusCode.InvalidArguments);
  const region = intArg(fn, spec.usage, call.args[0], 'a region id', call);
  const from = Number(intArg(fn, spec.usage, call.args[1], 'a peer id', call));
  const to = Number(intArg(fn, spec.usage, call.args[2], 'a peer id', call));
  const timeout = call.args[3] ? Number(intArg(fn, spec.usage, call.args[3], 'a timeout in seconds', call)) : null;
  if (timeout !== null && timeout < 1) throw new PlanError(`migrate_region: the timeout must be at least 1 second`, call.args[3]!.pos ?? call.pos, StatusCode.InvalidArguments);
  if (from === to) throw new PlanError(`migrate_region: region ${region} is already on peer ${from}`, call.args[2]!.pos ?? call.pos, StatusCode.InvalidArguments);
  return ops.migrateRegion(region, from, to, timeout);
}

function intArg(fn: string, usage: string, a: Expr | undefined, what: string, call: FunctionCall): string {
  if (!a || a.type !== 'number' || !/^\d+$/.test(a.value)) {
    throw new PlanError(`${fn} expects ${what} as a whole number: ${usage}`, (a as { pos?: FunctionCall['pos'] } | undefined)?.pos ?? call.pos, StatusCode.InvalidArguments);
  }
  return BigInt(a.value).toString();
}

/** Every region id of the catalog, with the table that holds it. */
async function allRegions(ctx: QueryContext): Promise<Map<string, TableSchema>> {
  const out = new Map<string, TableSchema>();
  for (const db of await ctx.listDatabases()) {
    if (db === 'information_schema') continue;
    for (const t of await ctx.listTables(db)) {
      const s = await ctx.getTable(db, t);
      if (s) for (let n = 0; n < s.regions; n++) out.set(regionIdOf(s.id, n), s);
    }
  }
  return out;
}

async function allRegionIds(ctx: QueryContext): Promise<Set<string>> {
  return new Set((await allRegions(ctx)).keys());
}

/** flush_region(id) / compact_region(id): the table whose region `id` is (a 404 when no table has it). */
export async function regionTable(fn: string, call: FunctionCall, ctx: QueryContext): Promise<TableSchema> {
  const spec = KNOWN[fn]!;
  if (call.args.length !== 1) throw new PlanError(`${fn} takes one argument: ${spec.usage}`, call.pos, StatusCode.InvalidArguments);
  const id = intArg(fn, spec.usage, call.args[0], 'a region id', call);
  const t = (await allRegions(ctx)).get(id);
  if (!t) throw new EddyError(StatusCode.RegionNotFound, `${fn}: region ${id} not found`);
  return t;
}

async function allPeerIds(ctx: QueryContext): Promise<Set<string>> {
  // Standalone is peer 0 alone, as information_schema.cluster_info shows it.
  const peers = ctx.clusterInfo ? await ctx.clusterInfo() : [{ peerId: 0 }];
  return new Set(peers.map((p) => String(p.peerId)));
}

/**
 * Always throws: an unknown region or peer is named (400), an unknown function is named, and a known one that is
 * not implemented says so (Unsupported) instead of pretending to succeed.
 */
export async function rejectUnimplementedAdmin(fn: string, call: FunctionCall, ctx: QueryContext): Promise<never> {
  await checkRegionsAndPeers(fn, call, ctx);
  throw new PlanError(`ADMIN ${fn} is not implemented yet`, call.pos, StatusCode.Unsupported);
}

/** An unknown function, region or peer is named (400). */
async function checkRegionsAndPeers(fn: string, call: FunctionCall, ctx: QueryContext): Promise<void> {
  const spec = KNOWN[fn];
  if (!spec) throw new PlanError(`unknown ADMIN function ${fn}`, call.pos, StatusCode.InvalidArguments);
  if (spec.regions.length) {
    const regions = await allRegionIds(ctx);
    for (const i of spec.regions) {
      const id = intArg(fn, spec.usage, call.args[i], 'a region id', call);
      if (!regions.has(id)) throw new EddyError(StatusCode.RegionNotFound, `${fn}: region ${id} not found`);
    }
  }
  if (spec.peers.length) {
    const peers = await allPeerIds(ctx);
    const missing = spec.peers.map((i) => intArg(fn, spec.usage, call.args[i], 'a peer id', call)).filter((p) => !peers.has(p));
    if (missing.length) throw new EddyError(StatusCode.InvalidArguments, `${fn}: no peer ${missing.join(' and no peer ')} in the cluster (known peers: ${[...peers].join(', ')})`);
  }
}

/** Every function ADMIN runs; GreptimeDB also answers them in a plain SELECT (`SELECT flush_table('t')`). */
export const ADMIN_FUNCTIONS: ReadonlySet<string> = new Set(['flush_table', 'compact_table', 'build_index', 'flush_flow', ...Object.keys(KNOWN)]);

/**
 * The admin calls of a `SELECT f(..)[, g(..)]` with no FROM whose every item is an admin function, with their
 * aliases; null for any other query (which then runs as a query: an admin name elsewhere is an unknown function).
 */
export function adminSelect(q: Query): { call: FunctionCall; alias?: string }[] | null {
  const b = q.body;
  if (q.with || q.orderBy.length || q.limit || q.offset || b.type !== 'select') return null;
  if (b.from.length || b.where || b.groupBy.length || b.having || b.distinct || !b.projection.length) return null;
  const out: { call: FunctionCall; alias?: string }[] = [];
  for (const item of b.projection) {
    const e = item.expr;
    if (e.type !== 'function' || !ADMIN_FUNCTIONS.has(e.name.map((p) => p.value).join('.').toLowerCase())) return null;
    out.push(item.alias ? { call: e, alias: item.alias.value } : { call: e });
  }
  return out;
}
