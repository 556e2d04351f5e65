// Differential property: random small tables, filters, GROUP BY and aggregates vs a naive row-at-a-time reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../core/query/index.ts';
import { MemoryCatalog } from '../../sql/memory_context.ts';

interface Row { host: string; ts: number; a: number | null; b: number | null }

const rowArb = fc.record({
  host: fc.constantFrom('h1', 'h2', 'h3'),
  a: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null }),
  b: fc.option(fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 4) / 4), { nil: null }),
});
const filterArb = fc.record({
  col: fc.constantFrom('a', 'b'),
  op: fc.constantFrom('>', '<', '=', '>=', 'IS NULL', 'IS NOT NULL'),
  k: fc.integer({ min: -10, max: 10 }),
});
const AGGS = ['count(*)', 'count(a)', 'sum(a)', 'min(b)', 'max(b)', 'avg(b)', 'min(a)', 'max(a)'] as const;
const aggArb = fc.subarray([...AGGS], { minLength: 1 });

function reference(rows: Row[], f: { col: 'a' | 'b'; op: string; k: number } | null, group: boolean, aggs: readonly string[]): unknown[][] {
  const keep = rows.filter((r) => {
    if (!f) return true;
    const v = r[f.col];
    switch (f.op) {
      case 'IS NULL': return v === null;
      case 'IS NOT NULL': return v !== null;
      default:
        if (v === null) return false;
        return f.op === '>' ? v > f.k : f.op === '<' ? v < f.k : f.op === '=' ? v === f.k : v >= f.k;
    }
  });
  const groups = new Map<string, Row[]>();
  if (!group) groups.set('', keep);
  else for (const r of keep) groups.set(r.host, [...(groups.get(r.host) ?? []), r]);
  const out: unknown[][] = [];
  for (const [host, rs] of [...groups].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const row: unknown[] = group ? [host] : [];
    for (const a of aggs) {
      const col = a.includes('(a)') ? 'a' : 'b';
      const vals = rs.map((r) => r[col]).filter((v): v is number => v !== null);
      if (a === 'count(*)') row.push(rs.length);
      else if (a.startsWith('count')) row.push(vals.length);
      else if (!vals.length) row.push(null);
      else if (a.startsWith('sum')) row.push(vals.reduce((x, y) => x + y, 0));
      else if (a.startsWith('min')) row.push(Math.min(...vals));
      else if (a.startsWith('max')) row.push(Math.max(...vals));
      else row.push(vals.reduce((x, y) => x + y, 0) / vals.length);
    }
    out.push(row);
  }
  return out;
}

describe('executor vs reference', () => {
  it('filters, groups and aggregates like a naive evaluator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 30 }), fc.option(filterArb, { nil: null }), fc.boolean(), aggArb, async (raw, f, group, aggs) => {
        const rows: Row[] = raw.map((r, i) => ({ ...r, ts: i * 1000 }));
        const cat = new MemoryCatalog();
        const ctx = cat.context();
        await executeSql(ctx, 'CREATE TABLE t (host STRING, ts TIMESTAMP TIME INDEX, a BIGINT, b DOUBLE, PRIMARY KEY(host))');
        if (rows.length) {
          const lit = (v: number | null) => (v === null ? 'NULL' : String(v));
          await executeSql(ctx, `INSERT INTO t VALUES ${rows.map((r) => `('${r.host}', ${r.ts}, ${lit(r.a)}, ${lit(r.b)})`).join(', ')}`);
        }
        const where = f ? ` WHERE ${f.col} ${f.op}${f.op.startsWith('IS') ? '' : ' ' + f.k}` : '';
        const sql = `SELECT ${group ? 'host, ' : ''}${aggs.join(', ')} FROM t${where}${group ? ' GROUP BY host ORDER BY host' : ''}`;
        const [out] = await executeSql(ctx, sql);
        if (out?.kind !== 'records') throw new Error('expected records');
        const want = reference(rows, f as never, group, aggs);
        expect(out.rows.length).toBe(want.length);
        out.rows.forEach((r, i) => r.forEach((v, j) => {
          const w = want[i]![j];
          if (typeof w === 'number' && typeof v === 'number') expect(v).toBeCloseTo(w, 6);
          else expect(v).toEqual(w);
        }));
        expect(out.columns.map((c) => c.name)).toEqual([...(group ? ['host'] : []), ...aggs.map((a) => (a === 'count(*)' ? a : a.replace('(', '(t.')))]);
      }),
      { numRuns: 150 },
    );
  });
});

// 64-bit integers beyond 2^53: filters, arithmetic (wrapping modulo 2^64) and casts to text against BigInt.
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n, SAFE = 2n ** 53n;
const i64Arb = fc.oneof(
  fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  fc.constantFrom(I64_MIN, I64_MAX, I64_MIN + 1n, I64_MAX - 1n, SAFE, SAFE + 1n, -SAFE - 1n, 0n, -1n),
  fc.bigInt({ min: SAFE - 4n, max: SAFE + 4n }),
);
const u64Arb = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(0n, U64_MAX, U64_MAX - 1n, I64_MAX, I64_MAX + 1n, SAFE + 1n));
const wideRowArb = fc.record({ c: fc.option(i64Arb, { nil: null }), u: fc.option(u64Arb, { nil: null }) });
const CMPS = ['=', '<>', '<', '<=', '>', '>='] as const;

