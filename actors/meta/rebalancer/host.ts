// The meta leader's Rebalancer: reads each region's load from the datanodes' heartbeats, decides with
// core/rebalance.ts and starts migration procedures; draining nodes (ADMIN drain_node) give every region away.
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import type { KV } from '@nats-io/kv';
import { ProcedureFailedError, REBALANCE_DEFAULTS, decideRebalance, type Clock, type RebalanceOptions, type RebalanceRegion } from '../../../core/index.ts';
import { listNodes, type NodeRecord } from '../registry.ts';
import { readRoutes } from '../routes.ts';
import { listProcedures } from '../procedure_store.ts';
import type { MigrationHost } from '../migration/host.ts';
import { rebalancerMachine, RebalancerEvents } from './machine.ts';
import { kvGet, kvKeys } from '../../runtime/kv_keys.ts';

const enc = new TextEncoder();
const DRAIN_PREFIX = 'drain.';

export interface RebalancerOptions {
  proceduresKv: KV;
  routesKv: KV;
  nodesKv: KV;
  clock: Clock;
  migrations: MigrationHost;
  /** The datanodes placement and the rebalancer may use (the failure detector's view). */
  datanodes: () => Promise<NodeRecord[]>;
  enabled: boolean;
  intervalMs?: number;
  options?: Partial<RebalanceOptions>;
  log: (m: string) => void;
}

/** Nodes an operator asked to drain (ADMIN drain_node): they keep no region and get none. */
export async function drainingNodes(kv: KV): Promise<Set<string>> {
  const out = new Set<string>();
  for (const k of await kvKeys(kv, `${DRAIN_PREFIX}*`)) {
    const e = await kvGet(kv, k);
    if (e && e.operation === 'PUT' && e.value.length) out.add(k.slice(DRAIN_PREFIX.length));
  }
  return out;
}

export class Rebalancer {
  private readonly actor: Actor<typeof rebalancerMachine>;
  private readonly opts: RebalanceOptions;

  constructor(private readonly o: RebalancerOptions) {
    this.opts = { ...REBALANCE_DEFAULTS, ...o.options };
    const round = fromPromise<number, void>(async () => this.round());
    this.actor = createActor(rebalancerMachine.provide({ actors: { round } }), { input: { intervalMs: o.intervalMs ?? 5_000, enabled: o.enabled } }).start();
  }

  /** Runs one round now (ADMIN rebalance()); the number of migrations it started. */
  async runOnce(): Promise<number> {
    const before = this.actor.getSnapshot().context;
    const target = before.rounds + (this.actor.getSnapshot().matches('round') ? 2 : 1);
    this.actor.send({ type: RebalancerEvents.kick });
    const after = await waitFor(this.actor, (s) => s.context.rounds >= target || s.status !== 'active', { timeout: 60_000 });
    if (after.context.lastError) throw new ProcedureFailedError(`rebalance: ${after.context.lastError}`);
    return after.context.started - before.started;
  }

  /** Marks a node as draining (kept in the procedures bucket, so a new leader keeps draining it) and runs a round. */
  async drain(nodeId: string): Promise<number> {
    await this.o.proceduresKv.put(`${DRAIN_PREFIX}${nodeId}`, enc.encode(JSON.stringify({ at: this.o.clock.now() })));
    return this.runOnce();
  }

  private async round(): Promise<number> {
    const [nodes, routes, procs, draining] = await Promise.all([
      this.o.datanodes(), readRoutes(this.o.routesKv), listProcedures(this.o.proceduresKv), drainingNodes(this.o.proceduresKv),
    ]);
    const live = new Set(nodes.map((n) => n.id));
    const loads = new Map<string, { rowsPerSec: number; scansPerSec: number; bytes: number }>();
    for (const n of await listNodes(this.o.nodesKv)) for (const [id, l] of Object.entries(n.load.regionLoads ?? {})) loads.set(id, l);
    const regions: RebalanceRegion[] = [];
    for (const [id, r] of routes) {
      // A region on a node that is not up is placement's to reopen, not the rebalancer's to move.
      if (!live.has(r.node)) continue;
      const l = loads.get(id);
      regions.push({ id, node: r.node, rowsPerSec: l?.rowsPerSec ?? 0, scansPerSec: l?.scansPerSec ?? 0, bytes: l?.bytes ?? 0 });
    }
    // The cooldown is the rebalancer's own: an operator's migrate_region or a drain does not hold a region back.
    const lastMoved = new Map<string, number>();
    for (const p of procs) if (p.reason === 'rebalance') lastMoved.set(p.regionId, Math.max(lastMoved.get(p.regionId) ?? 0, p.endedAt ?? p.startedAt));
    const moves = decideRebalance({
      now: this.o.clock.now(), nodes: nodes.map((n) => ({ id: n.id, draining: draining.has(n.id) })), regions,
      inFlight: this.o.migrations.busy(), lastMoved, options: this.opts,
    });
    let started = 0;
    for (const m of moves) {
      try {
        await this.o.migrations.migrate(m.regionId, m.from, m.to, undefined, m.reason);
        this.o.log(`rebalancer: region ${m.regionId} ${m.from} -> ${m.to} (${m.reason}: ${m.detail})`);
        started++;
      } catch (e) {
        this.o.log(`rebalancer: moving region ${m.regionId} ${m.from} -> ${m.to} refused: ${(e as Error).message}`);
      }
    }
    return started;
  }

  get rounds(): number {
    return this.actor.getSnapshot().context.rounds;
  }

  stop(): void {
    this.actor.send({ type: RebalancerEvents.stop });
    this.actor.stop();
  }
}
