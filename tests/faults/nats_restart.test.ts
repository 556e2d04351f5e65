// Fault: the NATS server restarts while writes run: the node reconnects, nothing acknowledged is lost, and writes
// that could not be made durable get an error at once (HTTP 503 with Retry-After), not silence and not a late apply.
import { describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { startEmbeddedNats } from '../../actors/runtime/embedded_nats.ts';
import { freePort, startNode, tempDir, until, writeLp } from '../harness/index.ts';
import { sqlRows } from './fault_util.ts';

const BATCH = 20;
const tsOf = (seq: number) => 1_700_000_000_000 + seq;
const lines = (src: string, from: number) => Array.from({ length: BATCH }, (_, i) => `rs,src=${src} v=${from + i} ${tsOf(from + i)}000000`).join('\n');

describe('NATS server restarted during ingest', () => {
  it('acknowledged rows survive, failed writes are errors (HTTP 503, refused ones never applied), writes resume after the reconnect', async () => {
    const natsDir = tempDir('eddy-nats-');
    const dataDir = tempDir();
    const port = await freePort();
    let nats = await startEmbeddedNats({ dataDir: natsDir.path, port });
    const node = await startNode({ data: dataDir.path, nats: nats.url });
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const acked = { nats: new Set<number>(), http: new Set<number>() };
    const errors = { nats: 0, http: 0 };
    /** HTTP writes refused before anything was sent (the node knew NATS was down): none of their rows may appear later. */
    const refused: number[] = [];
    const httpFailures: string[] = [];
    let stop = false;
    let next = 0;
    const post = (from: number) => fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lines('http', from), signal: AbortSignal.timeout(45_000) });
    const writer = async (src: 'nats' | 'http') => {
      while (!stop) {
        const from = next;
        next += BATCH;
        try {
          let ok: boolean;
          // a request the test's own client sent while the server was down is never answered: given up after 5 s (an error)
          if (src === 'nats') ok = (await writeLp(nc, 'public', lines(src, from), undefined, 5_000)).ok;
          else {
            const r = await post(from);
            ok = r.status === 204;
            if (!ok) {
              const body = (await r.json()) as { error: string };
              httpFailures.push(`${r.status} retry-after=${r.headers.get('retry-after')} ${body.error}`);
              if (/nothing was written/.test(body.error)) refused.push(from);
            }
          }
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
    // While the server is down, HTTP writes fail (an error answer), they do not hang: a write in flight when the
    // connection dropped fails then, the next ones are refused before anything is sent.
    await until(async () => refused.length > 0, 'an HTTP write refused while NATS is down');
    const down = await post(next);
    next += BATCH;
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(((await down.json()) as { error: string }).error).toMatch(/lost its NATS server.*nothing was written/);
    refused.push(next - BATCH);
    const httpBefore = acked.http.size;
    nats = await startEmbeddedNats({ dataDir: natsDir.path, port });
    await until(async () => acked.nats.size + acked.http.size >= before + 400 && acked.http.size >= httpBefore + 100, 'writes acknowledged after the reconnect', 60_000);
    stop = true;
    await Promise.all(writers);
    expect(httpFailures.filter((f) => !/^503 retry-after=1 /.test(f)), 'HTTP failures other than 503 with Retry-After').toEqual([]);
    const rows = (await sqlRows(node.url, 'SELECT src, v FROM rs')) as { src: string; v: number }[];
    for (const src of ['nats', 'http'] as const) {
      const have = new Set(rows.filter((r) => r.src === src).map((r) => r.v));
      expect([...acked[src]].filter((s) => !have.has(s)), `${src}: acknowledged rows lost`).toEqual([]);
    }
    const http = new Set(rows.filter((r) => r.src === 'http').map((r) => r.v));
    expect(refused.filter((s) => http.has(s)), 'refused HTTP writes applied later (buffered by the client)').toEqual([]);
    console.log(`nats restart: ${acked.nats.size + acked.http.size} rows acknowledged, ${errors.nats} NATS and ${errors.http} HTTP writes answered an error during the outage (${refused.length} refused before sending)`);
    await nc.close();
    await node.stop();
    await nats.stop();
    natsDir.cleanup();
    dataDir.cleanup();
  }, 120_000);
});
