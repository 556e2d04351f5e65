// Keys of keyed writes a flush took (storage/sourced.ts): recorded in the manifest with the segments, kept across a
// reopen for the WAL's window, so a buffered message redelivered after its WAL record was purged is recognised.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegionStore } from '../../storage/index.ts';
import { SOURCED_WINDOW_MS, SourcedKeys } from '../../storage/sourced.ts';
import { batchOf, cpuSchema, tempDir } from './fixtures.ts';

describe('sourced keys', () => {
  it('property: a key is known once a flush through its sequence is committed, while it is in the window', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), dt: fc.integer({ min: 0, max: 120_000 }) }),
      fc.record({ kind: fc.constant('flush' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const keys = new SourcedKeys(undefined, SOURCED_WINDOW_MS);
      let seq = 0, now = 0, flushedSeq = 0;
      const written: { id: string; seq: number; at: number }[] = [];
      for (const o of ops) {
        if (o.kind === 'write') {
          now += o.dt;
          seq++;
          keys.note(`ingest:${seq}`, seq, now);
          written.push({ id: `ingest:${seq}`, seq, at: now });
        } else {
          flushedSeq = seq;
          keys.committed(flushedSeq, keys.through(flushedSeq));
        }
        // flushed and within the window of the newest flushed key: known; not yet flushed: left to the WAL's window
        const flushed = written.filter((w) => w.seq <= flushedSeq);
        const newest = flushed.reduce((t, w) => Math.max(t, w.at), 0);
        for (const w of written) expect(keys.has(w.id)).toBe(w.seq <= flushedSeq && w.at >= newest - SOURCED_WINDOW_MS);
      }
    }));
  });

  it('are kept by the manifest across a reopen, and a flush that adds none keeps them', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const sch = cpuSchema();
      let store = await RegionStore.open({ dir, regionId: 'r', schema: sch });
      store.apply(batchOf(sch, [{ host: 'a', region: 'eu', ts: 1, usage_user: 1 }]), 1);
      store.sourced.note('EDDY_INGEST:7', 1, 1_000);
      store.apply(batchOf(sch, [{ host: 'a', region: 'eu', ts: 2, usage_user: 2 }]), 2);
      store.sourced.note('EDDY_INGEST:8', 2, 1_001);
      expect(store.sourced.has('EDDY_INGEST:7')).toBe(false);
      await store.flush();
      expect(store.sourced.has('EDDY_INGEST:7') && store.sourced.has('EDDY_INGEST:8')).toBe(true);
      await store.close();
      store = await RegionStore.open({ dir, regionId: 'r', schema: sch });
      expect(store.sourced.has('EDDY_INGEST:8')).toBe(true);
      store.apply(batchOf(sch, [{ host: 'b', region: 'eu', ts: 3, usage_user: 3 }]), 3);
      await store.flush();
      await store.close();
      store = await RegionStore.open({ dir, regionId: 'r', schema: sch });
      expect(store.sourced.has('EDDY_INGEST:7')).toBe(true);
      expect(store.sourced.has('EDDY_INGEST:9')).toBe(false);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
