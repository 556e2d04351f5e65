// Which WAL layout a cluster node takes (ensureJetStreamAssets, --wal-streams): the flag decides for a fresh cluster,
// and what the cluster already has wins, so nodes started with different flags agree (real nats-servers).
import { afterAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Streams } from '../../../core/index.ts';
import { ensureJetStreamAssets } from '../../../actors/runtime/js_assets.ts';
import { PerRegionWalStreams } from '../../../actors/runtime/wal_streams.ts';
import { natsClient, startNats } from '../../harness/index.ts';

const opened: { nc: NatsConnection; cleanup: () => Promise<void> }[] = [];
async function fresh(): Promise<NatsConnection> {
  const nats = await startNats();
  const nc = await natsClient(nats.url);
  opened.push({ nc, cleanup: nats.cleanup });
  return nc;
}
afterAll(async () => {
  for (const o of opened) {
    await o.nc.close();
    await o.cleanup();
  }
});

const assets = (nc: NatsConnection, perRegionWal: boolean, cluster = true) => ensureJetStreamAssets(nc, { replicas: 1, segments: false, cluster, perRegionWal });

describe('WAL layout of a cluster', () => {
  it('defaults to the one EDDY_WAL; a later node asking for per-region streams joins it', async () => {
    const nc = await fresh();
    expect(await assets(nc, false)).toEqual({ perRegionWal: false });
    expect((await (await jetstreamManager(nc)).streams.info(Streams.wal)).config.name).toBe(Streams.wal);
    expect(await assets(nc, true)).toEqual({ perRegionWal: false });
  });

  it('a fresh cluster asked for per-region streams makes no EDDY_WAL, and a later node without the flag follows it', async () => {
    const nc = await fresh();
    const jsm = await jetstreamManager(nc);
    expect(await assets(nc, true)).toEqual({ perRegionWal: true });
    await expect(jsm.streams.info(Streams.wal)).rejects.toThrow(/not found/);
    // before any region stream exists the flag still decides; once one exists it wins
    await new PerRegionWalStreams(jsm, 1, () => nc.info?.server_name).ensure('4398046511104');
    expect(await assets(nc, false)).toEqual({ perRegionWal: true });
    await expect(jsm.streams.info(Streams.wal)).rejects.toThrow(/not found/);
  });

  it('standalone always has EDDY_WAL', async () => {
    const nc = await fresh();
    expect(await assets(nc, true, false)).toEqual({ perRegionWal: false });
  });
});
