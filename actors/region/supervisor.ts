// The datanode supervisor: spawns, finds and stops the Region actors hosted by this node; in a cluster, the ones the routes assign to it.
import { join } from 'node:path';
import type { Msg, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  EddyError, StatusCode, Subjects, RegionControlOps, regionIdOf, regionSchema, toWireError, type TableSchema,
} from '../../core/index.ts';
import { RegionHost, type RegionHostDeps } from './host.ts';
import { followDecisions } from './follow.ts';
import type { RouteTable } from '../meta/index.ts';

export type RegionHostFactory = Omit<RegionHostDeps, 'dir' | 'schema' | 'regionId'> & { dataDir: string };

export interface FollowOptions {
  routes: RouteTable;
  nodeId: string;
  /** The current schema of the table a region belongs to; null when the table no longer exists. */
  schemaOf: (regionId: string) => Promise<TableSchema | null>;
  /** Retry a region that failed to open after this long. */
  retryMs?: number;
}

export class Supervisor {
  private readonly regions = new Map<string, RegionHost>();
  private readonly opening = new Map<string, Promise<RegionHost>>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly controls = new Map<string, Subscription>();
  /** Regions of dropped tables: never reopened by following the routes. */
  private readonly dropped = new Set<string>();
  private follow: (FollowOptions & { off: () => void; timer: NodeJS.Timeout | null }) | null = null;
  private reconciling: Promise<void> | null = null;
  private again = false;
  /** Migration candidates opened here: replayed, not serving, until upgraded or dropped. */
  readonly candidates = new Map<string, RegionHost>();
  /** Candidates upgraded here whose route does not name this node yet: following the routes must not close them. */
  private readonly arriving = new Set<string>();
  /**
   * Regions a newer leader fenced here, with the route they had then: not reopened until that route changes (this
   * node's copy of the routes may lag the one that sent the region elsewhere; reopening would fence the new leader).
   */
  private readonly fencedAt = new Map<string, string>();

  /** `refuse`: why this node hosts no regions (a cluster node without the datanode role); region() then fails with it. */
  constructor(private readonly base: RegionHostFactory, private readonly opts: { refuse?: string } = {}) {}

  regionDir(regionId: string): string {
    return join(this.base.dataDir, 'regions', regionId);
  }

  /** The running region for partition `n` of a table, opened (with WAL replay) on first use. Standalone only: a cluster datanode opens what the routes say. */
  async region(table: TableSchema, n = 0): Promise<RegionHost> {
    // a physical metric table's regions also hold __table_id and its logical tables' tags
    const schema = regionSchema(table);
    const id = regionIdOf(schema.id, n);
    if (this.opts.refuse) {
      throw new EddyError(StatusCode.StorageUnavailable, `region ${id} of ${schema.db}.${schema.name} is not hosted here: ${this.opts.refuse}; send writes and queries to a datanode`);
    }
    const hit = this.regions.get(id);
    if (hit) {
      hit.ensureSchema(schema);
      return hit;
    }
    const host = await this.open(id, schema);
    host.ensureSchema(schema);
    return host;
  }

  private open(id: string, table: TableSchema): Promise<RegionHost> {
    const schema = regionSchema(table);
    let p = this.opening.get(id);
    if (!p) {
      p = (async () => {
        const host = new RegionHost({ ...this.base, dir: this.regionDir(id), schema, regionId: id, ...this.fencing() });
        await host.start();
        this.regions.set(id, host);
        if (this.follow) this.listenControl(id, host);
        return host;
      })();
      this.opening.set(id, p);
      p.finally(() => this.opening.delete(id)).catch(() => undefined);
    }
    return p;
  }

  /** A cluster datanode's regions lead in fenced terms (standalone: one node, nothing to fence). */
  private fencing(): { fencing: boolean; onFenced?: (id: string) => void } {
    return this.follow ? { fencing: true, onFenced: (id) => this.onFenced(id) } : { fencing: false };
  }

  private routeMark(id: string): string {
    const r = this.follow?.routes.get(id);
    return r ? `${r.node}/${r.epoch}/${r.at}` : '-';
  }

  /** A newer leader took region `id` over: it closes here without flushing (its files are the new leader's now). */
  private onFenced(id: string): void {
    const host = this.regions.get(id);
    if (!host || !host.isFenced) return;
    this.fencedAt.set(id, this.routeMark(id));
    this.regions.delete(id);
    this.controls.get(id)?.unsubscribe();
    this.controls.delete(id);
    const p = host.close({ flush: false })
      .then(() => this.base.log(`supervisor: region ${id} closed (fenced by a newer leader)`))
      .catch((e) => this.base.log(`supervisor: closing fenced region ${id} failed: ${(e as Error).message}`))
      .finally(() => {
        this.closing.delete(id);
        this.reconcile();
      });
    this.closing.set(id, p);
  }

