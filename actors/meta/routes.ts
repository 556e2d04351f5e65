// Region routes in the eddy_routes KV bucket: `route.<regionId>` -> the datanode that hosts it, written by the meta leader.
import type { KV } from '@nats-io/kv';
import { KvKeys, routeKeyRegion } from '../../core/index.ts';
import { kvKeys } from '../runtime/kv_keys.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface RouteRecord {
  /** The datanode that hosts the region. */
  node: string;
  /** The meta leader's lease revision when it wrote this route: a newer term always has a larger one. */
  epoch: number;
  /** When it was written, by the leader's clock (ms); informational. */
  at: number;
}

/** Every route in the bucket, by region id. */
export async function readRoutes(kv: KV): Promise<Map<string, RouteRecord>> {
  const out = new Map<string, RouteRecord>();
  for (const k of await kvKeys(kv, KvKeys.routeAll)) {
    const region = routeKeyRegion(k);
    if (region === null) continue;
    const e = await kv.get(k);
    if (!e || e.operation !== 'PUT' || e.value.length === 0) continue;
    try {
      out.set(region, JSON.parse(dec.decode(e.value)) as RouteRecord);
    } catch {
      /* unreadable: treated as no route, so the leader rewrites it */
    }
  }
  return out;
}

export async function readRoute(kv: KV, regionId: string): Promise<RouteRecord | null> {
  const e = await kv.get(KvKeys.route(regionId));
  if (!e || e.operation !== 'PUT' || e.value.length === 0) return null;
  return JSON.parse(dec.decode(e.value)) as RouteRecord;
}

export async function writeRoute(kv: KV, regionId: string, route: RouteRecord): Promise<void> {
  await kv.put(KvKeys.route(regionId), enc.encode(JSON.stringify(route)));
}

export async function deleteRoute(kv: KV, regionId: string): Promise<void> {
  await kv.delete(KvKeys.route(regionId));
}
