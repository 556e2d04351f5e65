// A live copy of the region routes (eddy_routes), fed by a KV watch: what gateways cache and datanode supervisors follow.
import type { KV, KvEntry } from '@nats-io/kv';
import { KvKeys, routeKeyRegion } from '../../core/index.ts';
import { kvGet, kvKeys } from '../runtime/kv_keys.ts';
import type { RouteRecord } from './routes.ts';

const dec = new TextDecoder();

export interface RouteChange {
  regionId: string;
  /** The new route, or null when the route was removed. */
  route: RouteRecord | null;
}

/** Pure: what a datanode must open and close so that it runs exactly the regions routed to it. */
export function reconcile(routed: Iterable<string>, running: Iterable<string>): { open: string[]; close: string[] } {
  const want = new Set(routed);
  const have = new Set(running);
  return {
    open: [...want].filter((r) => !have.has(r)).sort(),
    close: [...have].filter((r) => !want.has(r)).sort(),
  };
}

export class RouteTable {
  private readonly routes = new Map<string, RouteRecord & { revision: number }>();
  private readonly listeners = new Set<(c: RouteChange) => void>();
  private watcher: { stop(): void } | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly kv: KV) {}

  /** Loads every route, then follows changes; resolves once the table is complete. */
  async start(): Promise<void> {
    for (const k of await kvKeys(this.kv, KvKeys.routeAll)) {
      const e = await kvGet(this.kv, k);
      if (e) this.apply(e);
    }
    // The watch also replays the last value of every key: apply() drops what is not newer.
    const w = await this.kv.watch({ key: KvKeys.routeAll });
    this.watcher = w;
    this.loop = (async () => {
      for await (const e of w) this.apply(e);
    })().catch(() => undefined);
  }

  private apply(e: KvEntry): void {
    const regionId = routeKeyRegion(e.key);
    if (regionId === null) return;
    const cur = this.routes.get(regionId);
    if (cur && e.revision <= cur.revision) return;
    if (e.operation !== 'PUT' || e.value.length === 0) {
      if (!cur) return;
      this.routes.delete(regionId);
      this.emit({ regionId, route: null });
      return;
    }
    let route: RouteRecord;
    try {
      route = JSON.parse(dec.decode(e.value)) as RouteRecord;
    } catch {
      return;
    }
    // A leader from an older term writing late must not undo the current term's decision.
    if (cur && route.epoch < cur.epoch) return;
    this.routes.set(regionId, { ...route, revision: e.revision });
    if (!cur || cur.node !== route.node) this.emit({ regionId, route });
  }

  private emit(c: RouteChange): void {
    for (const l of this.listeners) l(c);
  }

  /** Calls `fn` on every change of owner (and removal) from now on; returns an unsubscribe function. */
  onChange(fn: (c: RouteChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(regionId: string): RouteRecord | undefined {
    return this.routes.get(regionId);
  }

  /** Every route, by region id. */
  entries(): [string, RouteRecord][] {
    return [...this.routes].map(([id, { revision: _r, ...route }]) => [id, route]);
  }

  /** Region ids routed to a node. */
  ownedBy(nodeId: string): string[] {
    return [...this.routes].filter(([, r]) => r.node === nodeId).map(([id]) => id).sort();
  }

  get size(): number {
    return this.routes.size;
  }

  async stop(): Promise<void> {
    this.watcher?.stop();
    await this.loop;
  }
}
