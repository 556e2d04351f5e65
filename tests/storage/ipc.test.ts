// batchesToIPC / ipcToBatches: size-bounded chunks that are each a valid IPC stream, and a lossless round trip.
import { RecordBatchReader } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { batchesToIPC, ipcToBatches, RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, tempDir } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

describe('IPC helpers', () => {
  it('chunks a large scan under maxBytes, each chunk a whole stream, and reads it back equal', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const s = cpuSchema();
    const store = await RegionStore.open({ dir: t.dir, regionId: '1', schema: s });
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ host: `h${i % 50}`, region: 'eu', usage_user: Math.random(), usage_system: i, ts: BigInt(i) }));
    store.apply(batchOf(s, rows), 1);
    const batches = await store.scan({});
    for (const compression of ['none', 'zstd', 'lz4'] as const) {
      const chunks = batchesToIPC(batches, { maxBytes: 64 * 1024, compression });
      expect(chunks.length).toBeGreaterThan(compression === 'none' ? 4 : 1);
      for (const c of chunks) {
        expect(c.byteLength).toBeLessThanOrEqual(64 * 1024);
        expect([...RecordBatchReader.from(c)].length).toBeGreaterThan(0);
      }
      expect(rowsOf(ipcToBatches(chunks))).toEqual(rowsOf(batches));
    }
  });

  it('keeps small results in one chunk and empty input as no chunks', () => {
    expect(batchesToIPC([])).toEqual([]);
    expect(ipcToBatches([])).toEqual([]);
  });
});
