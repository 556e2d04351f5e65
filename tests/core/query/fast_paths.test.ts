// Fast paths equal the plain ones on random input: WHERE conjuncts the scan enforced (not tested again) vs the same
// WHERE over a derived table (tested row by row), and date_bin / GROUP BY over timestamp offsets (date_bin's buckets kept
// as offsets, their values built only when read) vs BigInt arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../core/query/index.ts';
import { MemoryCatalog } from '../../sql/memory_context.ts';

const HOSTS = ['h1', 'h2', 'h3', 'h4'];
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 11, 6);

async function table(rows: { host: string | null; ts: number; v: number }[]) {
  const cat = new MemoryCatalog();
  const ctx = cat.context();
  await executeSql(ctx, 'CREATE TABLE t (host STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, PRIMARY KEY(host))');
  if (rows.length) {
    await executeSql(ctx, `INSERT INTO t VALUES ${rows.map((r) => `(${r.host === null ? 'NULL' : `'${r.host}'`}, ${r.ts}, ${r.v})`).join(', ')}`);
  }
  return ctx;
}

async function rowsOf(ctx: Awaited<ReturnType<typeof table>>, sql: string): Promise<unknown[][]> {
  const [out] = await executeSql(ctx, sql);
  if (out?.kind !== 'records') throw new Error('expected records');
  return out.rows;
}

const iso = (ms: number, extra = '') => `'${new Date(ms).toISOString().replace('Z', '')}${extra}Z'`;

// Rows within one day, or spread over decades (beyond the exact span of the offsets: the plain path).
const rowsArb = fc.oneof(
  fc.array(fc.record({ host: fc.option(fc.constantFrom(...HOSTS), { nil: null }), ts: fc.integer({ min: BASE, max: BASE + DAY }), v: fc.integer({ min: 0, max: 100 }) }), { maxLength: 40 }),
  fc.array(fc.record({ host: fc.option(fc.constantFrom(...HOSTS), { nil: null }), ts: fc.integer({ min: -20 * 365 * DAY, max: BASE + 20 * 365 * DAY }), v: fc.integer({ min: 0, max: 100 }) }), { maxLength: 40 }),
);

const conjunctArb = fc.oneof(
  fc.record({ op: fc.constantFrom('>=', '>', '<', '<=', '='), at: fc.integer({ min: BASE - DAY, max: BASE + 2 * DAY }), subMs: fc.boolean() })
    .map(({ op, at, subMs }) => `ts ${op} ${iso(at, subMs ? '500' : '')}`),
  fc.constantFrom(...HOSTS).map((h) => `host = '${h}'`),
  fc.subarray(HOSTS, { minLength: 1 }).map((hs) => `host IN (${hs.map((h) => `'${h}'`).join(', ')})`),
  fc.integer({ min: 0, max: 100 }).map((k) => `v > ${k}`),
);

