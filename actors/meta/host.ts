// A cluster node's meta services: registration and heartbeat for every role; on meta nodes, the election and, while leading, the placement loop.
import { createActor, fromPromise, type Actor } from 'xstate';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, KvKeys, MetaUnavailableError, Subjects, regionIdOf, type Clock, type PlacementOptions } from '../../core/index.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { Roles, type Role } from '../config.ts';
import { LeaseElector } from './lease/host.ts';
import { NodeRegistration, listLiveNodes, listNodes, liveNodes, type LoadSample } from './registry.ts';
import { Liveness, answerPings } from './liveness.ts';
import { placementMachine, PlacementEvents, type PlacementWorld, type RouteChanges } from './placement/machine.ts';
import { RouteWriter, readRoutes } from './routes.ts';
import { MigrationHost } from './migration/host.ts';
import { writeRegionEvent } from './procedure_store.ts';
import { Rebalancer, drainingNodes } from './rebalancer/host.ts';
import { EddyError, StatusCode } from '../../core/index.ts';
import { ensureAsset } from '../runtime/js_assets.ts';

export interface MetaServicesOptions {
  js: JetStreamClient;
  /** With it, a meta node runs a placement round when any node asks on Subjects.placementKick (a table was created, a datanode left). */
  nc?: NatsConnection;
  catalog: Catalog;
  nodeId: string;
  roles: ReadonlySet<Role>;
  /** host:port this node serves HTTP on, advertised in its record. */
  http?: string;
  clock: Clock;
  sample: () => LoadSample;
  log?: (m: string) => void;
  heartbeatMs?: number;
  leaseMs?: number;
  placementIntervalMs?: number;
  placement?: PlacementOptions;
  /** JetStream replicas of the nodes and routes buckets (--replicas). */
  replicas?: number;
  /** The rebalancer runs rounds by itself (--rebalance on); ADMIN rebalance() runs one either way. */
  rebalance?: boolean;
  rebalanceIntervalMs?: number;
}

/** Longest a placement round may spend reading the cluster's state. */
const PLACEMENT_GATHER_MS = 10_000;

export const META_DEFAULTS = {
  // Frequent beats give the failure detector (phi accrual, liveness.ts) enough samples to fail over within seconds.
  heartbeatMs: 500,
  leaseMs: 6_000,
  placementIntervalMs: 2_000,
  // No rebalancing of regions that have a live owner until region migration exists: a move would
  // otherwise reopen a serving region elsewhere from its WAL alone. Orphans are always placed.
  placement: {} as PlacementOptions,
} as const;

/** Every region id in the catalog, reading each table fresh (another node may have dropped and recreated it). */
export async function catalogRegions(catalog: Catalog): Promise<string[]> {
  const out: string[] = [];
  for (const db of await catalog.listDatabases()) {
    for (const t of await catalog.listTables(db)) {
      catalog.invalidate(db, t);
      const s = await catalog.getTable(db, t);
      if (s) for (let n = 0; n < s.regions; n++) out.push(regionIdOf(s.id, n));
    }
  }
  return out;
}

export class MetaServices {
  nodesKv!: KV;
  routesKv!: KV;
  proceduresKv!: KV;
  /** This node's route writes while it leads, fenced by its term. */
  routeWriter!: RouteWriter;
  /** While leading: the region migrations this node runs. */
  migrations: MigrationHost | null = null;
  /** While leading: the rebalancer. */
  rebalancer: Rebalancer | null = null;
  private registration: NodeRegistration | null = null;
  private elector: LeaseElector | null = null;
  private placement: Actor<typeof placementMachine> | null = null;
  private kicks: Subscription | null = null;
  private pings: Subscription | null = null;
  /** While leading: the lease revision this term began with (migration steps carry it). */
  private termEpoch: number | null = null;
  /** While leading: the failure detector. */
  liveness: Liveness | null = null;
  private readonly o: MetaServicesOptions & typeof META_DEFAULTS;

  constructor(opts: MetaServicesOptions) {
    this.o = { ...META_DEFAULTS, ...opts } as MetaServicesOptions & typeof META_DEFAULTS;
  }

