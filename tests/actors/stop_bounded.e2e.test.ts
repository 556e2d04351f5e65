// A stop is bounded by --stop-timeout even when a memtable cannot be flushed in time: the node stops without it, and
// the rows it held come back from the WAL on the next start.
import { afterEach, describe, expect, it } from 'vitest';
import { storageFaults } from '../../storage/index.ts';
import { Logger } from '../../actors/runtime/logger.ts';
import { startNode, tempDir } from '../harness/index.ts';

const STOP_TIMEOUT_MS = 1500;
const lp = (n: number) => Array.from({ length: n }, (_, i) => `sb,host=h${i % 4} v=${i} ${1_700_000_000_000 + i}000000`).join('\n');

describe('bounded stop', () => {
  afterEach(() => { delete storageFaults.beforeWrite; });

  it('a flush at stop that cannot finish is left behind at --stop-timeout; its rows replay from the WAL on restart', async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const logger = new Logger({ format: 'text', write: (l) => lines.push(l) });
    const node = await startNode({ data: dir.path, overrides: { stopTimeout: STOP_TIMEOUT_MS, quiet: false }, logger });
    expect((await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lp(500) })).status).toBe(204);
    // Every segment write from now on waits forever: the stop's flush can never finish.
    let flushReached: () => void = () => undefined;
    const reached = new Promise<void>((r) => { flushReached = r; });
    storageFaults.beforeWrite = () => { flushReached(); return new Promise<void>(() => undefined); };
    const t0 = Date.now();
    await Promise.all([node.stop(), reached]);
    const took = Date.now() - t0;
    const log = lines.join('\n');
    expect(log).toMatch(/flushing and closing regions \(what is not flushed replays from the WAL on the next start\) took over \d+ ms; going on/);
    // The budget, then the connection and the nats-server: far from the 120 s the regions' close used to be given.
    expect(took, log).toBeLessThan(STOP_TIMEOUT_MS + 20_000);

    delete storageFaults.beforeWrite;
    const again = await startNode({ data: dir.path });
    const r = await fetch(`${again.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: 'SELECT count(*), sum(v) FROM sb' }) });
    const body = await r.json() as { output: { records: { rows: unknown[][] } }[] };
    expect(body.output[0]!.records.rows).toEqual([[500, (499 * 500) / 2]]);
    await again.stop();
    dir.cleanup();
  }, 90_000);
});
