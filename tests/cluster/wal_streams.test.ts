// A region's own WAL stream on a real 3-server NATS cluster (no EddyDB node): made on the server of the node that
// opens the region (placement by the server's tag), moved to the server of the node that leads it next, with its
// records, sequences, fence marks and message ids kept, and writable while it moves.
import { beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Streams } from '../../core/index.ts';
import { Wal } from '../../actors/runtime/wal.ts';
import { WalTerm } from '../../actors/runtime/wal_fence.ts';
import { PerRegionWalStreams, serverTag } from '../../actors/runtime/wal_streams.ts';
import { until } from '../harness/index.ts';
import { natsClusterPerFile } from './helpers.ts';

describe("a region's WAL stream on its leader's nats-server", () => {
  const { conns } = natsClusterPerFile('eddy-walstreams-');
  const jsms: JetStreamManager[] = [];
  beforeAll(async () => {
    for (const nc of conns) jsms.push(await jetstreamManager(nc));
  });

  const layout = (i: number, log?: (m: string) => void) => new PerRegionWalStreams(jsms[i]!, 1, () => conns[i]!.info?.server_name, log);
  const leaderOf = async (stream: string) => {
    const c = (await jsms[0]!.streams.info(stream)).cluster;
    return { leader: c?.leader, replicas: (c?.replicas ?? []).length };
  };

  it('is made on the opening node\'s server and moves to the next leader\'s, records, marks and ids kept', async () => {
    const region = '4398046511300';
    const stream = Streams.walOf(region);
    const w0 = layout(0);
    await w0.ensure(region);
    const made = await jsms[0]!.streams.info(stream);
    expect(made.config.placement?.tags).toEqual([serverTag('eddy-nats-0')]);
    expect(made.cluster?.leader).toBe('eddy-nats-0');
    expect(await w0.place(region)).toBe('here');

    const term0 = new WalTerm(jetstream(conns[0]!), jsms[0]!, region, stream);
    await term0.claim();
    const wal0 = new Wal(jetstream(conns[0]!), jsms[0]!, region, undefined, term0, stream);
    const first = [];
    for (const k of ['k1', 'k2', 'k3']) first.push((await wal0.append(new TextEncoder().encode(k), 'put', k)).seq);

    // The region's next leader is on eddy-nats-1: its term starts, then the stream moves there.
    const w1 = layout(1);
    await w1.ensure(region);
    const term1 = new WalTerm(jetstream(conns[1]!), jsms[1]!, region, stream);
    await term1.claim();
    expect(await w1.place(region)).toBe('moving');
    const wal1 = new Wal(jetstream(conns[1]!), jsms[1]!, region, undefined, term1, stream);
    const during = await wal1.append(new TextEncoder().encode('k4'), 'put', 'k4');
    await until(async () => {
      const l = await leaderOf(stream);
      return l.leader === 'eddy-nats-1' && l.replicas === 0;
    }, 'the WAL stream led by eddy-nats-1 alone', 60_000);
    expect((await jsms[1]!.streams.info(stream)).config.placement?.tags).toEqual([serverTag('eddy-nats-1')]);

    // Sequences go on from where they were; an id appended before the move is still known; the old term is fenced.
    const after = await wal1.append(new TextEncoder().encode('k5'), 'put', 'k5');
    expect(after.seq).toBeGreaterThan(during.seq);
    expect(during.seq).toBeGreaterThan(first[2]!);
    expect(await wal1.append(new TextEncoder().encode('k2'), 'put', 'k2')).toEqual({ seq: first[1], duplicate: true });
    const replayed: string[] = [];
    await wal1.replay(0, (d) => replayed.push(new TextDecoder().decode(d)));
    expect(replayed).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(await term1.marks()).toEqual([term0.term, term1.term]);
    const stale = await wal0.append(new TextEncoder().encode('k6'), 'put', 'k6');
    await expect(term0.confirm(stale.seq)).rejects.toThrow(/newer leader/);
  }, 120_000);

  it('is made unplaced when no server carries the tag (servers without server_tags), and says so', async () => {
    const log: string[] = [];
    const w = new PerRegionWalStreams(jsms[2]!, 1, () => 'no-such-server', (m) => log.push(m));
    await w.ensure('4398046511301');
    expect((await jsms[2]!.streams.info(Streams.walOf('4398046511301'))).config.placement?.tags ?? []).toEqual([]);
    expect(log.join('\n')).toMatch(/server_tags/);
    // later streams are made unplaced at once, and are never moved
    await w.ensure('4398046511302');
    expect(await w.place('4398046511302')).toBe('unplaced');
    await w.drop('4398046511302');
    await expect(jsms[2]!.streams.info(Streams.walOf('4398046511302'))).rejects.toThrow(/not found/);
  }, 60_000);
});
