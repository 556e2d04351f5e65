// Fault: the NATS server restarts while writes run: the node reconnects, nothing acknowledged is lost, and writes
// that could not be made durable get an error in bounded time, not silence.
import { describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { startEmbeddedNats } from '../../actors/runtime/embedded_nats.ts';
import { freePort, startNode, tempDir, until, writeLp } from '../harness/index.ts';
import { sqlRows } from './fault_util.ts';

const BATCH = 20;
const tsOf = (seq: number) => 1_700_000_000_000 + seq;
const lines = (src: string, from: number) => Array.from({ length: BATCH }, (_, i) => `rs,src=${src} v=${from + i} ${tsOf(from + i)}000000`).join('\n');

describe('NATS server restarted during ingest', () => {
  // Opt-in (EDDY_TEST_FLAKY=1, set by `npm run test:faults`): whether an HTTP write is refused or waits while the server
  // is down depends on the NATS client's reconnect buffer timing (failed 1 of 4 full-suite runs).
  it.runIf(process.env.EDDY_TEST_FLAKY === '1')('acknowledged rows survive, failed writes are errors, writes resume after the reconnect', async () => {
    const natsDir = tempDir('eddy-nats-');
    const dataDir = tempDir();
    const port = await freePort();
    let nats = await startEmbeddedNats({ dataDir: natsDir.path, port });
    const node = await startNode({ data: dataDir.path, nats: nats.url });
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const acked = { nats: new Set<number>(), http: new Set<number>() };
    const errors = { nats: 0, http: 0 };
    let stop = false;
    let next = 0;
    const writer = async (src: 'nats' | 'http') => {
      while (!stop) {
        const from = next;
        next += BATCH;
        try {
          const ok = src === 'nats'
            ? (await writeLp(nc, 'public', lines(src, from))).ok
            : (await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lines(src, from), signal: AbortSignal.timeout(45_000) })).status === 204;
          if (ok) for (let s = from; s < from + BATCH; s++) acked[src].add(s);
          else errors[src]++;
        } catch {
          errors[src]++;
        }
      }
    };
    const writers = [writer('nats'), writer('http')];
    await until(async () => acked.nats.size >= 200 && acked.http.size >= 200, 'writes before the restart');
    const before = acked.nats.size + acked.http.size;
    await nats.stop();
    // While the server is down, HTTP writes must fail (an error answer), not hang.
    await until(async () => errors.http > 0, 'an HTTP write refused while NATS is down');
    nats = await startEmbeddedNats({ dataDir: natsDir.path, port });
    await until(async () => acked.nats.size + acked.http.size >= before + 400 && acked.http.size > 0, 'writes acknowledged after the reconnect', 60_000);
    stop = true;
    await Promise.all(writers);
    const rows = (await sqlRows(node.url, 'SELECT src, v FROM rs')) as { src: string; v: number }[];
    for (const src of ['nats', 'http'] as const) {
      const have = new Set(rows.filter((r) => r.src === src).map((r) => r.v));
      expect([...acked[src]].filter((s) => !have.has(s)), `${src}: acknowledged rows lost`).toEqual([]);
    }
    console.log(`nats restart: ${acked.nats.size + acked.http.size} rows acknowledged, ${errors.nats} NATS and ${errors.http} HTTP writes refused during the outage`);
    await nc.close();
    await node.stop();
    await nats.stop();
    natsDir.cleanup();
    dataDir.cleanup();
  }, 120_000);
});
