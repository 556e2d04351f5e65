// Node registration: each node heartbeats its record (roles, address, load) into the eddy_nodes KV bucket; readers list the live ones.
import type { KV } from '@nats-io/kv';
import { KvKeys, type Clock } from '../../core/index.ts';
import type { Role } from '../config.ts';
import { kvGet, kvKeys } from '../runtime/kv_keys.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface NodeLoad {
  /** Regions this node hosts. */
  regions: number;
  /** Rows written per second, over the last heartbeat interval. */
  rowsPerSec: number;
  /** Resident set size in bytes. */
  memoryBytes: number;
  /** Per region hosted: rows written and scans served per second, bytes held (the rebalancer's input). */
  regionLoads?: Record<string, RegionLoad>;
}

export interface RegionLoad { rowsPerSec: number; scansPerSec: number; bytes: number }

export interface NodeRecord {
  id: string;
  roles: Role[];
  /** HTTP address the node serves (frontends), host:port. */
  http?: string;
  startedAt: number;
  /** When this record was written, by the node's clock (ms). */
  heartbeatAt: number;
  /** The node's heartbeat period: a record older than LIVE_INTERVALS of these is dead. */
  intervalMs: number;
  load: NodeLoad;
}

/** A node is live while its last heartbeat is at most this many intervals old, and at least LIVE_FLOOR_MS. */
export const LIVE_INTERVALS = 3;
/** Short heartbeats feed the failure detector; views and checks by age alone keep a loaded machine's pauses in mind. */
export const LIVE_FLOOR_MS = 6_000;

/** Pure: the records whose heartbeat is recent enough at `now`, sorted by id. */
export function liveNodes(records: readonly NodeRecord[], now: number): NodeRecord[] {
  return records.filter((r) => now - r.heartbeatAt <= Math.max(LIVE_INTERVALS * r.intervalMs, LIVE_FLOOR_MS)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every node record in the bucket, live or not. */
export async function listNodes(kv: KV): Promise<NodeRecord[]> {
  const out: NodeRecord[] = [];
  // A key updated while the listing runs (a heartbeat) can be listed twice.
  const keys = new Set<string>();
  for (const k of await kvKeys(kv, KvKeys.nodeAll)) keys.add(k);
  for (const k of keys) {
    const e = await kvGet(kv, k);
    if (!e || e.operation !== 'PUT' || e.value.length === 0) continue;
    try {
      out.push(JSON.parse(dec.decode(e.value)) as NodeRecord);
    } catch {
      /* a record we cannot read is not a node we can use */
    }
  }
  return out;
}

export async function listLiveNodes(kv: KV, clock: Clock, role?: Role): Promise<NodeRecord[]> {
  const live = liveNodes(await listNodes(kv), clock.now());
  return role ? live.filter((n) => n.roles.includes(role)) : live;
}

/** What a node reports about itself each beat; rows is a running total, turned into a rate here. */
export interface LoadSample {
  regions: number;
  rowsTotal: number;
  memoryBytes: number;
  /** Running totals per region hosted (rows written, scans served) and bytes held. */
  regionTotals?: Record<string, { rows: number; scans: number; bytes: number }>;
}

export interface RegistrationOptions {
  kv: KV;
  id: string;
  roles: Role[];
  http?: string;
  clock: Clock;
  intervalMs: number;
  sample: () => LoadSample;
  log?: (m: string) => void;
}

/** Keeps this node's record fresh; stop() removes it so the cluster sees a clean leave at once. */
/** A heartbeat put unanswered for this many intervals no longer holds back the next one. */
const STALLED_BEAT_INTERVALS = 3;

export class NodeRegistration {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;
  private last: { at: number; rows: number; regions: Record<string, { rows: number; scans: number }> } | null = null;
  private beating: Promise<void> | null = null;
  private beatStarted = 0;
  private failures = 0;

  constructor(private readonly o: RegistrationOptions) {
    this.startedAt = o.clock.now();
  }

  /** Writes the first record (so the node is listed before start() returns), then beats every interval. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      // A put whose answer never comes (the bucket's stream leader went with it in flight) would hold every later beat
      // for the connection's request timeout, and the meta leader would take this node for dead: beat again past it.
      const now = this.o.clock.now();
      if (this.beating && now - this.beatStarted < STALLED_BEAT_INTERVALS * this.o.intervalMs) return;
      this.beatStarted = now;
      const b: Promise<void> = this.beat().finally(() => { if (this.beating === b) this.beating = null; });
      this.beating = b;
    }, this.o.intervalMs);
    this.timer.unref();
  }

  record(): NodeRecord {
    const now = this.o.clock.now();
    const s = this.o.sample();
    const dt = this.last && now > this.last.at ? now - this.last.at : 0;
    const rate = (cur: number, prev: number | undefined) => (dt > 0 && prev !== undefined ? Math.max(0, ((cur - prev) * 1000) / dt) : 0);
    const rowsPerSec = rate(s.rowsTotal, this.last?.rows);
    let regionLoads: Record<string, RegionLoad> | undefined;
    if (s.regionTotals) {
      regionLoads = {};
      for (const [id, t] of Object.entries(s.regionTotals)) {
        const p = this.last?.regions[id];
        regionLoads[id] = { rowsPerSec: Math.round(rate(t.rows, p?.rows)), scansPerSec: Math.round(rate(t.scans, p?.scans) * 100) / 100, bytes: t.bytes };
      }
    }
    this.last = { at: now, rows: s.rowsTotal, regions: s.regionTotals ?? {} };
    return {
      id: this.o.id, roles: this.o.roles, ...(this.o.http ? { http: this.o.http } : {}),
      startedAt: this.startedAt, heartbeatAt: now, intervalMs: this.o.intervalMs,
      load: { regions: s.regions, rowsPerSec: Math.round(rowsPerSec), memoryBytes: s.memoryBytes, ...(regionLoads ? { regionLoads } : {}) },
    };
  }

  private async beat(): Promise<void> {
    try {
      await this.o.kv.put(KvKeys.node(this.o.id), enc.encode(JSON.stringify(this.record())));
      if (this.failures > 0) this.o.log?.(`registry: heartbeat restored after ${this.failures} failures`);
      this.failures = 0;
    } catch (e) {
      if (this.failures++ === 0) this.o.log?.(`registry: heartbeat failed: ${(e as Error).message}`);
    }
  }

  async stop(deregister = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    if (deregister) await this.o.kv.delete(KvKeys.node(this.o.id)).catch(() => undefined);
  }
}