describe('fast paths vs plain paths', () => {
  it('WHERE conjuncts enforced by the scan give the rows the executor would keep', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.array(conjunctArb, { minLength: 1, maxLength: 4 }), async (raw, cs) => {
        const ctx = await table(raw);
        const where = cs.join(' AND ');
        const fast = await rowsOf(ctx, `SELECT host, ts, v FROM t WHERE ${where} ORDER BY host, ts`);
        const plain = await rowsOf(ctx, `SELECT host, ts, v FROM (SELECT * FROM t) s WHERE ${where} ORDER BY host, ts`);
        expect(fast).toEqual(plain);
      }),
      { numRuns: 150 },
    );
  });

  it('date_bin and GROUP BY over timestamp offsets equal BigInt arithmetic', async () => {
    const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.constantFrom('1 second', '7 seconds', '1 minute', '13 minutes', '1 hour', '1 day', '3 days'),
        fc.option(fc.integer({ min: -DAY, max: DAY }), { nil: null }),
        async (raw, stride, origin) => {
          const ctx = await table(raw);
          const strideMs = BigInt({ '1 second': 1000, '7 seconds': 7000, '1 minute': 60_000, '13 minutes': 780_000, '1 hour': 3_600_000, '1 day': DAY, '3 days': 3 * DAY }[stride]!);
          const originArg = origin === null ? '' : `, ${iso(BASE + origin)}`;
          const o = BigInt(origin === null ? 0 : BASE + origin);
          const got = await rowsOf(ctx, `SELECT date_bin(INTERVAL '${stride}', ts${originArg}) AS b, count(*) AS n, max(v) AS m FROM t GROUP BY b ORDER BY b`);
          // the reference: buckets and their counts in BigInt milliseconds
          const stored = await rowsOf(ctx, 'SELECT ts, v FROM t');
          const want = new Map<bigint, { n: number; m: number }>();
          for (const [ts, v] of stored) {
            const b = o + floorDiv(BigInt(ts as number) - o, strideMs) * strideMs;
            const g = want.get(b) ?? { n: 0, m: -Infinity };
            g.n++;
            g.m = Math.max(g.m, v as number);
            want.set(b, g);
          }
          const expected = [...want].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([b, g]) => [Number(b), g.n, g.m]);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('date_bin buckets kept as offsets (grouped with a tag, read back whole, nested, over nulls) equal BigInt arithmetic', async () => {
    const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
    const STRIDES: Record<string, number> = { '1 second': 1000, '7 seconds': 7000, '13 minutes': 780_000, '1 hour': 3_600_000, '3 days': 3 * DAY };
    const cmp = (a: unknown[], b: unknown[]) => JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.constantFrom(...Object.keys(STRIDES)), async (raw, stride) => {
        const ctx = await table(raw);
        const bin = (ms: number, by = BigInt(STRIDES[stride]!)) => Number(floorDiv(BigInt(ms), by) * by);
        const stored = await rowsOf(ctx, 'SELECT host, ts, v FROM t');
        // grouped by a tag and the bucket: the bucket numbers index a table, the keys are read back for each group
        const grouped = await rowsOf(ctx, `SELECT host, date_bin(INTERVAL '${stride}', ts) AS b, count(*) AS n, sum(v) AS s FROM t GROUP BY host, b`);
        const want = new Map<string, [unknown, number, number, number]>();
        for (const [h, ts, v] of stored) {
          const k = `${h}|${bin(ts as number)}`;
          const g = want.get(k) ?? [h, bin(ts as number), 0, 0];
          g[2]++;
          g[3] += v as number;
          want.set(k, g);
        }
        expect([...grouped].sort(cmp)).toEqual([...want.values()].sort(cmp));
        // every row's bucket read back (the lazy vector's values), and a bucket of buckets
        const each = await rowsOf(ctx, `SELECT ts, date_bin(INTERVAL '${stride}', ts) AS b, date_bin(INTERVAL '1 day', date_bin(INTERVAL '${stride}', ts)) AS d FROM t`);
        expect([...each].sort(cmp)).toEqual(stored.map(([, ts]) => [ts, bin(ts as number), bin(bin(ts as number), BigInt(DAY))]).sort(cmp));
        // over a timestamp with nulls: null is a group of its own
        const nulls = await rowsOf(ctx, `SELECT date_bin(INTERVAL '${stride}', CASE WHEN v > 50 THEN ts END) AS b, count(*) AS n FROM t GROUP BY b`);
        const counts = new Map<number | null, number>();
        for (const [, ts, v] of stored) {
          const b = (v as number) > 50 ? bin(ts as number) : null;
          counts.set(b, (counts.get(b) ?? 0) + 1);
        }
        expect([...nulls].sort(cmp)).toEqual([...counts].map(([b, n]) => [b, n]).sort(cmp));
      }),
      { numRuns: 150 },
    );
  });

  it('GROUP BY a double key (nulls, -0, repeats) gives the groups a text key gives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.constantFrom(0, -0, 1.5, -2, 3, 1e300), { nil: null }), { maxLength: 40 }), async (vs) => {
        const ctx = await table(vs.map((v, i) => ({ host: 'h1', ts: BASE + i, v: 0 })));
        if (vs.length) await executeSql(ctx, `INSERT INTO t VALUES ${vs.map((v, i) => `('h1', ${BASE + i}, ${v === null ? 'NULL' : String(v)})`).join(', ')}`);
        const fast = await rowsOf(ctx, 'SELECT v, count(*) FROM t GROUP BY v ORDER BY v NULLS LAST');
        const plain = await rowsOf(ctx, 'SELECT CAST(v AS STRING) AS k, count(*) FROM t GROUP BY k ORDER BY min(v) NULLS LAST');
        expect(fast.map((r) => r[1])).toEqual(plain.map((r) => r[1]));
        expect(fast.length).toBe(new Set(vs.map((v) => (v === null ? 'null' : String(v === 0 ? 0 : v)))).size);
      }),
      { numRuns: 100 },
    );
  });
});

