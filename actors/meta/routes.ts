// Region routes in the eddy_routes KV bucket: `route.<regionId>` -> the datanode that hosts it, written by the meta leader.
import type { KV } from '@nats-io/kv';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Buckets, KvKeys, MetaUnavailableError, routeKeyRegion } from '../../core/index.ts';
import { kvGet, kvKeys } from '../runtime/kv_keys.ts';
import { isConflict } from './lease/host.ts';
import { jsCall } from '../runtime/js_call.ts';

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
    const e = await kvGet(kv, k);
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
  const e = await kvGet(kv, KvKeys.route(regionId));
  if (!e || e.operation !== 'PUT' || e.value.length === 0) return null;
  return JSON.parse(dec.decode(e.value)) as RouteRecord;
}

export async function writeRoute(kv: KV, regionId: string, route: RouteRecord): Promise<void> {
  await kv.put(KvKeys.route(regionId), enc.encode(JSON.stringify(route)));
}

export async function deleteRoute(kv: KV, regionId: string): Promise<void> {
  await kv.delete(KvKeys.route(regionId));
}

/** Tries of a fenced write whose bucket changed between the read and the write (other route writes of this term). */
const FENCED_TRIES = 50;

/**
 * The meta leader's writes to eddy_routes, fenced by its term: a leader whose lease expired (a paused process, a
 * partition) must not route regions after a newer leader took over. A term claims the bucket by writing
 * KvKeys.routesTerm with its epoch; every write reads the bucket's last sequence, then the term key, and is published
 * only if the bucket's last sequence is still the one read (`Nats-Expected-Last-Sequence`). So a write of an older
 * term either sees the newer claim (refused) or races it (its expected sequence is gone: read again, then refused).
 */
export class RouteWriter {
  private claimed: Promise<void> = Promise.resolve();

  constructor(private readonly js: JetStreamClient, private readonly kv: KV) {}

  /** Starts a term: later writes of any older epoch are refused. Writes of this writer wait for it. */
  claim(epoch: number): Promise<void> {
    this.claimed = this.fenced(epoch, KvKeys.routesTerm, enc.encode(JSON.stringify({ epoch })));
    return this.claimed;
  }

  async write(regionId: string, route: RouteRecord): Promise<void> {
    await this.claimed.catch(() => undefined);
    await this.fenced(route.epoch, KvKeys.route(regionId), enc.encode(JSON.stringify(route)));
  }

  async remove(regionId: string, epoch: number): Promise<void> {
    await this.claimed.catch(() => undefined);
    await this.fenced(epoch, KvKeys.route(regionId), null);
  }

  /** The epoch of the term that last claimed the bucket (0: none yet). */
  async term(): Promise<number> {
    const e = await kvGet(this.kv, KvKeys.routesTerm);
    if (!e || e.operation !== 'PUT' || e.value.length === 0) return 0;
    return Number((JSON.parse(dec.decode(e.value)) as { epoch: number }).epoch) || 0;
  }

  private async fenced(epoch: number, key: string, value: Uint8Array | null): Promise<void> {
    for (let i = 0; i < FENCED_TRIES; i++) {
      // Each call is bounded and made again while unanswered (js_call.ts), as every route write waits on the term's
      // claim. The compare-and-set publish too: one that did land meets its own sequence on the next try and is
      // written once more (the same value, harmless).
      const last = (await jsCall(() => this.kv.status(), { what: `reading the ${Buckets.routes} bucket`, safe: true })).streamInfo.state.last_seq;
      const term = await this.term();
      if (term > epoch) throw new MetaUnavailableError(`a newer meta leader (term ${term}) holds the routes: this node's term ${epoch} ended, ${key} not written`);
      const h = natsHeaders();
      if (value === null) h.set('KV-Operation', 'DEL');
      try {
        await jsCall(() => this.js.publish(`$KV.${Buckets.routes}.${key}`, value ?? new Uint8Array(0), { headers: h, expect: { lastSequence: last } }), { what: `writing ${key}`, safe: true });
        return;
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
    throw new MetaUnavailableError(`${key}: the routes bucket kept changing for ${FENCED_TRIES} tries`);
  }
}
