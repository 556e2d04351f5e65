// Fast paths equal the plain ones on random input: WHERE conjuncts the scan enforced (not tested again) vs the same
// WHERE over a derived table (tested row by row), and date_bin / GROUP BY over timestamp offsets vs BigInt arithmetic.
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
});
