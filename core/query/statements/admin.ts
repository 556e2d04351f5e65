// ADMIN functions EddyDB does not run yet (migrate_region, flush_region, ...): check their arguments, then say so.
import { EddyError, StatusCode } from '../../errors.ts';
import type { Expr, FunctionCall } from '../../sql/index.ts';
import { regionIdOf } from '../../schema.ts';
import type { QueryContext } from '../context.ts';
import { PlanError } from '../plan/rel.ts';

/** GreptimeDB's ADMIN functions that take region ids and peer ids, by argument position. */
const KNOWN: Record<string, { regions: number[]; peers: number[]; usage: string }> = {
  migrate_region: { regions: [0], peers: [1, 2], usage: 'migrate_region(region_id, from_peer_id, to_peer_id[, timeout_secs])' },
  flush_region: { regions: [0], peers: [], usage: 'flush_region(region_id)' },
  compact_region: { regions: [0], peers: [], usage: 'compact_region(region_id)' },
  procedure_state: { regions: [], peers: [], usage: "procedure_state('procedure_id')" },
};

function intArg(fn: string, usage: string, a: Expr | undefined, what: string, call: FunctionCall): string {
  if (!a || a.type !== 'number' || !/^\d+$/.test(a.value)) {
    throw new PlanError(`${fn} expects ${what} as a whole number: ${usage}`, (a as { pos?: FunctionCall['pos'] } | undefined)?.pos ?? call.pos, StatusCode.InvalidArguments);
  }
  return BigInt(a.value).toString();
}

async function allRegionIds(ctx: QueryContext): Promise<Set<string>> {
  const out = new Set<string>();
  for (const db of await ctx.listDatabases()) {
    if (db === 'information_schema') continue;
    for (const t of await ctx.listTables(db)) {
      const s = await ctx.getTable(db, t);
      if (s) for (let n = 0; n < s.regions; n++) out.add(regionIdOf(s.id, n));
    }
  }
  return out;
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
  throw new PlanError(`ADMIN ${fn} is not implemented yet`, call.pos, StatusCode.Unsupported);
}
