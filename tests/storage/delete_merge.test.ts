// Deletes (tombstones through memtable, flush and compaction) and merge modes (last_row, last_non_null) against a model.
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../core/index.ts';
import { RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, dictForm, keyOf, rowsOf, sortRows, tempDir, type Row } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function openStore(schema: TableSchema) {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  const open = () => RegionStore.open({ dir: t.dir, regionId: '1', schema, compactionWindowMs: 1000 });
  return { store: await open(), open, dir: t.dir };
}

const lnn = cpuSchema({ extra: { merge_mode: 'last_non_null' } });
const key = (host: string, ts: bigint) => batchOf(cpuSchema(), [{ host, region: 'eu', ts }]);
const users = async (s: RegionStore) => rowsOf(await s.scan({ columns: ['host', 'usage_user'] })).map((r) => `${r.host}@${r.ts}=${r.usage_user}`);

describe('RegionStore.delete', () => {
  it('hides older rows in the memtable and in segments, not newer ones, across flush, compaction and reopen', async () => {
    const s = cpuSchema();
    const { store, open } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }, { host: 'b', region: 'eu', usage_user: 2, ts: 1n }]), 1);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 3, ts: 2n }]), 2);
    store.delete(key('a', 1n), 3);
    store.delete(dictForm(key('a', 2n)), 4);
    expect(await users(store)).toEqual(['b@1=2']);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 5, ts: 2n }]), 5);
    expect(await users(store)).toEqual(['a@2=5', 'b@1=2']);
    const f = await store.flush();
    expect(f!.segment.deletes).toBe(1);
    expect(await users(store)).toEqual(['a@2=5', 'b@1=2']);
    await store.close();
    const again = await open();
    expect(await users(again)).toEqual(['a@2=5', 'b@1=2']);
    await again.compact();
    expect(again.segments).toHaveLength(1);
    expect(again.segments[0]!.deletes).toBeUndefined();
    expect(again.segments[0]!.rows).toBe(2);
    expect(await users(again)).toEqual(['a@2=5', 'b@1=2']);
  });

  it('skips deletes at or below flushedSeq (WAL replay) and drops tombstones that hide nothing at flush', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }]), 1);
    store.delete(key('a', 1n), 2);
    store.delete(key('z', 9n), 3);
    expect(await users(store)).toEqual([]);
    expect(await store.flush()).toBeNull();
    expect(store.flushedSeq).toBe(3);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 7, ts: 1n }]), 4);
    store.delete(key('a', 1n), 3);
    expect(await users(store)).toEqual(['a@1=7']);
  });

  it('keeps a tombstone in the segment while an older segment overlaps, and respects limits and filters', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [1n, 2n, 3n, 4n].map((ts) => ({ host: 'a', region: 'eu', usage_user: Number(ts), ts }))), 1);
    await store.flush();
    store.delete(batchOf(s, [{ host: 'a', region: 'eu', ts: 1n }, { host: 'a', region: 'eu', ts: 3n }]), 2);
    expect(rowsOf(await store.scan({ limit: 1, columns: ['usage_user'] }))).toEqual([{ usage_user: 2, ts: 2n }]);
    await store.flush();
    expect(store.segments.map((x) => x.deletes)).toEqual([undefined, 2]);
    expect(rowsOf(await store.scan({ limit: 1, columns: ['usage_user'] }))).toEqual([{ usage_user: 2, ts: 2n }]);
    expect(rowsOf(await store.scan({ start: 3n, columns: ['usage_user'], tagFilter: { host: ['a'] } }))).toEqual([{ usage_user: 4, ts: 4n }]);
  });

  it('refuses deletes on append-mode tables', async () => {
    const s = cpuSchema({ appendMode: true });
    const { store } = await openStore(s);
    expect(() => store.delete(key('a', 1n), 1)).toThrow(/append-mode/);
  });
});

