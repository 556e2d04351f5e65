// Cluster benchmark, part three: what an idempotency key costs a cluster write. Every cluster write's WAL append
// carries `Nats-Msg-Id`, and nats-server keeps each id for the WAL's duplicate window (10 minutes). Measured on the
// cluster's own nats-servers: the same records appended to two fresh streams configured as the WAL is, pipelined,
// without and with a message id, alternating rounds; appends/s, and the stream leader's memory after each.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { WAL_DEDUP_WINDOW_NS } from '../../actors/runtime/wal.ts';
import { httpRequest, median } from './util.ts';

export interface KeysTarget {
  ncs: NatsConnection[];
  /** Each nats-server's monitor port. */
  monitors: number[];
}

export interface KeysFigures {
  appends: number;
  recordBytes: number;
  plainPerSec: number;
  keyedPerSec: number;
  /** Memory (RSS) the stream's leader server grew by, per 1,000 appends kept. */
  plainKiBPerK: number;
  keyedKiBPerK: number;
}

async function serverMem(port: number): Promise<number> {
  const r = await httpRequest('GET', `http://127.0.0.1:${port}/varz`, undefined, {}, 10_000);
  return Number((JSON.parse(r.body.toString('utf8')) as { mem: number }).mem);
}

export async function keyCost(t: KeysTarget, appends = 20_000, recordBytes = 600, inflight = 64, rounds = 4): Promise<KeysFigures> {
  const nc = t.ncs[0]!;
  const js = jetstream(nc, { timeout: 30_000 });
  const jsm = await jetstreamManager(nc);
  const record = new Uint8Array(recordBytes).fill(7);
  const rates: Record<'plain' | 'keyed', number[]> = { plain: [], keyed: [] };
  const mem: Record<'plain' | 'keyed', number[]> = { plain: [], keyed: [] };
  for (let r = 0; r < rounds; r++) {
    // Alternating which goes first: the second stream of a round runs on a warmer server.
    for (const kind of r % 2 === 0 ? (['plain', 'keyed'] as const) : (['keyed', 'plain'] as const)) {
      const name = `BENCH_KEYS_${kind}_${r}`;
      const info = await jsm.streams.add({ name, subjects: [`bench.keys.${kind}.${r}`], num_replicas: 1, duplicate_window: WAL_DEDUP_WINDOW_NS });
      const leader = info.cluster?.leader ?? '';
      const monitor = t.monitors[Number(leader.match(/(\d+)$/)?.[1] ?? 0)]!;
      const before = await serverMem(monitor);
      const t0 = performance.now();
      let next = 0;
      const lane = async () => {
        while (next < appends) {
          const i = next++;
          await js.publish(`bench.keys.${kind}.${r}`, record, kind === 'keyed' ? { msgID: `w.${r}.${i}.${Math.random().toString(36).slice(2)}` } : undefined);
        }
      };
      await Promise.all(Array.from({ length: inflight }, lane));
      rates[kind].push(appends / ((performance.now() - t0) / 1000));
      mem[kind].push(((await serverMem(monitor)) - before) / 1024 / (appends / 1000));
    }
  }
  for (let r = 0; r < rounds; r++) for (const kind of ['plain', 'keyed']) await jsm.streams.delete(`BENCH_KEYS_${kind}_${r}`).catch(() => undefined);
  return {
    appends, recordBytes,
    plainPerSec: median(rates.plain), keyedPerSec: median(rates.keyed),
    plainKiBPerK: median(mem.plain), keyedKiBPerK: median(mem.keyed),
  };
}
