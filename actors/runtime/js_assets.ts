// Creates EddyDB's JetStream streams, KV buckets and object store before anything uses them, surviving creation races.
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { Buckets, StartupError, Streams, Subjects } from '../../core/index.ts';
import { ensureWalStream } from './wal.ts';
import { ensureIngestStream } from '../gateway/nats_ingest.ts';
import { INTEREST_TTL_MS } from './interest.ts';
import { READ_TIMEOUT_MS, jsCall } from './js_call.ts';

/** A start-up create keeps trying this long (a replicated stream's group elects its leader meanwhile). */
const CREATE_BUDGET_MS = 30_000;

/**
 * A create-or-open of a stream, bucket or consumer, made again while unanswered: on a clustered JetStream nodes
 * starting together create the same replicated stream at once, and the loser of that race, like any request to a
 * stream whose new group has no leader yet, gets no answer at all (js_call.ts). A create made again finds the
 * stream made and returns at once.
 */
export function ensureAsset<T>(what: string, create: () => Promise<T>, onRetry?: (e: unknown) => void): Promise<T> {
  return jsCall(create, { what: `creating ${what}`, safe: true, budgetMs: CREATE_BUDGET_MS, ...(onRetry ? { onRetry } : {}) });
}

/**
 * Every stream and bucket a node uses, with `replicas` replicas, made before anything uses them; later `create`
 * calls elsewhere then only open. Answers whether region WALs are one stream per region (wal_streams.ts) or the one
 * EDDY_WAL of design.md's subject contract. What the cluster already has wins over `perRegionWal` (`--wal-streams`):
 * EDDY_WAL present (its subjects would overlap a region's stream, and its records are still to be replayed) means
 * shared; a per-region stream present means per region, so nodes started with different flags still agree.
 */
export async function ensureJetStreamAssets(nc: NatsConnection, opts: { replicas: number; segments: boolean; cluster: boolean; perRegionWal?: boolean }): Promise<{ perRegionWal: boolean }> {
  const js = jetstream(nc, { timeout: READ_TIMEOUT_MS });
  const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: READ_TIMEOUT_MS });
  const kvm = new Kvm(js);
  const r = opts.replicas;
  // A direct get may answer from a follower that has not caught up: replicated buckets read through their leader.
  const kv = { history: 1, replicas: r, allow_direct: r === 1 };
  const hasShared = async (): Promise<boolean> => ensureAsset(`JetStream WAL stream lookup`, () => jsm.streams.info(Streams.wal).then(() => true, (e: unknown) => {
    if (/not found|10059/i.test(String((e as Error)?.message ?? e))) return false;
    throw e;
  }));
  const hasPerRegion = async (): Promise<boolean> => ensureAsset(`JetStream WAL streams lookup`, async () => {
    for await (const name of jsm.streams.names(Subjects.walAll)) if (name.startsWith(Streams.walOf(''))) return true;
    return false;
  });
  const perRegionWal = opts.cluster && !(await hasShared()) && (opts.perRegionWal === true || (await hasPerRegion()));
  const steps: [string, () => Promise<unknown>][] = [
    ...(perRegionWal ? [] : [['WAL stream', () => ensureWalStream(jsm, r)] as [string, () => Promise<unknown>]]),
    ['ingest stream', () => ensureIngestStream(jsm, r)],
    [`KV ${Buckets.catalog}`, () => kvm.create(Buckets.catalog, kv)],
    [`KV ${Buckets.flowState}`, () => kvm.create(Buckets.flowState, kv)],
    [`KV ${Buckets.interest}`, () => kvm.create(Buckets.interest, { ...kv, ttl: INTEREST_TTL_MS })],
  ];
  // Node records, routes and procedures exist only in a cluster.
  if (opts.cluster) {
    for (const b of [Buckets.nodes, Buckets.routes, Buckets.procedures]) steps.push([`KV ${b}`, () => kvm.create(b, kv)]);
  }
  if (opts.segments) steps.push([`object store ${Buckets.segments}`, () => new Objm(js).create(Buckets.segments, { replicas: r })]);
  for (const [what, create] of steps) {
    try {
      await ensureAsset(`JetStream ${what} (${r} replicas)`, create);
    } catch (e) {
      throw new StartupError(`cannot create JetStream ${what} (${r} replicas): ${(e as Error).message}`, e);
    }
  }
  return { perRegionWal };
}