describe("merge_mode = 'last_non_null'", () => {
  it('keeps older non-null fields under newer nulls, in memtable, segments and compaction', async () => {
    const { store, dir } = await openStore(lnn);
    store.apply(batchOf(lnn, [{ host: 'a', region: 'eu', usage_user: 1, usage_system: 10, ts: 1n }]), 1);
    store.apply(batchOf(lnn, [{ host: 'a', region: 'eu', usage_user: 2, ts: 1n }]), 2);
    const want = [{ host: 'a', region: 'eu', usage_user: 2, usage_system: 10, ts: 1n }];
    expect(rowsOf(await store.scan({}))).toEqual(want);
    await store.flush();
    store.apply(batchOf(lnn, [{ host: 'a', region: 'eu', usage_system: 11, ts: 1n }]), 3);
    expect(rowsOf(await store.scan({}))).toEqual([{ ...want[0], usage_system: 11 }]);
    await store.flush();
    expect(rowsOf(await store.scan({}))).toEqual([{ ...want[0], usage_system: 11 }]);
    await store.compact();
    expect(rowsOf(await store.scan({}))).toEqual([{ ...want[0], usage_system: 11 }]);
    expect((await readFile(join(dir, 'manifest.json'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('a delete stops older values from showing through a later partial write', async () => {
    const { store } = await openStore(lnn);
    store.apply(batchOf(lnn, [{ host: 'a', region: 'eu', usage_user: 1, usage_system: 10, ts: 1n }]), 1);
    await store.flush();
    store.delete(key('a', 1n), 2);
    store.apply(batchOf(lnn, [{ host: 'a', region: 'eu', usage_user: 3, ts: 1n }]), 3);
    const want = [{ host: 'a', region: 'eu', usage_user: 3, usage_system: null, ts: 1n }];
    expect(rowsOf(await store.scan({}))).toEqual(want);
    await store.flush();
    expect(rowsOf(await store.scan({}))).toEqual(want);
    await store.compact();
    expect(rowsOf(await store.scan({}))).toEqual(want);
  });

  it('default last_row mode replaces the whole row', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, usage_system: 10, ts: 1n }]), 1);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 2, ts: 1n }]), 2);
    expect(rowsOf(await store.scan({}))).toEqual([{ host: 'a', region: 'eu', usage_user: 2, usage_system: null, ts: 1n }]);
  });
});

describe('property: writes, deletes, flushes, compactions, reopens', () => {
  it('scan equals a model map under last_row and last_non_null', async () => {
    const row = fc.record({ h: fc.integer({ min: 0, max: 2 }), t: fc.integer({ min: 0, max: 5 }), u: fc.option(fc.integer({ min: -50, max: 50 })), y: fc.option(fc.integer({ min: -50, max: 50 })) });
    const op = fc.oneof(
      { weight: 5, arbitrary: fc.array(row, { minLength: 1, maxLength: 8 }).map((rows) => ({ kind: 'write' as const, rows })) },
      { weight: 3, arbitrary: fc.array(row, { minLength: 1, maxLength: 4 }).map((rows) => ({ kind: 'delete' as const, rows })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'compact' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'scan' as const }) },
    );
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 25 }), fc.boolean(), fc.boolean(), async (ops, lastNonNull, dict) => {
      const t = await tempDir();
      try {
        const s = cpuSchema(lastNonNull ? { extra: { merge_mode: 'last_non_null' } } : {});
        const open = () => RegionStore.open({ dir: t.dir, regionId: '1', schema: s, compactionWindowMs: 0.005 });
        let store = await open();
        const model = new Map<string, Row>();
        let seq = 0;
        const norm = (rows: Row[]) => rows.map((r) => `${keyOf(r)}=${r.usage_user},${r.usage_system}`);
        const toRow = (r: { h: number; t: number; u: number | null; y: number | null }): Row =>
          ({ host: `h${r.h}`, region: r.h % 2 ? 'eu' : null, usage_user: r.u, usage_system: r.y, ts: BigInt(r.t * 1000) });
        for (const o of ops) {
          if (o.kind === 'write') {
            const rows = o.rows.map(toRow);
            const b = batchOf(s, rows);
            store.apply(dict ? dictForm(b) : b, ++seq);
            for (const r of rows) {
              const old = model.get(keyOf(r));
              model.set(keyOf(r), lastNonNull && old ? { ...r, usage_user: r.usage_user ?? old.usage_user, usage_system: r.usage_system ?? old.usage_system } : r);
            }
          } else if (o.kind === 'delete') {
            const rows = o.rows.map(toRow);
            const b = batchOf(s, rows.map((r) => ({ host: r.host!, region: r.region!, ts: r.ts! })));
            store.delete(dict ? dictForm(b) : b, ++seq);
            for (const r of rows) model.delete(keyOf(r));
          } else if (o.kind === 'flush') await store.flush();
          else if (o.kind === 'compact') await store.compact();
          else if (o.kind === 'scan') expect(norm(sortRows(rowsOf(await store.scan({}))))).toEqual(norm(sortRows([...model.values()])));
          else { await store.flush(); await store.close(); store = await open(); }
        }
        expect(norm(sortRows(rowsOf(await store.scan({}))))).toEqual(norm(sortRows([...model.values()])));
        const inRange = (r: Row) => (r.ts as bigint) >= 2000n && (r.ts as bigint) < 6000n && r.host !== 'h0';
        const filtered = rowsOf(await store.scan({ start: 2000n, end: 6000n, tagFilter: { host: ['h1', 'h2'] } }));
        expect(norm(sortRows(filtered))).toEqual(norm(sortRows([...model.values()].filter(inRange))));
        await store.compact();
        expect(norm(sortRows(rowsOf(await store.scan({}))))).toEqual(norm(sortRows([...model.values()])));
        await store.close();
      } finally {
        await t.cleanup();
      }
    }), { numRuns: 120 });
  });
});
