// RegionStore behaviour on real files: round trips, last-write-wins, append mode, filters, schema changes, truncate.
import { tableFromIPC } from 'apache-arrow';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../core/index.ts';
import { RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir, type Row } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

async function openStore(schema: TableSchema, extra: Partial<Parameters<typeof RegionStore.open>[0]> = {}) {
  const t = await tempDir();
  const store = await RegionStore.open({ dir: t.dir, regionId: '4398046511104', schema, ...extra });
  // Close first: an ALTER commits its manifest in the background, and removing the directory under that write fails.
  cleanups.push(async () => { await store.close().catch(() => undefined); await t.cleanup(); });
  return { store, dir: t.dir };
}

const wide = cpuSchema({}, [
  { name: 'cores', type: 'int64', semantic: 'field', nullable: true },
  { name: 'bytes', type: 'uint64', semantic: 'field', nullable: true },
  { name: 'up', type: 'boolean', semantic: 'field', nullable: true },
  { name: 'note', type: 'string', semantic: 'field', nullable: true },
]);

describe('RegionStore', () => {
  it('round-trips every column type through flush, close and reopen', async () => {
    const { store, dir } = await openStore(wide);
    const rows: Row[] = [
      { host: 'a', region: 'eu', usage_user: 1.5, usage_system: null, cores: 8n, bytes: 18446744073709551615n, up: true, note: 'hé', ts: 1_700_000_000_000_000_001n },
      { host: 'b', region: null, usage_user: -0.25, usage_system: 3, cores: null, bytes: 0n, up: false, note: null, ts: -5n },
      { host: 'a', region: 'us', usage_user: NaN, usage_system: Infinity, cores: -9223372036854775808n, bytes: null, up: null, note: 'x', ts: 0n },
    ];
    store.apply(batchOf(wide, rows), 1);
    const before = sortRows(rowsOf(await store.scan({})));
    const res = await store.flush();
    expect(res!.flushedSeq).toBe(1);
    expect(res!.segment).toMatchObject({ rows: 3, series: 3, minTs: '-5', maxTs: '1700000000000000001' });
    await store.close();
    const again = await RegionStore.open({ dir, regionId: '4398046511104', schema: wide });
    expect(again.flushedSeq).toBe(1);
    const after = sortRows(rowsOf(await again.scan({})));
    expect(after).toEqual(before);
    expect(after).toEqual(sortRows(rows.map((r) => ({ ...r, ts: BigInt(r.ts as bigint) }))));
  });

  it('writes segments Arrow itself reads: ZSTD body compression, dictionary tags, encodings named in field metadata', async () => {
    const { store, dir } = await openStore(cpuSchema());
    store.apply(batchOf(cpuSchema(), [{ host: 'a', region: 'eu', usage_user: 1, ts: 10n }]), 1);
    await store.flush();
    const files = await readdir(join(dir, 'segments'));
    expect(files).toHaveLength(1);
    const table = tableFromIPC(await readFile(join(dir, 'segments', files[0]!)));
    expect(table.numRows).toBe(1);
    expect(String(table.schema.fields.find((f) => f.name === 'host')!.type)).toBe('Dictionary<Int32, Utf8>');
    const ts = table.schema.fields.find((f) => f.name === 'ts')!;
    expect(String(ts.type)).toBe('Uint8');
    expect(Object.fromEntries(ts.metadata)).toMatchObject({ 'eddy.type': 'timestamp', 'eddy.encoding': 'delta2-zigzag-bytesplit' });
    const user = table.schema.fields.find((f) => f.name === 'usage_user')!;
    expect(Object.fromEntries(user.metadata)).toMatchObject({ 'eddy.type': 'float64', 'eddy.encoding': 'decimal-delta-zigzag-bytesplit', 'eddy.scale': '0' });
    expect(table.getChild('host')!.get(0)).toBe('a');
  });

  it('last write wins within the memtable, memtable over segment, and segment over segment', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }, { host: 'a', region: 'eu', usage_user: 2, ts: 1n }]), 1);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 3, ts: 2n }]), 2);
    expect(rowsOf(await store.scan({ columns: ['usage_user'] }))).toEqual([{ usage_user: 2, ts: 1n }, { usage_user: 3, ts: 2n }]);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 4, ts: 1n }, { host: 'a', region: 'eu', usage_user: 5, ts: 3n }]), 3);
    expect(rowsOf(await store.scan({ columns: ['usage_user'] })).map((r) => r.usage_user)).toEqual([4, 3, 5]);
    await store.flush();
    expect(rowsOf(await store.scan({ columns: ['usage_user'] })).map((r) => r.usage_user)).toEqual([4, 3, 5]);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 6, ts: 2n }]), 4);
    await store.flush();
    expect(store.stats().segments).toBe(3);
    expect(rowsOf(await store.scan({ columns: ['usage_user'] })).map((r) => r.usage_user)).toEqual([4, 6, 5]);
    // A write replaces the whole row (GreptimeDB's last_row merge mode): unset fields become null.
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_system: 7, ts: 3n }]), 5);
    expect(rowsOf(await store.scan({ start: 3n }))).toEqual([{ host: 'a', region: 'eu', usage_user: null, usage_system: 7, ts: 3n }]);
  });

  it('an INT primary key (kept as text inside storage) reads back typed from memtable and segments, merged and filtered', async () => {
    const schema: TableSchema = {
      ...cpuSchema(), primaryKey: ['n'],
      columns: [{ name: 'n', type: 'int64', semantic: 'tag', nullable: true }, { name: 'v', type: 'float64', semantic: 'field', nullable: true }, { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' }],
    };
    const { store } = await openStore(schema);
    store.apply(batchOf(schema, [{ n: 20n, v: 1, ts: 1n }, { n: 22n, v: 2, ts: 1n }]), 1);
    await store.flush();
    store.apply(batchOf(schema, [{ n: 20n, v: 3, ts: 1n }, { n: -5n, v: 4, ts: 2n }]), 2);
    expect(sortRows(rowsOf(await store.scan({})))).toEqual(sortRows([{ n: 20n, v: 3, ts: 1n }, { n: 22n, v: 2, ts: 1n }, { n: -5n, v: 4, ts: 2n }]));
    expect(rowsOf(await store.scan({ tagFilter: { n: ['22'] } }))).toEqual([{ n: 22n, v: 2, ts: 1n }]);
  });

  it('keeps duplicates in append mode', async () => {
    const s = cpuSchema({ appendMode: true });
    const { store } = await openStore(s);
    const dup = [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }, { host: 'a', region: 'eu', usage_user: 2, ts: 1n }];
    store.apply(batchOf(s, dup), 1);
    await store.flush();
    store.apply(batchOf(s, dup), 2);
    expect(rowsOf(await store.scan({})).map((r) => r.usage_user).sort()).toEqual([1, 1, 2, 2]);
    await store.flush();
    await store.compact();
    expect(store.stats().segments).toBe(1);
    expect(rowsOf(await store.scan({})).map((r) => r.usage_user).sort()).toEqual([1, 1, 2, 2]);
  });

  it('applies time range, tag filter, projection and limit to segments and memtable alike', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    const rows = (from: number) => ['a', 'b', 'c'].flatMap((host) =>
      [0, 1, 2].map((k) => ({ host, region: host === 'c' ? null : 'eu', usage_user: from + k, ts: BigInt(from + k) })));
    store.apply(batchOf(s, rows(0)), 1);
    await store.flush();
    store.apply(batchOf(s, rows(10)), 2);
    const got = rowsOf(await store.scan({ start: 1n, end: 11n, tagFilter: { host: ['a', 'c'] }, columns: ['host'] }));
    expect(got).toEqual([
      { host: 'a', ts: 1n }, { host: 'a', ts: 2n }, { host: 'a', ts: 10n },
      { host: 'c', ts: 1n }, { host: 'c', ts: 2n }, { host: 'c', ts: 10n },
    ]);
    expect(rowsOf(await store.scan({ tagFilter: { region: [null] }, columns: [] })).map((r) => r.ts)).toEqual([0n, 1n, 2n, 10n, 11n, 12n]);
    expect(rowsOf(await store.scan({ tagFilter: { host: ['zzz'] } }))).toEqual([]);
    expect(rowsOf(await store.scan({ limit: 4 }))).toHaveLength(4);
    await expect(store.scan({ columns: ['nope'] })).rejects.toThrow(/column 'nope' does not exist/);
  });

  it('hides, drops and deletes rows past the TTL (simulated clock)', async () => {
    const { SimulatedClock } = await import('../../core/index.ts');
    const clock = new SimulatedClock(1_000_000);
    const s = cpuSchema({ ttlMs: 1000 });
    const { store } = await openStore(s, { clock });
    const ms = (t: number) => BigInt(t) * 1_000_000n;
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: ms(999_500) }, { host: 'a', region: 'eu', usage_user: 2, ts: ms(998_000) }]), 1);
    expect(rowsOf(await store.scan({})).map((r) => r.usage_user)).toEqual([1]);
    const f = await store.flush();
    expect(f!.segment.rows).toBe(1);
    clock.advance(600);
    expect(await store.scan({})).toEqual([]);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 3, ts: ms(1_000_500) }]), 2);
    await store.flush();
    expect(store.stats().segments).toBe(2);
    const c = await store.compact();
    expect(c.expired).toBe(1);
    expect(store.stats().segments).toBe(1);
    expect(rowsOf(await store.scan({})).map((r) => r.usage_user)).toEqual([3]);
  });

  it('reads columns added by alterSchema as null from older segments, and grows the primary key', async () => {
    const s = cpuSchema();
    const { store, dir } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }]), 1);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'b', region: 'eu', usage_user: 2, ts: 1n }]), 2);
    const s2: TableSchema = { ...s, version: 2, primaryKey: [...s.primaryKey, 'dc'], columns: [...s.columns,
      { name: 'dc', type: 'string', semantic: 'tag', nullable: true }, { name: 'temp', type: 'float64', semantic: 'field', nullable: true }] };
    store.alterSchema(s2);
    store.apply(batchOf(s2, [{ host: 'a', region: 'eu', dc: 'x', temp: 30, ts: 1n }, { host: 'b', region: 'eu', usage_user: 9, ts: 1n }]), 3);
    const rows = sortRows(rowsOf(await store.scan({ columns: ['host', 'dc', 'usage_user', 'temp'] })));
    expect(rows).toEqual([
      { host: 'a', dc: null, usage_user: 1, temp: null, ts: 1n },
      { host: 'a', dc: 'x', usage_user: null, temp: 30, ts: 1n },
      { host: 'b', dc: null, usage_user: 9, temp: null, ts: 1n },
    ]);
    await store.flush();
    await store.compact();
    expect(sortRows(rowsOf(await store.scan({ columns: ['host', 'dc', 'usage_user', 'temp'] })))).toEqual(rows);
    await store.close();
    const again = await RegionStore.open({ dir, regionId: '4398046511104', schema: s });
    expect(again.schema.version).toBe(2);
    expect(() => again.alterSchema({ ...s2, version: 3, primaryKey: ['region'] })).toThrow(/primary key/);
  });

  it('casts a retyped field from the type each row was written with, in memtables, segments and after compaction', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    const retype = (v: number, type: 'boolean' | 'int64' | 'string'): TableSchema =>
      ({ ...s, version: v, columns: s.columns.map((c) => (c.name === 'usage_user' ? { ...c, type } : c)) });
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 0.5, ts: 1n }, { host: 'b', region: 'eu', usage_user: 0, ts: 1n }]), 1);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'c', region: 'eu', usage_user: 2.75, ts: 1n }]), 2);
    const asBool = retype(2, 'boolean');
    store.alterSchema(asBool);
    store.apply(batchOf(asBool, [{ host: 'd', region: 'eu', usage_user: true, ts: 1n }]), 3);
    const asInt = retype(3, 'int64');
    store.alterSchema(asInt);
    // Straight from the written type: 0.5 reads 0 as an integer, not 1 through the boolean it never was.
    const ints = [{ host: 'a', usage_user: 0n, ts: 1n }, { host: 'b', usage_user: 0n, ts: 1n }, { host: 'c', usage_user: 2n, ts: 1n }, { host: 'd', usage_user: 1n, ts: 1n }];
    expect(sortRows(rowsOf(await store.scan({ columns: ['host', 'usage_user'] })))).toEqual(ints);
    const asText = retype(4, 'string');
    store.alterSchema(asText);
    store.apply(batchOf(asText, [{ host: 'e', region: 'eu', usage_user: 'word', ts: 1n }]), 4);
    const texts = ['0.5', '0.0', '2.75', 'true', 'word'];
    const read = async () => sortRows(rowsOf(await store.scan({ columns: ['host', 'usage_user'] }))).map((r) => r.usage_user);
    expect(await read()).toEqual(texts);
    await store.flush();
    await store.compact();
    expect(await read()).toEqual(texts);
    // Compaction rewrote every row as text: from now on that is what they were written as.
    store.alterSchema({ ...s, version: 5 });
    expect(await read()).toEqual([0.5, 0, 2.75, null, null]);
    expect(() => store.alterSchema({ ...retype(6, 'int64'), columns: s.columns.map((c) => (c.name === 'host' ? { ...c, type: 'int64' } : c)) })).toThrow(/type of column host/);
  });

  it('reads a field dropped and added again under its name as new: its default, not the old values', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }]), 1);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'b', region: 'eu', usage_user: 2, ts: 1n }]), 2);
    const without: TableSchema = { ...s, version: 2, columns: s.columns.filter((c) => c.name !== 'usage_user') };
    store.alterSchema(without);
    const again: TableSchema = { ...s, version: 3, columns: [...without.columns, { name: 'usage_user', type: 'float64', semantic: 'field', nullable: true, defaultValue: 0, since: 3 }] };
    store.alterSchema(again);
    store.apply(batchOf(again, [{ host: 'c', region: 'eu', usage_user: 3, ts: 1n }]), 3);
    const read = async () => sortRows(rowsOf(await store.scan({ columns: ['host', 'usage_user'] }))).map((r) => r.usage_user);
    expect(await read()).toEqual([0, 0, 3]);
    await store.flush();
    await store.compact();
    expect(await read()).toEqual([0, 0, 3]);
  });

  it('strips a dropped field from WAL batches replayed after a restart, so the field added back stays new', async () => {
    const s = cpuSchema();
    const { store, dir } = await openStore(s);
    const old = batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }]);
    store.apply(old, 1);
    store.alterSchema({ ...s, version: 2, columns: s.columns.filter((c) => c.name !== 'usage_user') });
    const again: TableSchema = { ...s, version: 3, columns: [...s.columns.filter((c) => c.name !== 'usage_user'), { name: 'usage_user', type: 'float64', semantic: 'field', nullable: true, since: 3 }] };
    store.alterSchema(again);
    const fresh = batchOf(again, [{ host: 'b', region: 'eu', usage_user: 2, ts: 1n }]);
    store.apply(fresh, 2);
    await store.close();
    // nothing was flushed: a restart replays both writes from the WAL
    const reopened = await RegionStore.open({ dir, regionId: '4398046511104', schema: again });
    reopened.apply(old, 1);
    reopened.apply(fresh, 2);
    expect(sortRows(rowsOf(await reopened.scan({ columns: ['host', 'usage_user'] }))).map((r) => r.usage_user)).toEqual([null, 2]);
  });

  it("drops every row at compaction once the TTL is 'instant', so they stay gone when the TTL changes back", async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: BigInt(Date.now() - 1000) * 1_000_000n }]), 1);
    await store.flush();
    store.alterSchema({ ...s, version: 2, options: { extra: { ttl: 'instant' } } });
    expect(rowsOf(await store.scan({}))).toEqual([]);
    await store.compact();
    store.alterSchema({ ...s, version: 3, options: { ttlMs: 86_400_000 } });
    expect(rowsOf(await store.scan({}))).toEqual([]);
  });

  it('puts the newest of equal keys first in an append-only table, across memtable and segments', async () => {
    const s = cpuSchema({ appendMode: true });
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 5n }, { host: 'a', region: 'eu', usage_user: 2, ts: 5n }]), 1);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 3, ts: 5n }, { host: 'a', region: 'eu', usage_user: 0, ts: 1n }]), 2);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 4, ts: 5n }]), 3);
    const read = async () => rowsOf(await store.scan({ columns: ['usage_user'] })).map((r) => r.usage_user);
    expect(await read()).toEqual([0, 4, 3, 2, 1]);
    await store.flush();
    await store.compact();
    expect(await read()).toEqual([0, 4, 3, 2, 1]);
  });

  it('keeps the last write of rows written before the table became append-only', async () => {
    const s = cpuSchema();
    const { store } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 5n }]), 1);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 2, ts: 5n }]), 2);
    store.alterSchema({ ...s, version: 2, options: { appendMode: true } });
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 3, ts: 5n }]), 3);
    const read = async () => rowsOf(await store.scan({ columns: ['usage_user'] })).map((r) => r.usage_user);
    expect(await read()).toEqual([3, 2]);
    await store.flush();
    expect(await read()).toEqual([3, 2]);
  });

  it('truncates, skips WAL replays at or below flushedSeq, and reports stats', async () => {
    const s = cpuSchema();
    const { store, dir } = await openStore(s);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 5n }]), 7);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 2, ts: 6n }]), 8);
    expect(store.stats()).toMatchObject({ memRows: 1, segments: 1, segmentRows: 1, minTs: '5', maxTs: '6', flushedSeq: 7, lastSeq: 8 });
    expect(store.memBytes).toBeGreaterThan(0);
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 99, ts: 5n }]), 7);
    expect(rowsOf(await store.scan({})).map((r) => r.usage_user)).toEqual([1, 2]);
    await store.truncate();
    expect(await store.scan({})).toEqual([]);
    expect(store.flushedSeq).toBe(8);
    expect(await readdir(join(dir, 'segments'))).toEqual([]);
    expect(await store.flush()).toBeNull();
  });
});