  /** The region open here, serving or (migration) downgraded and retired. */
  hosted(regionId: string): RegionHost | undefined {
    return this.regions.get(regionId);
  }

  /** The region serving here, if any (a migrated-away leader that stopped answering is not). */
  local(regionId: string): RegionHost | undefined {
    const h = this.regions.get(regionId);
    return h && !h.retired ? h : undefined;
  }

  all(): RegionHost[] {
    return [...this.regions.values()];
  }

  /** Stops and deletes every region of a dropped table (standalone). */
  async dropTable(schema: TableSchema): Promise<void> {
    for (let n = 0; n < schema.regions; n++) {
      const id = regionIdOf(schema.id, n);
      const host = this.regions.get(id) ?? (await this.region(schema, n));
      this.regions.delete(id);
      await host.destroy();
    }
  }

  /** Deletes one region hosted here (its table was dropped); it is not reopened even while its route lingers. */
  async dropRegion(id: string): Promise<void> {
    this.dropped.add(id);
    const host = this.regions.get(id) ?? (await this.opening.get(id)?.catch(() => undefined));
    if (!host) return;
    this.regions.delete(id);
    this.controls.get(id)?.unsubscribe();
    this.controls.delete(id);
    await host.destroy();
  }

  /**
   * Cluster datanode: from now on run exactly the regions routed to this node. Each route change (and each open or
   * close that finishes) triggers a reconcile: regions routed here are opened, regions routed away are flushed and closed.
   */
  startFollowing(o: FollowOptions): void {
    const off = o.routes.onChange(() => this.reconcile());
    this.follow = { ...o, off, timer: null };
    for (const [id, host] of this.regions) this.listenControl(id, host);
    this.reconcile();
  }

  /** Stops following the routes (the regions stay open until closeAll). */
  async stopFollowing(): Promise<void> {
    const f = this.follow;
    if (!f) return;
    f.off();
    if (f.timer) clearTimeout(f.timer);
    this.follow = null;
    await this.reconciling;
  }

  private reconcile(): void {
    if (this.reconciling) {
      this.again = true;
      return;
    }
    this.reconciling = this.reconcileOnce()
      .catch((e) => this.base.log(`supervisor: reconcile failed: ${(e as Error).message}`))
      .finally(() => {
        this.reconciling = null;
        if (this.again && this.follow) {
          this.again = false;
          this.reconcile();
        }
      });
  }

  private async reconcileOnce(): Promise<void> {
    const f = this.follow;
    if (!f) return;
    const routed = f.routes.ownedBy(f.nodeId);
    for (const id of routed) this.arriving.delete(id);
    for (const [id, mark] of this.fencedAt) if (this.routeMark(id) !== mark) this.fencedAt.delete(id);
    const d = followDecisions({
      routed: [...routed, ...this.arriving],
      running: [...this.regions.keys()],
      opening: [...this.opening.keys(), ...this.candidates.keys()],
      closing: [...this.closing.keys(), ...this.fencedAt.keys()],
      dropped: this.dropped,
    });
    for (const id of d.close) this.closeRegion(id);
    for (const id of d.open) {
      const schema = await f.schemaOf(id);
      if (!schema) {
        this.base.log(`supervisor: region ${id} is routed here but its table no longer exists`);
        continue;
      }
      this.open(id, schema).then(
        () => this.base.log(`supervisor: region ${id} (${schema.db}.${schema.name}) open`),
        (e) => {
          this.base.log(`supervisor: region ${id} failed to open: ${(e as Error).message}; retrying`);
          if (this.follow && !this.follow.timer) {
            this.follow.timer = setTimeout(() => {
              if (this.follow) this.follow.timer = null;
              this.reconcile();
            }, this.follow.retryMs ?? 2_000);
            this.follow.timer.unref();
          }
        },
      ).finally(() => this.reconcile());
    }
  }

  /** Closes a region routed away: it stops answering (callers go to the new owner), flushes, and closes. */
  private closeRegion(id: string): void {
    const host = this.regions.get(id);
    if (!host || this.closing.has(id)) return;
    this.regions.delete(id);
    this.controls.get(id)?.unsubscribe();
    this.controls.delete(id);
    const p = host.close({ flush: true })
      .then(() => this.base.log(`supervisor: region ${id} closed (routed away)`))
      .catch((e) => this.base.log(`supervisor: closing region ${id} failed: ${(e as Error).message}`))
      .finally(() => {
        this.closing.delete(id);
        this.reconcile();
      });
    this.closing.set(id, p);
  }

