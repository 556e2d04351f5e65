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
import { valueAt } from '../../../../core/query/aggregate/aggregate.ts';
import type { Rel } from '../../../../core/query/plan/rel.ts';
import type { Vec } from '../../../../core/query/vector.ts';

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

interface Row { host: string; dc: string | null; ts: number; v: number | null; n: bigint | null }
const HOSTS = ['a', 'b', 'c', 'd', 'e'];

function batchOf(rows: Row[]): WriteBatch {
  return {
    table: 'm', rows: rows.length, columns: [
      { name: 'host', semantic: 'tag', type: 'string', values: rows.map((r) => r.host), valid: null },
      { name: 'dc', semantic: 'tag', type: 'string', values: rows.map((r) => r.dc ?? ''), valid: Uint8Array.from(rows, (r) => (r.dc === null ? 0 : 1)) },
      { name: 'ts', semantic: 'timestamp', type: 'timestamp', values: BigInt64Array.from(rows, (r) => BigInt(r.ts) * 1_000_000n), valid: null },
      { name: 'v', semantic: 'field', type: 'float64', values: Float64Array.from(rows, (r) => r.v ?? 0), valid: Uint8Array.from(rows, (r) => (r.v === null ? 0 : 1)) },
      { name: 'n', semantic: 'field', type: 'int64', values: BigInt64Array.from(rows, (r) => r.n ?? 0n), valid: Uint8Array.from(rows, (r) => (r.n === null ? 0 : 1)) },
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
  // small ints, and int64 beyond 2^53 up to its edges (sums of these wrap, as DataFusion's do)
  n: fc.option(fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.constantFrom(2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 53n) - 1n)), { nil: null }),
});
const AGGS = ['count(*)', 'count(v)', 'sum(v)', 'avg(v)', 'min(v)', 'max(v)', 'sum(n)', 'avg(n)', 'min(n)', 'max(n)', 'max(ts)', 'max(dc)', 'mean(n)', 'max(v) - min(v)',
  'last_value(v ORDER BY ts)', 'first_value(n ORDER BY ts)', 'last_value(n ORDER BY ts)', 'last_value(dc ORDER BY ts DESC)', 'count(n)'];
const KEYS = ['host', 'dc', "date_bin(INTERVAL '10 seconds', ts)"];
const WHERES = ['', 'WHERE v > 0', "WHERE host IN ('a', 'd')", "WHERE ts >= '2023-11-14T22:13:30Z'", 'WHERE n IS NOT NULL AND n < 500', 'WHERE n > 9007199254740993'];

/**
 * Answers as comparable rows: doubles rounded to 9 significant digits (sums in another order round differently),
 * integers exact (every digit of an int64, read from the result's columns, not through a double).
 */
function norm(out: unknown): unknown {
  const o = (out as { kind: string; columns?: { name: string; dataType: string }[]; rel?: Rel });
  const round = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? Number(x.toPrecision(9)) : typeof x === 'bigint' ? String(x) : x);
  const rel = o.rel;
  if (!rel) return { names: undefined, rows: undefined };
  const rows = Array.from({ length: rel.len }, (_, i) => rel.cols.map((c) => {
    if (c.kind === 'num' && (c.dt === 'Int64' || c.dt === 'UInt64')) return c.valid && !c.valid[i] ? null : exact(c, i);
    return round(valueAt(c, i));
  }));
  return { names: o.columns?.map((c) => c.name), types: o.columns?.map((c) => c.dataType), rows };
}

/** An int64 cell's exact digits. */
function exact(c: Vec, i: number): string {
  return String(valueAt(c, i) === null ? null : c.kind === 'num' && c.big ? c.big[i] : BigInt(c.v[i] as number));
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

  it('int64 beyond 2^53 crosses the partial wire form exactly: sum wraps as DataFusion does, min/max keep every digit', async () => {
    const big = 2n ** 63n - 1n;
    const rows: Row[] = [
      { host: 'a', dc: 'eu', ts: 1_700_000_000_000, v: 1, n: big },
      { host: 'b', dc: 'eu', ts: 1_700_000_001_000, v: 1, n: 1n },
      { host: 'c', dc: 'us', ts: 1_700_000_002_000, v: 1, n: 2n ** 53n + 1n },
      { host: 'd', dc: 'us', ts: 1_700_000_003_000, v: 1, n: -(2n ** 53n) - 3n },
    ];
    const c = await contexts(rows);
    const sql = 'SELECT sum(n), min(n), max(n), count(n), avg(n), first_value(n ORDER BY ts), last_value(n ORDER BY ts), dc FROM m GROUP BY dc ORDER BY dc';
    const pushed = norm((await executeSql(c.pushed, sql))[0]);
    const pulled = norm((await executeSql(c.plain, sql))[0]);
    expect(c.calls()).toBe(1);
    expect(pushed).toEqual(pulled);
    const wrap = (x: bigint) => BigInt.asIntN(64, x);
    expect((pushed as { rows: unknown[][] }).rows).toEqual([
      [String(wrap(big + 1n)), '1', String(big), '2', Number((2 ** 62).toPrecision(9)), String(big), '1', 'eu'],
      [String(2n ** 53n + 1n - 2n ** 53n - 3n), String(-(2n ** 53n) - 3n), String(2n ** 53n + 1n), '2', -1, String(2n ** 53n + 1n), String(-(2n ** 53n) - 3n), 'us'],
    ]);
    expect((pushed as { types: string[] }).types.slice(0, 4)).toEqual(['Int64', 'Int64', 'Int64', 'Int64']);
    await c.close();
  });

  it('queries that cannot merge exactly (DISTINCT, aggregates ordered by other than time, windows) still pull rows', async () => {
    const c = await contexts([{ host: 'a', dc: 'eu', ts: 1_700_000_000_000, v: 1, n: 2n }, { host: 'b', dc: 'eu', ts: 1_700_000_001_000, v: 3, n: 4n }]);
    for (const sql of ['SELECT count(DISTINCT host) FROM m', 'SELECT last_value(v ORDER BY n) FROM m', 'SELECT host, sum(v) OVER (PARTITION BY host) FROM m', 'SELECT * FROM m']) {
      expect(norm((await executeSql(c.pushed, sql))[0]), sql).toEqual(norm((await executeSql(c.plain, sql))[0]));
    }
    expect(c.calls()).toBe(0);
    await c.close();
  });
});
