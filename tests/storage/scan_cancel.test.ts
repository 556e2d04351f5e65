// A scan's signal (KILL, a deadline, a client gone) stops it inside the region: at its start, after its index lookups
// and once a segment's bytes are read, before they are decoded; on real files, with the decoded cache as the witness.
import { afterEach, describe, expect, it } from 'vitest';
import { DecodedCache, RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir, type Row } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

const schema = cpuSchema();

/** A region with `segments` flushed segments of 200 rows each and rows in its memtable. */
async function filled(segments: number) {
  const t = await tempDir();
  const cache = new DecodedCache(64 * 1024 * 1024);
  const store = await RegionStore.open({ dir: t.dir, regionId: '4398046511104', schema, decodedCache: cache });
  cleanups.push(async () => { await store.close().catch(() => undefined); await t.cleanup(); });
  let seq = 0;
  const rows = (k: number): Row[] => Array.from({ length: 200 }, (_, i) => ({ host: `h${i % 20}`, region: 'eu', usage_user: k * 1000 + i, ts: BigInt(k * 1_000_000 + i) }));
  for (let k = 0; k < segments; k++) {
    store.apply(batchOf(schema, rows(k)), ++seq);
    await store.flush();
  }
  store.apply(batchOf(schema, rows(segments)), ++seq);
  return { store, cache };
}

class Killed extends Error {}

describe('scan cancellation inside the region', () => {
  it('a signal aborted before the scan: its reason, nothing read', async () => {
    const { store, cache } = await filled(3);
    const ac = new AbortController();
    const why = new Killed('KILL 1');
    ac.abort(why);
    await expect(store.scan({ signal: ac.signal })).rejects.toBe(why);
    expect(cache.bytes).toBe(0);
  });

  it('aborted once the scan has started: it stops before any segment is decoded', async () => {
    const { store, cache } = await filled(4);
    const ac = new AbortController();
    const why = new Killed('client went away');
    const scan = store.scan({ signal: ac.signal, columns: ['usage_user'] });
    // the scan runs up to its first wait (opening and reading its segments' files), then the query is killed
    ac.abort(why);
    await expect(scan).rejects.toBe(why);
    expect(cache.bytes).toBe(0);
  });

  it('a signal that never aborts changes nothing: the same rows, the segments decoded and cached', async () => {
    const { store, cache } = await filled(3);
    const plain = sortRows(rowsOf(await store.scan({ start: 500_000n, end: 2_000_100n })));
    const bytes = cache.bytes;
    expect(bytes).toBeGreaterThan(0);
    const withSignal = sortRows(rowsOf(await store.scan({ start: 500_000n, end: 2_000_100n, signal: new AbortController().signal })));
    expect(withSignal).toEqual(plain);
    expect(plain.length).toBe(300);
  });
});