  /** Migration: opens region `id` here as a candidate (idempotent); its last applied WAL sequence. */
  async openCandidate(id: string): Promise<number> {
    const running = this.regions.get(id);
    if (running) return running.lastSeq;
    let host = this.candidates.get(id);
    if (!host) {
      const schema = this.follow ? await this.follow.schemaOf(id) : null;
      if (!schema) throw new EddyError(StatusCode.RegionNotFound, `region ${id}: its table no longer exists`);
      if (this.closing.has(id)) await this.closing.get(id);
      host = new RegionHost({ ...this.base, dir: this.regionDir(id), schema: regionSchema(schema), regionId: id, candidate: true, ...this.fencing() });
      this.candidates.set(id, host);
      try {
        await host.start();
      } catch (e) {
        this.candidates.delete(id);
        throw e;
      }
      this.base.log(`supervisor: region ${id} open as a migration candidate`);
    }
    return host.catchUp();
  }

  /** Migration: the candidate catches up with the WAL, becomes the writer and is served here before its route says so. */
  async upgradeCandidate(id: string): Promise<number> {
    const running = this.regions.get(id);
    if (running) return running.lastSeq;
    const host = this.candidates.get(id);
    if (!host) throw new EddyError(StatusCode.RegionNotFound, `region ${id} has no migration candidate on this node`);
    const seq = await host.upgrade();
    this.candidates.delete(id);
    this.regions.set(id, host);
    this.arriving.add(id);
    if (this.follow) this.listenControl(id, host);
    return seq;
  }

  /** Migration rolled back: the candidate (or a region upgraded here whose route never came) closes without flushing. */
  async dropCandidate(id: string): Promise<void> {
    const cand = this.candidates.get(id);
    this.candidates.delete(id);
    // A candidate still opening closes once open; the rollback does not wait for it (it serves nothing meanwhile).
    if (cand) {
      const closed = cand.close({ flush: false }).catch((e) => this.base.log(`supervisor: closing candidate ${id} failed: ${(e as Error).message}`));
      if (cand.state === 'candidate') await closed;
    }
    if (this.arriving.delete(id)) {
      const host = this.regions.get(id);
      this.regions.delete(id);
      this.controls.get(id)?.unsubscribe();
      this.controls.delete(id);
      await host?.close({ flush: false });
    }
  }

  /** Migration finished, old leader: the downgraded region closes without flushing (the new leader has every row). */
  async closeMoved(id: string): Promise<void> {
    const host = this.regions.get(id);
    if (host) {
      this.regions.delete(id);
      this.controls.get(id)?.unsubscribe();
      this.controls.delete(id);
      const p = host.close({ flush: false }).finally(() => this.closing.delete(id));
      this.closing.set(id, p);
    }
    await this.closing.get(id);
  }

  /** Answers eddy.meta.region.<id>.* for a region hosted here: schema changes, truncate, drop. */
  private listenControl(id: string, host: RegionHost): void {
    if (this.controls.has(id)) return;
    const sub = this.base.nc.subscribe(Subjects.regionControlAll(id), {
      callback: (err, msg) => {
        if (!err) void this.onControl(id, host, msg);
      },
    });
    this.controls.set(id, sub);
  }

  private async onControl(id: string, host: RegionHost, msg: Msg): Promise<void> {
    const op = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    try {
      switch (op) {
        case RegionControlOps.schema:
          host.ensureSchema(JSON.parse(new TextDecoder().decode(msg.data)) as TableSchema);
          break;
        case RegionControlOps.truncate:
          await host.truncate();
          break;
        case RegionControlOps.drop:
          await this.dropRegion(id);
          break;
        default:
          throw new EddyError(StatusCode.Unsupported, `unknown region control operation '${op}'`);
      }
      msg.respond(JSON.stringify({ ok: true }));
    } catch (e) {
      const h = natsHeaders();
      h.set('Eddy-Error', '1');
      msg.respond(JSON.stringify({ ok: false, error: toWireError(e) }), { headers: h });
    }
  }

  async closeAll(flush: boolean): Promise<void> {
    await this.stopFollowing();
    const candidates = [...this.candidates.values()];
    this.candidates.clear();
    await Promise.all(candidates.map((c) => c.close({ flush: false })));
    for (const s of this.controls.values()) s.unsubscribe();
    this.controls.clear();
    const opening = await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
    const hosts = [...new Set([...this.regions.values(), ...opening.filter((h): h is RegionHost => h !== undefined)])];
    this.regions.clear();
    await Promise.all([...hosts.map((h) => h.close({ flush })), ...this.closing.values()]);
  }
}