  async start(): Promise<void> {
    const kvm = new Kvm(this.o.js);
    const bucket = (b: string) => ensureAsset(`KV ${b}`, () => kvm.create(b, { history: 1, replicas: this.o.replicas ?? 1 }));
    this.nodesKv = await bucket(Buckets.nodes);
    this.routesKv = await bucket(Buckets.routes);
    this.proceduresKv = await bucket(Buckets.procedures);
    this.routeWriter = new RouteWriter(this.o.js, this.routesKv);
    this.registration = new NodeRegistration({
      kv: this.nodesKv, id: this.o.nodeId, roles: [...this.o.roles], ...(this.o.http ? { http: this.o.http } : {}),
      clock: this.o.clock, intervalMs: this.o.heartbeatMs, sample: this.o.sample, ...(this.o.log ? { log: this.o.log } : {}),
    });
    await this.registration.start();
    if (this.o.nc) this.pings = answerPings(this.o.nc, this.o.nodeId);
    if (this.o.roles.has(Roles.meta)) {
      this.elector = new LeaseElector({
        kv: this.nodesKv, key: KvKeys.metaLease, nodeId: this.o.nodeId, leaseMs: this.o.leaseMs, clock: this.o.clock,
        onChange: (leader) => (leader ? this.lead() : this.follow()),
        ...(this.o.log ? { log: this.o.log } : {}),
      }).start();
      this.kicks = this.o.nc?.subscribe(Subjects.placementKick, { callback: () => this.kick() }) ?? null;
    }
  }

  get isLeader(): boolean {
    return this.elector?.isLeader ?? false;
  }

  /** Resolves once this node leads the meta role (tests and tools). */
  whenLeader(timeoutMs?: number): Promise<void> {
    if (!this.elector) return Promise.reject(new MetaUnavailableError(`node ${this.o.nodeId} has no meta role`));
    return this.elector.whenLeader(timeoutMs);
  }

  /** Asks the placement loop (if leading) to run a round now, e.g. after a table was created. */
  kick(): void {
    this.placement?.send({ type: PlacementEvents.kick });
  }

  /** Completed placement rounds while leading (0 on followers). */
  get placementRounds(): number {
    return this.placement?.getSnapshot().context.rounds ?? 0;
  }

  /** Leading: migrations left running by a previous leader resume first, then placement starts (it leaves migrating regions alone). */
  private lead(): void {
    // The term claims the routes first: from then on a stale leader's route writes are refused.
    const epoch = this.elector?.revision ?? null;
    this.termEpoch = epoch;
    const claimed = epoch === null ? Promise.resolve() : this.routeWriter.claim(epoch).catch((e) => this.o.log?.(`meta: claiming the routes for term ${epoch} failed: ${(e as Error).message}`));
    if (this.o.nc && !this.liveness) {
      const l = new Liveness({
        nc: this.o.nc, nodesKv: this.nodesKv, clock: this.o.clock, heartbeatMs: this.o.heartbeatMs, log: this.o.log,
        onDead: () => this.kick(),
      });
      this.liveness = l;
      l.start().catch((e) => this.o.log?.(`liveness: start failed: ${(e as Error).message}`));
    }
    if (this.migrations || !this.o.nc) {
      this.startPlacement();
      return;
    }
    const m: MigrationHost = new MigrationHost({
      nc: this.o.nc, proceduresKv: this.proceduresKv, routesKv: this.routesKv, routeWriter: this.routeWriter, nodesKv: this.nodesKv, clock: this.o.clock,
      epoch: () => this.elector?.revision ?? null, term: () => (this.isLeader ? this.termEpoch : null), log: this.o.log ?? (() => undefined), liveness: this.liveness,
      extra: (req): Promise<unknown> | null => {
        const r = this.rebalancer;
        if (!r) return null;
        if (req.op === 'rebalance') return r.runOnce().then((started) => ({ started }));
        if (req.op === 'drain') {
          if (typeof req.peer !== 'number') return Promise.reject(new EddyError(StatusCode.InvalidArguments, 'drain needs a peer id'));
          return m.nodeOfPeer(req.peer).then((node) => r.drain(node)).then((started) => ({ started }));
        }
        return null;
      },
    });
    this.migrations = m;
    // Migrations resume once the term holds the routes: datanodes compare a step's term with the claimed one, so a
    // step of this term is never refused for an older claim, and an older leader's late steps are.
    claimed.then(() => (this.migrations === m ? m.start() : undefined)).catch((e) => this.o.log?.(`migrations: start failed: ${(e as Error).message}`)).finally(() => {
      if (this.migrations !== m) return;
      this.rebalancer = new Rebalancer({
        proceduresKv: this.proceduresKv, routesKv: this.routesKv, nodesKv: this.nodesKv, clock: this.o.clock, migrations: m,
        datanodes: () => this.availableDatanodes(false), enabled: this.o.rebalance ?? false,
        ...(this.o.rebalanceIntervalMs ? { intervalMs: this.o.rebalanceIntervalMs } : {}), log: this.o.log ?? (() => undefined),
      });
      this.startPlacement();
    });
  }

