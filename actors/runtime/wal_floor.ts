// The WAL floor a region may not purge past: the lowest sequence some reader (a flow) has not checkpointed.
// Readers write `floor.<region>.<db>.<flow>` keys in the flow-state KV bucket; the region reads them here,
// so datanode code depends on this shared runtime module and not on flownode code.
import type { JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, KvKeys } from '../../core/subjects.ts';
import { kvKeys } from './kv_keys.ts';

const dec = new TextDecoder();

const floorKvs = new WeakMap<JetStreamClient, Promise<KV | null>>();

/**
 * The lowest WAL sequence of a region that some flow has not checkpointed past (null: no flow reads the region).
 * The region purges its WAL no further than this after a flush.
 */
export async function walFloor(js: JetStreamClient, regionId: string): Promise<number | null> {
  let kvp = floorKvs.get(js);
  if (!kvp) {
    kvp = new Kvm(js).open(Buckets.flowState).then((kv) => kv, () => null);
    floorKvs.set(js, kvp);
  }
  const kv = await kvp;
  if (!kv) return null;
  let min: number | null = null;
  try {
    for (const k of await kvKeys(kv, KvKeys.flowFloorsOf(regionId))) {
      const e = await kv.get(k);
      if (!e || e.operation !== 'PUT' || e.value.length === 0) continue;
      const n = Number(dec.decode(e.value));
      if (Number.isFinite(n)) min = min === null ? n : Math.min(min, n);
    }
  } catch {
    return null;
  }
  return min;
}
