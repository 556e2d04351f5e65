// Procedure records and region events in the eddy_procedures bucket: the meta leader writes them, every frontend reads them.
import type { KV } from '@nats-io/kv';
import { KvKeys, type ProcedureInfo, type ProcedureStateJson, type RegionEventInfo } from '../../core/index.ts';
import { peerIdOf } from './peers.ts';
import { kvGet, kvKeys } from '../runtime/kv_keys.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface ProcedureRecord {
  id: string;
  type: 'migrate_region';
  regionId: string;
  from: string;
  to: string;
  /** admin | rebalance | drain */
  reason: string;
  /** The machine state, and GreptimeDB's status of it. */
  state: string;
  status: ProcedureStateJson['status'];
  startedAt: number;
  endedAt: number | null;
  error: string | null;
  steps: { state: string; at: number; ms: number }[];
  /** The Migration actor's persisted snapshot: a new meta leader restores it and resumes. */
  snapshot: unknown;
}

/** A region moved without a procedure (its node died and placement reopened it elsewhere). */
export interface RegionEventRecord {
  time: number;
  regionId: string;
  from: string | null;
  to: string;
  reason: string;
  durationMs: number | null;
}

async function listJson<T>(kv: KV, filter: string): Promise<T[]> {
  const keys = new Set<string>();
  for (const k of await kvKeys(kv, filter)) keys.add(k);
  const out: T[] = [];
  for (const k of keys) {
    const e = await kvGet(kv, k);
    if (!e || e.operation !== 'PUT' || e.value.length === 0) continue;
    try {
      out.push(JSON.parse(dec.decode(e.value)) as T);
    } catch {
      /* unreadable: skipped */
    }
  }
  return out;
}

export const listProcedures = (kv: KV) => listJson<ProcedureRecord>(kv, KvKeys.procedureAll);
export const listRegionEvents = (kv: KV) => listJson<RegionEventRecord>(kv, KvKeys.regionEventAll);

export async function readProcedure(kv: KV, id: string): Promise<ProcedureRecord | null> {
  return (await readProcedureEntry(kv, id))?.record ?? null;
}

/** A procedure record and its KV revision (what a compare-and-set write of it expects). */
export async function readProcedureEntry(kv: KV, id: string): Promise<{ record: ProcedureRecord; revision: number } | null> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
  const e = await kvGet(kv, KvKeys.procedure(id));
  if (!e || e.operation !== 'PUT' || e.value.length === 0) return null;
  return { record: JSON.parse(dec.decode(e.value)) as ProcedureRecord, revision: e.revision };
}

/**
 * Writes a procedure record only if its key is still at `revision` (null: only if it does not exist yet), so that two
 * meta leaders never both write one migration: the one whose revision is behind gets a conflict (lease/host.ts
 * `isConflict`). Answers the new revision.
 */
export function writeProcedure(kv: KV, r: ProcedureRecord, revision: number | null): Promise<number> {
  const v = enc.encode(JSON.stringify(r));
  return revision === null ? kv.create(KvKeys.procedure(r.id), v) : kv.update(KvKeys.procedure(r.id), v, revision);
}

let eventSeq = 0;
export async function writeRegionEvent(kv: KV, e: RegionEventRecord): Promise<void> {
  const id = `${String(e.time).padStart(15, '0')}-${process.pid}-${eventSeq++}`;
  await kv.put(KvKeys.regionEvent(id), enc.encode(JSON.stringify(e)));
}

/** Pure: GreptimeDB's procedure_state JSON of a record. */
export function procedureStateOf(r: ProcedureRecord): ProcedureStateJson {
  return r.status === 'Failed' ? { status: 'Failed', error: r.error ?? 'unknown error' } : { status: r.status };
}

/** Pure: a record as information_schema.procedure_info shows it. */
export function procedureInfoOf(r: ProcedureRecord): ProcedureInfo {
  return {
    id: r.id, type: 'RegionMigrationProcedure', startTime: r.startedAt, endTime: r.endedAt, status: r.status,
    lockKeys: [`region/${r.regionId}`], state: r.state, error: r.error,
    steps: r.steps.map((s) => `${s.state} ${Math.round(s.ms)}ms`).join(', '),
  };
}

/** Pure: information_schema.region_events from the migrations and the other region moves. */
export function regionEventsOf(procs: readonly ProcedureRecord[], events: readonly RegionEventRecord[]): RegionEventInfo[] {
  return [
    ...procs.map((p) => ({
      time: p.startedAt, regionId: p.regionId, fromPeer: peerIdOf(p.from), toPeer: peerIdOf(p.to), reason: p.reason,
      durationMs: p.endedAt === null ? null : p.endedAt - p.startedAt, status: p.status, procedureId: p.id,
    })),
    ...events.map((e) => ({
      time: e.time, regionId: e.regionId, fromPeer: e.from === null ? null : peerIdOf(e.from), toPeer: peerIdOf(e.to), reason: e.reason,
      durationMs: e.durationMs, status: 'Done', procedureId: null,
    })),
  ].sort((a, b) => a.time - b.time);
}
