// Memtable input forms: string columns (tags and fields) as plain arrays or in dictionary form.
import { afterEach, describe, expect, it } from 'vitest';
import type { Column, WriteBatch } from '../../../core/index.ts';
import { RegionStore } from '../../../storage/index.ts';
import { batchOf, cpuSchema, dictForm, rowsOf, sortRows, tempDir, type Row } from '../fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

const schema = cpuSchema({}, [{ name: 'note', type: 'string', semantic: 'field', nullable: true }]);

async function openStore() {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  return RegionStore.open({ dir: t.dir, regionId: '1', schema });
}

const rows: Row[] = [
  { host: 'a', region: 'eu', usage_user: 1, note: 'x', ts: 1n },
  { host: 'b', region: null, usage_user: 2, note: null, ts: 1n },
  { host: 'a', region: 'eu', usage_user: 3, note: 'y', ts: 2n },
  { host: null, region: 'us', usage_user: 4, note: 'x', ts: 3n },
  { host: 'a', region: 'us', usage_user: 5, note: 'hé', ts: 1n },
];

describe('Memtable with dictionary-form string columns', () => {
  it('reads the same rows from plain and dictionary batches, in memtable and after flush', async () => {
    const plain = await openStore();
    const dict = await openStore();
    const mixed = await openStore();
    plain.apply(batchOf(schema, rows), 1);
    dict.apply(dictForm(batchOf(schema, rows)), 1);
    mixed.apply(dictForm(batchOf(schema, rows.slice(0, 2)), ['host', 'note']), 1);
    mixed.apply(batchOf(schema, rows.slice(2)), 2);
    const want = sortRows(rowsOf(await plain.scan({})));
    expect(want).toEqual(sortRows(rows.map((r) => ({ ...r, usage_system: null }))));
    expect(sortRows(rowsOf(await dict.scan({})))).toEqual(want);
    expect(sortRows(rowsOf(await mixed.scan({})))).toEqual(want);
    for (const s of [plain, dict, mixed]) await s.flush();
    expect(sortRows(rowsOf(await dict.scan({})))).toEqual(want);
    expect(sortRows(rowsOf(await mixed.scan({})))).toEqual(want);
    expect(dict.segments[0]!.series).toBe(plain.segments[0]!.series);
  });

  it('interns the same series across plain and dictionary batches (last write wins across forms)', async () => {
    const s = await openStore();
    s.apply(batchOf(schema, [{ host: 'a', region: 'eu', usage_user: 1, note: 'p', ts: 1n }]), 1);
    s.apply(dictForm(batchOf(schema, [{ host: 'a', region: 'eu', usage_user: 2, note: 'q', ts: 1n }])), 2);
    expect(rowsOf(await s.scan({ columns: ['usage_user', 'note'] }))).toEqual([{ usage_user: 2, note: 'q', ts: 1n }]);
    expect(s.stats().memRows).toBe(2);
    expect(rowsOf(await s.scan({ tagFilter: { host: ['a'] }, columns: [] }))).toHaveLength(1);
  });

  it('treats codes outside the dictionary as null, like valueAt', async () => {
    const s = await openStore();
    const b = batchOf(schema, [{ host: 'a', region: 'eu', note: 'x', ts: 1n }, { host: 'b', region: 'eu', note: 'y', ts: 2n }]);
    const d = dictForm(b);
    const bad = (c: Column): Column => (c.dict ? { ...c, values: Int32Array.of((c.values as Int32Array)[0]!, 99) } : c);
    const batch: WriteBatch = { ...d, columns: d.columns.map(bad) };
    s.apply(batch, 1);
    expect(sortRows(rowsOf(await s.scan({ columns: ['host', 'note'] })))).toEqual([
      { host: 'a', note: 'x', ts: 1n }, { host: null, note: null, ts: 2n },
    ]);
  });

  it('interns 1M dictionary-coded tag rows into their 1,000 series (speed: npm run bench -- ingest)', async () => {
    const s = await openStore();
    const n = 100_000, hosts = 1000;
    const dict = Array.from({ length: hosts }, (_, h) => `host_${h}`);
    for (let k = 0; k < 10; k++) {
      const codes = new Int32Array(n), ts = new BigInt64Array(n);
      for (let i = 0; i < n; i++) { codes[i] = i % hosts; ts[i] = BigInt(k * n + i); }
      const region = new Int32Array(n);
      s.apply({ table: 'cpu', rows: n, columns: [
        { name: 'host', type: 'string', semantic: 'tag', values: codes, valid: null, dict },
        { name: 'region', type: 'string', semantic: 'tag', values: region, valid: null, dict: ['eu'] },
        { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null },
      ] }, k + 1);
    }
    expect(s.memRows).toBe(1_000_000);
    const f = await s.flush();
    expect(f!.segment.series).toBe(hosts);
  });
});

describe('sorted memtable runs during ingest', () => {
  it('scans between applies see every write (incremental sorted runs), and flush writes them all', async () => {
    const s = await openStore();
    const want = new Map<string, number>();
    for (let k = 0; k < 40; k++) {
      const rows: Row[] = Array.from({ length: 7 }, (_, i) => ({ host: `h${(k * 7 + i) % 5}`, region: 'eu', usage_user: k * 10 + i, ts: BigInt((k * 3 + i) % 17) }));
      s.apply(k % 2 ? dictForm(batchOf(schema, rows)) : batchOf(schema, rows), k + 1);
      for (const r of rows) want.set(`${r.host}@${r.ts}`, r.usage_user as number);
      if (k % 3 === 0) {
        const got = rowsOf(await s.scan({ columns: ['host', 'usage_user'] })).map((r) => `${r.host}@${r.ts}=${r.usage_user}`);
        expect(got.sort()).toEqual([...want].map(([key, v]) => `${key}=${v}`).sort());
      }
    }
    await s.flush();
    const got = rowsOf(await s.scan({ columns: ['host', 'usage_user'] })).map((r) => `${r.host}@${r.ts}=${r.usage_user}`);
    expect(got.sort()).toEqual([...want].map(([key, v]) => `${key}=${v}`).sort());
  });
});
