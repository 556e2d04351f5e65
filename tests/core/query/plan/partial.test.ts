// Partial aggregation pushed into regions: a table split over three real region stores answers every query the same
// with the regions aggregating (and the frontend merging) as with the frontend pulling their rows.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TableSchema, WriteBatch } from '../../../../core/index.ts';
import { executeSql, runPartial, type QueryContext, type ScanSpec } from '../../../../core/query/index.ts';
import { RegionStore } from '../../../../storage/index.ts';

const schema: TableSchema = {
  id: 1100, db: 'public', name: 'm', version: 0, timeIndex: 'ts', primaryKey: ['host', 'dc'], regions: 3, createdAt: 0, options: {},
  columns: [
    { name: 'host', type: 'string', semantic: 'tag', nullable: true },
    { name: 'dc', type: 'string', semantic: 'tag', nullable: true },
    { name: 'ts', type: 'timestamp', unit: 'ms', semantic: 'timestamp', nullable: false },
    { name: 'v', type: 'float64', semantic: 'field', nullable: true },
    { name: 'n', type: 'int64', semantic: 'field', nullable: true },
  ],
} as TableSchema;

interface Row { host: string; dc: string | null; ts: number; v: number | null; n: number | null }
const HOSTS = ['a', 'b', 'c', 'd', 'e'];

function batchOf(rows: Row[]): WriteBatch {
  return {
    table: 'm', rows: rows.length, columns: [
      { name: 'host', semantic: 'tag', type: 'string', values: rows.map((r) => r.host), valid: null },
      { name: 'dc', semantic: 'tag', type: 'string', values: rows.map((r) => r.dc ?? ''), valid: Uint8Array.from(rows, (r) => (r.dc === null ? 0 : 1)) },
      { name: 'ts', semantic: 'timestamp', type: 'timestamp', values: BigInt64Array.from(rows, (r) => BigInt(r.ts) * 1_000_000n), valid: null },
      { name: 'v', semantic: 'field', type: 'float64', values: Float64Array.from(rows, (r) => r.v ?? 0), valid: Uint8Array.from(rows, (r) => (r.v === null ? 0 : 1)) },
      { name: 'n', semantic: 'field', type: 'int64', values: BigInt64Array.from(rows, (r) => BigInt(r.n ?? 0)), valid: Uint8Array.from(rows, (r) => (r.n === null ? 0 : 1)) },
    ],
  } as unknown as WriteBatch;
}

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** One context over every region (rows pulled), and one that also runs partial aggregates in each region. */
async function contexts(rows: Row[]): Promise<{ plain: QueryContext; pushed: QueryContext; calls: () => number; close: () => Promise<void> }> {
  const stores: RegionStore[] = [];
  for (let r = 0; r < 3; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-partial-'));
    dirs.push(dir);
    const store = await RegionStore.open({ dir, regionId: String(r), schema });
    // Region by host, as PARTITION ON COLUMNS (host) would split them; half flushed, half in the memtable.
    const mine = rows.filter((x) => HOSTS.indexOf(x.host) % 3 === r);
    const half = Math.floor(mine.length / 2);
    if (half) { store.apply(batchOf(mine.slice(0, half)), 1); await store.flush(); }
    if (mine.length > half) store.apply(batchOf(mine.slice(half)), 2);
    stores.push(store);
  }
  const base = (scan: (spec: ScanSpec) => ReturnType<QueryContext['scan']>): QueryContext => ({
    db: 'public', now: () => 0, getTable: async (db: string, name: string) => (db === 'public' && name === 'm' ? schema : null),
    listTables: async () => ['m'], listDatabases: async () => ['public'], scan: (_s: TableSchema, spec: ScanSpec) => scan(spec),
  }) as unknown as QueryContext;
  const all = async (spec: ScanSpec) => (await Promise.all(stores.map((s) => s.scan(spec)))).flat();
  let calls = 0;
  const pushed: QueryContext = {
    ...base(all),
    partialAggregate: async (_s, sql) => { calls++; return Promise.all(stores.map((s) => runPartial(base((spec) => s.scan(spec)), sql))); },
  };
  return { plain: base(all), pushed, calls: () => calls, close: async () => { for (const s of stores) await s.close(); } };
}