  private follow(): void {
    this.termEpoch = null;
    this.rebalancer?.stop();
    this.rebalancer = null;
    this.liveness?.stop();
    this.liveness = null;
    this.stopPlacement();
    void this.migrations?.stop();
    this.migrations = null;
  }

  private startPlacement(): void {
    if (this.placement) return;
    const gather = fromPromise<PlacementWorld, void>(() => this.gatherBounded(async () => {
      const [nodes, regions, routes] = await Promise.all([
        this.availableDatanodes(true),
        catalogRegions(this.o.catalog),
        readRoutes(this.routesKv),
      ]);
      // A migrating region is the migration's to place: placement neither moves nor removes it.
      const busy = this.migrations?.busy() ?? new Set<string>();
      return {
        datanodes: nodes.map((n) => ({ id: n.id })),
        regions: regions.filter((r) => !busy.has(r)),
        routes: new Map([...routes].filter(([r]) => !busy.has(r)).map(([r, rec]) => [r, rec.node])),
      };
    }));
    const apply = fromPromise<void, RouteChanges>(async ({ input }) => {
      // Fencing: a leader that lost the lease since it planned writes nothing; the epoch orders terms.
      const epoch = this.elector?.revision;
      if (epoch === null || epoch === undefined) throw new MetaUnavailableError('no longer the meta leader');
      for (const m of input.set) {
        await this.routeWriter.write(m.region, { node: m.to, epoch, at: this.o.clock.now() });
        this.o.log?.(`placement: region ${m.region} -> ${m.to} (${m.reason}${m.from ? `, was ${m.from}` : ''})`);
        if (m.from) {
          await writeRegionEvent(this.proceduresKv, { time: this.o.clock.now(), regionId: m.region, from: m.from, to: m.to, reason: 'failover', durationMs: null })
            .catch((e) => this.o.log?.(`placement: recording the move of ${m.region} failed: ${(e as Error).message}`));
        }
      }
      for (const r of input.remove) await this.routeWriter.remove(r, epoch);
    });
    this.placement = createActor(placementMachine.provide({ actors: { gather, apply } }), {
      input: { intervalMs: this.o.placementIntervalMs, options: this.o.placement },
    }).start();
  }

  /**
   * A placement round's reads (KV listings), bounded: one that never ends would stop placement for good (a dead
   * datanode's regions never failing over); it fails the round instead, logged, and the next round runs.
   */
  private async gatherBounded<T>(read: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MetaUnavailableError(`placement: reading nodes, regions and routes took over ${PLACEMENT_GATHER_MS} ms`)), PLACEMENT_GATHER_MS);
    });
    try {
      return await Promise.race([read(), late]);
    } catch (e) {
      this.o.log?.(`placement: round failed: ${(e as Error).message}`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The datanodes placement may use: the failure detector decides for the nodes it tracks (a slow node is not
   * dropped, a killed one is within a second or two); the others by their heartbeat's age.
   */
  private async availableDatanodes(exceptDraining: boolean) {
    const draining = exceptDraining ? await drainingNodes(this.proceduresKv) : new Set<string>();
    const all = (await listNodes(this.nodesKv)).filter((n) => n.roles.includes(Roles.datanode) && !draining.has(n.id));
    const l = this.liveness;
    const fresh = new Set(liveNodes(all, this.o.clock.now()).map((n) => n.id));
    return all.filter((n) => (l && l.knows(n.id) ? !l.isDead(n.id) : fresh.has(n.id))).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private stopPlacement(): void {
    this.placement?.send({ type: PlacementEvents.stop });
    this.placement?.stop();
    this.placement = null;
  }

  /** Leaves the cluster cleanly: placement stops, the lease is released, the node record removed. */
  async stop(): Promise<void> {
    this.kicks?.unsubscribe();
    this.kicks = null;
    this.pings?.unsubscribe();
    this.follow();
    await this.elector?.resign();
    await this.registration?.stop(true);
  }
}
