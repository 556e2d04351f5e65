// A remote scan (eddy.region.<id>.scan over a real nats-server, as a frontend on another node sends it) is cancelled
// inside the region: the client's signal aborts, `scan_cancel` names the scan by its key, and the region stops it
// before decoding its segments; the client's call rejects at once with its own reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { natsClient, startNode, tempDir, writeLp } from '../../harness/index.ts';
import type { EddyNode } from '../../../actors/node.ts';
import { Buckets, RegionOps, StatusCode, Subjects, regionIdOf, systemClock } from '../../../core/index.ts';
import { Catalog } from '../../../actors/catalog/catalog.ts';
import { scanRegion } from '../../../actors/runtime/scan_client.ts';
import { encodeScanRequest } from '../../../actors/runtime/scan_wire.ts';

describe('remote scan cancellation', () => {
  const dir = tempDir();
  let node: EddyNode & { url: string };
  let nc: NatsConnection;
  let region = '';
  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    nc = await natsClient(node.natsUrl);
    // several segments, so a scan has files to read
    for (let k = 0; k < 6; k++) {
      const lines = Array.from({ length: 500 }, (_, i) => `m,host=h${i % 50} v=${k * 1000 + i} ${(k * 1000 + i) * 1_000_000_000}`).join('\n');
      expect((await writeLp(nc, 'public', lines)).ok).toBe(true);
      const r = await fetch(`${node.url}/v1/admin/flush?db=public&table=m`, { method: 'POST' });
      expect(r.status).toBeLessThan(300);
    }
    const schema = await new Catalog(await new Kvm(jetstream(nc)).open(Buckets.catalog), systemClock).requireTable('public', 'm');
    region = regionIdOf(schema.id, 0);
  });
  afterAll(async () => {
    await nc?.close();
    await node?.stop();
    dir.cleanup();
  });

  it('a scan with a cancel key answers its rows when nothing cancels it', async () => {
    const ac = new AbortController();
    const batches = await scanRegion(nc, region, { signal: ac.signal });
    expect(batches.reduce((n, b) => n + b.numRows, 0)).toBe(3000);
  });

  it('scan_cancel right behind the request stops the scan in the region: its answer is the Cancelled error', async () => {
    const replies = await nc.requestMany(Subjects.region(region, RegionOps.scan), encodeScanRequest({}, 'key-1'), { strategy: 'sentinel', maxWait: 10_000 });
    // published in the same flush as the request: the region reads both before its first segment's bytes are in
    nc.publish(Subjects.region(region, RegionOps.scanCancel), 'key-1');
    const got: unknown[] = [];
    for await (const m of replies) {
      if (m.headers?.get('Eddy-Error')) { got.push(JSON.parse(new TextDecoder().decode(m.data))); break; }
      got.push({ bytes: m.data.length });
      if (m.data.length === 0) break;
    }
    expect(got).toEqual([{ ok: false, error: { code: StatusCode.Cancelled, name: expect.any(String), message: `scan of region ${region} cancelled by its query` } }]);
  });

  it('a cancel for another key leaves a scan alone', async () => {
    const replies = await nc.requestMany(Subjects.region(region, RegionOps.scan), encodeScanRequest({}, 'key-2'), { strategy: 'sentinel', maxWait: 10_000 });
    nc.publish(Subjects.region(region, RegionOps.scanCancel), 'key-3');
    let bytes = 0;
    let error = false;
    for await (const m of replies) {
      if (m.headers?.get('Eddy-Error')) { error = true; break; }
      bytes += m.data.length;
      if (m.data.length === 0) break;
    }
    expect(error).toBe(false);
    expect(bytes).toBeGreaterThan(0);
  });

  it("the client's call rejects at once with its signal's reason when the signal aborts mid-scan", async () => {
    const ac = new AbortController();
    const why = new Error('KILL 7');
    const scan = scanRegion(nc, region, { signal: ac.signal });
    ac.abort(why);
    await expect(scan).rejects.toBe(why);
    // an aborted signal sends nothing
    await expect(scanRegion(nc, region, { signal: ac.signal })).rejects.toBe(why);
  });
});