function cmpBig(op: (typeof CMPS)[number], x: bigint, y: bigint): boolean {
  switch (op) {
    case '=': return x === y;
    case '<>': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}

describe('executor vs reference: int64 and uint64 beyond 2^53', () => {
  it('filters, computes and casts 64-bit integers exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(wideRowArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...CMPS), i64Arb, fc.constantFrom('+', '-', '*'), i64Arb, fc.constantFrom(...CMPS), u64Arb,
        async (rows, cop, k, aop, m, uop, uk) => {
          const cat = new MemoryCatalog();
          const ctx = cat.context();
          await executeSql(ctx, 'CREATE TABLE w (ts TIMESTAMP TIME INDEX, c BIGINT, u BIGINT UNSIGNED)');
          const lit = (v: bigint | null) => (v === null ? 'NULL' : String(v));
          await executeSql(ctx, `INSERT INTO w VALUES ${rows.map((r, i) => `(${i}, ${lit(r.c)}, ${lit(r.u)})`).join(', ')}`);
          const run = async (sql: string) => {
            const [out] = await executeSql(ctx, sql);
            if (out?.kind !== 'records') throw new Error('expected records');
            return out.rows;
          };
          // c <cop> k, and (c <aop> m)::string on the rows kept, in ts order
          const kept = rows.map((r, i) => ({ ...r, i })).filter((r) => r.c !== null && cmpBig(cop, r.c, k));
          const apply = (x: bigint) => BigInt.asIntN(64, aop === '+' ? x + m : aop === '-' ? x - m : x * m);
          expect(await run(`SELECT c::string, (c ${aop} (${lit(m)}))::string FROM w WHERE c ${cop} ${lit(k)} ORDER BY ts`))
            .toEqual(kept.map((r) => [String(r.c), String(apply(r.c!))]));
          // u <uop> uk over unsigned values, and an Int64 against UInt64 comparison
          const ukept = rows.filter((r) => r.u !== null && cmpBig(uop, r.u, uk)).length;
          const mixed = rows.filter((r) => r.c !== null && r.u !== null && r.c < r.u).length;
          expect(await run(`SELECT count(*) FROM w WHERE u ${uop} ${lit(uk)}`)).toEqual([[ukept]]);
          expect(await run('SELECT count(*) FROM w WHERE c < u')).toEqual([[mixed]]);
          expect(await run('SELECT u::string FROM w ORDER BY ts')).toEqual(rows.map((r) => [r.u === null ? null : String(r.u)]));
        },
      ),
      { numRuns: 120 },
    );
  });
});

// Float32, NaN / infinities and Decimal128 against a reference in plain JS: Math.fround for 32-bit arithmetic,
// IEEE total order (NaN = NaN, NaN above +inf) for comparisons, half-away-from-zero rounding at a decimal's scale.
const specialArb = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 1000) / 1000),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1, -1),
);
const floatRowArb = fc.record({ f: fc.option(specialArb, { nil: null }), g: fc.option(fc.integer({ min: -5000, max: 5000 }).map((x) => x / 8), { nil: null }) });

function totalCmp(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
  if (Number.isNaN(y)) return -1;
  return x === y ? 0 : x < y ? -1 : 1;
}
const holds = (op: (typeof CMPS)[number], c: number) =>
  op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
const literal = (x: number) => (Number.isNaN(x) ? "'NaN'::DOUBLE" : x === Infinity ? "'inf'::DOUBLE" : x === -Infinity ? "'-inf'::DOUBLE" : String(x));
// a decimal has no negative zero (-0.001 at scale 0 is 0)
const halfAway = (x: number, s: number) => { const k = 10 ** s; const r = Math.round(Number((Math.abs(x) * k).toPrecision(15))); return (x < 0 ? -r : r) / k + 0; };

describe('executor vs reference: Float32, NaN and Decimal128', () => {
  it('computes Float32 in 32 bits, orders NaN above infinity and rounds decimals at their scale', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(floatRowArb, { minLength: 1, maxLength: 20 }), fc.constantFrom(...CMPS), specialArb, fc.integer({ min: -9, max: 9 }), fc.integer({ min: 0, max: 4 }),
        async (rows, op, k, m, scale) => {
          const cat = new MemoryCatalog();
          const ctx = cat.context();
          await executeSql(ctx, 'CREATE TABLE fl (ts TIMESTAMP TIME INDEX, f DOUBLE, g FLOAT)');
          const lit = (v: number | null) => (v === null ? 'NULL' : literal(v));
          await executeSql(ctx, `INSERT INTO fl VALUES ${rows.map((r, i) => `(${i}, ${lit(r.f)}, ${lit(r.g)})`).join(', ')}`);
          const run = async (sql: string) => {
            const [out] = await executeSql(ctx, sql);
            if (out?.kind !== 'records') throw new Error('expected records');
            return out.rows;
          };
          const kept = rows.filter((r) => r.f !== null && holds(op, totalCmp(r.f, k))).length;
          expect(await run(`SELECT count(*) FROM fl WHERE f ${op} ${literal(k)}`)).toEqual([[kept]]);
          // g * m stays Float32: the product of the stored 32-bit value, rounded to 32 bits
          const prod = await run(`SELECT g * ${m}, arrow_typeof(g * ${m}) FROM fl ORDER BY ts`);
          prod.forEach((r, i) => {
            const g = rows[i]!.g;
            expect(r[1]).toBe('Float32');
            expect(r[0]).toBe(g === null ? null : Math.fround(Math.fround(g) * m));
          });
          // a finite f cast to DECIMAL(20, scale): rounded half away from zero at the scale
          const dec = await run(`SELECT CAST(f AS DECIMAL(20, ${scale})) FROM fl WHERE f > -1e7 AND f < 1e7 ORDER BY ts`);
          const finite = rows.filter((r) => r.f !== null && Number.isFinite(r.f));
          expect(dec.map((r) => Number(r[0]))).toEqual(finite.map((r) => halfAway(r.f!, scale)));
        }),
      { numRuns: 120 },
    );
  });
});
