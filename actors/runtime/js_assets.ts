// Creates EddyDB's JetStream streams, KV buckets and object store before anything uses them, surviving creation races.
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { Buckets, StartupError } from '../../core/index.ts';
import { ensureWalStream } from './wal.ts';
import { ensureIngestStream } from '../gateway/nats_ingest.ts';
import { INTEREST_TTL_MS } from './interest.ts';

/** Per attempt: a create that loses a race can hang until its request times out. */
const ATTEMPT_MS = 5_000;
const ATTEMPTS = 6;

const isTimeout = (e: unknown): boolean => /timeout|timed out/i.test(String((e as Error)?.message ?? e));

/**
 * Every stream and bucket with `replicas` replicas. On a clustered JetStream, nodes starting together create the
 * same replicated stream at once, and a create that lost the race may get no answer at all (seen with R3 on a
 * 3-server cluster: the loser waits out its whole request timeout). So each create gets a short timeout and is
 * retried; the retry finds the stream made and returns at once. Later `create` calls elsewhere then only open.
 */
export async function ensureJetStreamAssets(nc: NatsConnection, opts: { replicas: number; segments: boolean; cluster: boolean }): Promise<void> {
  const js = jetstream(nc, { timeout: ATTEMPT_MS });
  const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: ATTEMPT_MS });
  const kvm = new Kvm(js);
  const r = opts.replicas;
  // A direct get may answer from a follower that has not caught up: replicated buckets read through their leader.
  const kv = { history: 1, replicas: r, allow_direct: r === 1 };
  const steps: [string, () => Promise<unknown>][] = [
    ['WAL stream', () => ensureWalStream(jsm, r)],
    ['ingest stream', () => ensureIngestStream(jsm, r)],
    [`KV ${Buckets.catalog}`, () => kvm.create(Buckets.catalog, kv)],
    [`KV ${Buckets.flowState}`, () => kvm.create(Buckets.flowState, kv)],
    [`KV ${Buckets.interest}`, () => kvm.create(Buckets.interest, { ...kv, ttl: INTEREST_TTL_MS })],
  ];
  // Node records and routes exist only in a cluster.
  if (opts.cluster) steps.push([`KV ${Buckets.nodes}`, () => kvm.create(Buckets.nodes, kv)], [`KV ${Buckets.routes}`, () => kvm.create(Buckets.routes, kv)]);
  if (opts.segments) steps.push([`object store ${Buckets.segments}`, () => new Objm(js).create(Buckets.segments, { replicas: r })]);
  for (const [what, create] of steps) {
    for (let attempt = 1; ; attempt++) {
      try {
        await create();
        break;
      } catch (e) {
        if (!isTimeout(e) || attempt >= ATTEMPTS) throw new StartupError(`cannot create JetStream ${what} (${r} replicas): ${(e as Error).message}`, e);
      }
    }
  }
}
