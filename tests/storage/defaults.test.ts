// Columns added by ALTER with a DEFAULT read back as that default for rows written before them.
import { afterEach, describe, expect, it } from 'vitest';
import type { ColumnSchema, TableSchema } from '../../core/index.ts';
import { RegionStore } from '../../storage/index.ts';
import { defaultOf } from '../../storage/defaults.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

const added: ColumnSchema[] = [
  { name: 'dc', type: 'string', semantic: 'tag', nullable: true, defaultValue: 'dc1' },
  { name: 'temp', type: 'float64', semantic: 'field', nullable: true, defaultValue: 21.5 },
  { name: 'cores', type: 'int64', semantic: 'field', nullable: true, defaultValue: 4 },
  { name: 'up', type: 'boolean', semantic: 'field', nullable: true, defaultValue: true },
  { name: 'note', type: 'string', semantic: 'field', nullable: true, defaultValue: 'n/a' },
  { name: 'seen', type: 'timestamp', semantic: 'field', nullable: true, unit: 'ms', defaultValue: '2024-01-01T00:00:00Z' },
  { name: 'plain', type: 'float64', semantic: 'field', nullable: true },
];

describe('defaults of added columns', () => {
  it('converts SQL literal defaults to storage values', () => {
    expect(defaultOf({ name: 'x', type: 'int64', semantic: 'field', nullable: true, defaultValue: '12' })).toBe(12n);
    expect(defaultOf({ name: 'x', type: 'boolean', semantic: 'field', nullable: true, defaultValue: 'false' })).toBe(0);
    expect(defaultOf({ name: 'x', type: 'timestamp', semantic: 'field', nullable: true, unit: 's', defaultValue: 10 })).toBe(10_000_000_000n);
    expect(defaultOf({ name: 'x', type: 'float64', semantic: 'field', nullable: true, defaultValue: null })).toBeNull();
  });

  it('reads the default for old rows in segments and memtables, before and after compaction', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const s = cpuSchema();
    const store = await RegionStore.open({ dir: t.dir, regionId: '1', schema: s });
    store.apply(batchOf(s, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }]), 1);
    await store.flush();
    store.apply(batchOf(s, [{ host: 'b', region: 'eu', usage_user: 2, ts: 1n }]), 2);
    const s2: TableSchema = { ...s, version: 2, primaryKey: [...s.primaryKey, 'dc'], columns: [...s.columns, ...added] };
    store.alterSchema(s2);
    store.apply(batchOf(s2, [{ host: 'c', region: 'eu', dc: 'dc9', temp: 1, cores: 2n, up: false, note: null, seen: 5n, plain: 3, ts: 1n }]), 3);
    const old = { dc: 'dc1', temp: 21.5, cores: 4n, up: true, note: 'n/a', seen: 1_704_067_200_000_000_000n, plain: null };
    const want = [
      { host: 'a', region: 'eu', usage_user: 1, usage_system: null, ts: 1n, ...old },
      { host: 'b', region: 'eu', usage_user: 2, usage_system: null, ts: 1n, ...old },
      { host: 'c', region: 'eu', usage_user: null, usage_system: null, ts: 1n, dc: 'dc9', temp: 1, cores: 2n, up: false, note: null, seen: 5n, plain: 3 },
    ];
    const norm = (rows: Record<string, unknown>[]) => sortRows(rows as never).map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    expect(norm(rowsOf(await store.scan({})))).toEqual(norm(want));
    expect(rowsOf(await store.scan({ tagFilter: { dc: ['dc1'] }, columns: ['host'] })).map((r) => r.host)).toEqual(['a', 'b']);
    await store.flush();
    expect(norm(rowsOf(await store.scan({})))).toEqual(norm(want));
    await store.compact();
    expect(norm(rowsOf(await store.scan({})))).toEqual(norm(want));
  });
});
