// Fault: the disk fills during a flush (ENOSPC injected at the storage boundary, where segment files are written):
// the flush fails with an error, writes are refused with an error, nothing acknowledged is lost, and the node recovers
// once space returns.
import { afterAll, describe, expect, it } from 'vitest';
import { storageFaults } from '../../storage/index.ts';
import { startNode, tempDir } from '../harness/index.ts';
import { sqlRows } from './fault_util.ts';

const lp = (from: number, n: number) => Array.from({ length: n }, (_, i) => `df,host=h${(from + i) % 4} v=${from + i} ${1_700_000_000_000 + from + i}000000`).join('\n');

describe('disk full during flush', () => {
  afterAll(() => { delete storageFaults.beforeWrite; });

  it('refuses writes with an error while segments cannot be written, keeps every acknowledged row, recovers', async () => {
    const dir = tempDir();
    const node = await startNode({ data: dir.path });
    const write = (from: number, n: number) => fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lp(from, n) });
    expect((await write(0, 100)).status).toBe(204);

    storageFaults.beforeWrite = (path) => {
      if (path.endsWith('.arrow')) throw Object.assign(new Error(`ENOSPC: no space left on device, open '${path}'`), { code: 'ENOSPC' });
    };
    const flush = await fetch(`${node.url}/v1/admin/flush?db=public&table=df`, { method: 'POST' });
    expect(flush.status).toBe(503);
    expect(((await flush.json()) as { error: string }).error).toMatch(/flush failed: .*ENOSPC: no space left on device/);
    const refused = await write(100, 50);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(/refuses writes: its last flush failed \(ENOSPC: no space left on device.*\); writes resume once a flush succeeds/);
    // reads go on, with every acknowledged row
    expect(await sqlRows(node.url, 'SELECT count(*) AS n FROM df')).toEqual([{ n: 100 }]);

    delete storageFaults.beforeWrite;
    expect((await fetch(`${node.url}/v1/admin/flush?db=public&table=df`, { method: 'POST' })).status).toBe(200);
    expect((await write(100, 50)).status).toBe(204);
    expect(await sqlRows(node.url, 'SELECT count(*) AS n, sum(v) AS s FROM df')).toEqual([{ n: 150, s: (149 * 150) / 2 }]);
    await node.stop();
    dir.cleanup();
  }, 60_000);
});