const rowArb = fc.record({
  host: fc.constantFrom(...HOSTS),
  dc: fc.option(fc.constantFrom('eu', 'us'), { nil: null }),
  ts: fc.integer({ min: 0, max: 59 }).map((s) => 1_700_000_000_000 + s * 1000),
  v: fc.option(fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constant(Number.NaN)), { nil: null }),
  n: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
});
const AGGS = ['count(*)', 'count(v)', 'sum(v)', 'avg(v)', 'min(v)', 'max(v)', 'sum(n)', 'avg(n)', 'min(n)', 'max(ts)', 'max(dc)', 'mean(n)', 'max(v) - min(v)',
  'last_value(v ORDER BY ts)', 'first_value(n ORDER BY ts)', 'last_value(dc ORDER BY ts DESC)'];
const KEYS = ['host', 'dc', "date_bin(INTERVAL '10 seconds', ts)"];
const WHERES = ['', 'WHERE v > 0', "WHERE host IN ('a', 'd')", "WHERE ts >= '2023-11-14T22:13:30Z'", 'WHERE n IS NOT NULL AND n < 500'];

/** Answers as comparable rows: numbers rounded to 9 significant digits (sums in another order round differently). */
function norm(out: unknown): unknown {
  const o = (out as { kind: string; columns?: { name: string }[]; rows?: unknown[][] });
  const round = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(9)) : typeof x === 'bigint' ? String(x) : x);
  return { names: o.columns?.map((c) => c.name), rows: o.rows?.map((r) => r.map(round)) };
}

describe('partial aggregation in regions', () => {
  it('property: random GROUP BY / aggregate / WHERE / HAVING queries give the same answer pushed down as pulled', async () => {
    await fc.assert(fc.asyncProperty(
      // Distinct times: first_value / last_value between rows of equal time may pick either, pushed or not.
      fc.array(rowArb, { maxLength: 120 }).map((rs) => rs.map((r, i) => ({ ...r, ts: 1_700_000_000_000 + i * 1000 }))),
      fc.subarray(AGGS, { minLength: 1, maxLength: 4 }),
      fc.subarray(KEYS),
      fc.constantFrom(...WHERES),
      fc.boolean(),
      async (rows, aggs, keys, where, having) => {
        const c = await contexts(rows);
        const select = [...keys, ...aggs].join(', ');
        const sql = `SELECT ${select} FROM m ${where}${keys.length ? ` GROUP BY ${keys.join(', ')}` : ''}${having ? ' HAVING count(*) > 1' : ''}` +
          `${keys.length ? ` ORDER BY ${keys.map((_, i) => `${i + 1}`).join(', ')}` : ''}`;
        const want = await executeSql(c.plain, sql);
        const got = await executeSql(c.pushed, sql);
        expect(norm(got[0]), sql).toEqual(norm(want[0]));
        expect(c.calls()).toBe(1);
        await c.close();
      },
    ), { numRuns: 40 });
  });

  it('queries that cannot merge exactly (DISTINCT, aggregates ordered by other than time, windows) still pull rows', async () => {
    const c = await contexts([{ host: 'a', dc: 'eu', ts: 1_700_000_000_000, v: 1, n: 2 }, { host: 'b', dc: 'eu', ts: 1_700_000_001_000, v: 3, n: 4 }]);
    for (const sql of ['SELECT count(DISTINCT host) FROM m', 'SELECT last_value(v ORDER BY n) FROM m', 'SELECT host, sum(v) OVER (PARTITION BY host) FROM m', 'SELECT * FROM m']) {
      expect(norm((await executeSql(c.pushed, sql))[0]), sql).toEqual(norm((await executeSql(c.plain, sql))[0]));
    }
    expect(c.calls()).toBe(0);
    await c.close();
  });
});
