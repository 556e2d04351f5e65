// Timestamps of the four units: casts between them truncate as Arrow does, comparisons meet in the coarser unit
// (DataFusion's coercion), and the casts Arrow has no kernel for are refused whole, checked against BigInt arithmetic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castTo, compare, refusedCast } from '../../../../core/query/expr/index.ts';
import type { TsVec, Vec } from '../../../../core/query/vector.ts';
import { TS_NAME, UNIT_NS } from '../../../../core/query/vector.ts';
import type { TimeUnit } from '../../../../core/schema.ts';
import { executeSql } from '../../../../core/query/index.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const UNITS: TimeUnit[] = ['s', 'ms', 'us', 'ns'];
const POS = { line: 1, column: 1, offset: 0 };
// instants an int64 of nanoseconds holds
const instant = fc.bigInt({ min: -9_223_372_036_854_775_807n, max: 9_223_372_036_854_775_807n });
const unit = fc.constantFrom(...UNITS);

/** A vector of `unit` holding each instant truncated to that unit (toward zero, as a string cast does). */
function tsOf(u: TimeUnit, ns: bigint[]): TsVec {
  const d = UNIT_NS[u];
  return { kind: 'ts', dt: TS_NAME[u], unit: u, v: BigInt64Array.from(ns.map((x) => (x / d) * d)), valid: null };
}

async function rowsOf(ctx: ReturnType<MemoryCatalog['context']>, sql: string): Promise<unknown[][]> {
  const [out] = await executeSql(ctx, sql);
  if (out?.kind !== 'records') throw new Error('expected records');
  return out.rows;
}

describe('timestamp units', () => {
  it('a cast to a coarser unit truncates toward zero and a cast to a finer one keeps the instant', () => {
    fc.assert(fc.property(fc.array(instant, { minLength: 1, maxLength: 40 }), unit, unit, (ns, from, to) => {
      const out = castTo(tsOf(from, ns), TS_NAME[to], false, POS) as TsVec;
      expect(out.dt).toBe(TS_NAME[to]);
      const df = UNIT_NS[from], dt = UNIT_NS[to];
      ns.forEach((x, i) => expect(out.v[i]).toBe((((x / df) * df) / dt) * dt));
    }), { numRuns: 300 });
  });

  it('two units compare in the coarser one: = and < agree with BigInt arithmetic', () => {
    fc.assert(fc.property(fc.array(fc.tuple(instant, instant), { minLength: 1, maxLength: 40 }), unit, unit, (pairs, ua, ub) => {
      const a = tsOf(ua, pairs.map((p) => p[0])), b = tsOf(ub, pairs.map((p) => p[1]));
      const d = UNIT_NS[ua] > UNIT_NS[ub] ? UNIT_NS[ua] : UNIT_NS[ub];
      const eq = compare('=', a, b, POS), lt = compare('<', a, b, POS);
      pairs.forEach((_, i) => {
        const x = a.v[i]! / d, y = b.v[i]! / d;
        expect([eq.v[i], lt.v[i]]).toEqual([x === y ? 1 : 0, x < y ? 1 : 0]);
      });
    }), { numRuns: 300 });
  });

  it('refuses the casts Arrow has no kernel for, under TRY_CAST too, and names both Arrow types', () => {
    const types = ['Boolean', 'Int64', 'Float32', 'String', 'Binary', 'Date', 'IntervalMonthDayNano', ...UNITS.map((u) => TS_NAME[u])];
    const sample: Record<string, Vec> = {
      Boolean: { kind: 'bool', dt: 'Boolean', v: Uint8Array.of(1), valid: null },
      Int64: { kind: 'num', dt: 'Int64', v: Float64Array.of(1), valid: null },
      Binary: { kind: 'str', dt: 'Binary', v: ['01'] },
      Date: { kind: 'ts', dt: 'Date', unit: 'ms', v: BigInt64Array.of(0n), valid: null },
      TimestampMillisecond: tsOf('ms', [1_000_000n]),
    };
    for (const from of Object.keys(sample)) {
      for (const to of types) {
        const why = refusedCast(from, to);
        for (const tryCast of [false, true]) {
          const run = (): Vec => castTo(sample[from]!, to, tryCast, POS);
          if (why !== null) expect(run).toThrow(/^Cast error: Casting from \S.* to \S.* not supported/);
          else { try { run(); } catch (e) { expect((e as Error).message).not.toMatch(/not supported/); } }
        }
      }
    }
    expect(refusedCast('Boolean', 'TimestampMillisecond')).toBe('Cast error: Casting from Boolean to Timestamp(Millisecond, None) not supported');
    expect(refusedCast('TimestampSecond', 'Boolean')).toBe('Cast error: Casting from Timestamp(Second, None) to Boolean not supported');
    expect(refusedCast('Boolean', 'Int32')).toBeNull();
    expect(refusedCast('String', 'TimestampSecond')).toBeNull();
  });

  it('a time-index predicate (scan bounds) answers as the same predicate on a plain column and as BigInt arithmetic', async () => {
    const PREC: Record<TimeUnit, number> = { s: 0, ms: 3, us: 6, ns: 9 };
    const CAST: Record<TimeUnit, string> = { s: 'TIMESTAMP_S', ms: 'TIMESTAMP_MS', us: 'TIMESTAMP_US', ns: 'TIMESTAMP_NS' };
    const BASE = 1_780_372_200_000_000_000n; // 2026-06-02 03:50:00
    const near = fc.bigInt({ min: -3_000_000_000n, max: 3_000_000_000n }); // within 3 s of BASE, any nanosecond
    const text = (ns: bigint): string => {
      const ms = ns / 1_000_000n, frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
      return `${new Date(Number(ms)).toISOString().slice(0, 19).replace('T', ' ')}.${frac}`;
    };
    const floor = (x: bigint, d: bigint): bigint => { const r = x % d; return r < 0n ? x - r - d : x - r; };
    const cmp = (op: string, x: bigint, y: bigint): boolean => (op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : op === '>=' ? x >= y : x === y);
    await fc.assert(fc.asyncProperty(unit, fc.uniqueArray(near, { minLength: 1, maxLength: 8 }), near, fc.option(unit, { nil: undefined }), fc.constantFrom('<', '<=', '>', '>=', '='),
      async (col, offsets, litOff, litUnit, op) => {
        const ctx = new MemoryCatalog().context();
        const d = UNIT_NS[col];
        const vals = [...new Set(offsets.map((o) => floor(BASE + o, d)))];
        await executeSql(ctx, `CREATE TABLE t (ts TIMESTAMP(${PREC[col]}) TIME INDEX, c TIMESTAMP(${PREC[col]}), v BIGINT)`);
        await executeSql(ctx, `INSERT INTO t VALUES ${vals.map((x, i) => `('${text(x)}', '${text(x)}', ${i})`).join(', ')}`);
        const lit = BASE + litOff;
        const sqlLit = litUnit === undefined ? `'${text(lit)}'` : `'${text(lit)}'::${CAST[litUnit]}`;
        // text: the exact instant; a cast: floored into its unit, then both sides meet in the coarser unit (toward zero)
        const want = vals.flatMap((x, i) => {
          if (litUnit === undefined) return cmp(op, x, lit) ? [i] : [];
          const l = floor(lit, UNIT_NS[litUnit]), u = UNIT_NS[litUnit] > d ? UNIT_NS[litUnit] : d;
          return cmp(op, x / u, l / u) ? [i] : [];
        });
        const got = async (column: string) => (await rowsOf(ctx, `SELECT v FROM t WHERE ${column} ${op} ${sqlLit} ORDER BY v`)).map((r) => Number(r[0]));
        expect(await got('ts')).toEqual(want);
        expect(await got('c')).toEqual(want);
      }), { numRuns: 60 });
  });

  it('an equi-join and INTERSECT on two units pair exactly the rows `=` finds equal (the coarser unit)', async () => {
    const PREC: Record<TimeUnit, number> = { s: 0, ms: 3, us: 6, ns: 9 };
    const BASE = 1_780_372_200_000_000_000n;
    const near = fc.bigInt({ min: -4_000_000_000n, max: 4_000_000_000n });
    const text = (ns: bigint): string => `${new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19).replace('T', ' ')}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
    await fc.assert(fc.asyncProperty(unit, unit, fc.uniqueArray(near, { minLength: 1, maxLength: 6 }), fc.uniqueArray(near, { minLength: 1, maxLength: 6 }),
      async (ua, ub, as, bs) => {
        const ctx = new MemoryCatalog().context();
        await executeSql(ctx, `CREATE TABLE a (ts TIMESTAMP(${PREC[ua]}) TIME INDEX, x TIMESTAMP(${PREC[ua]}), i BIGINT)`);
        await executeSql(ctx, `CREATE TABLE b (ts TIMESTAMP(${PREC[ub]}) TIME INDEX, y TIMESTAMP(${PREC[ub]}), j BIGINT)`);
        await executeSql(ctx, `INSERT INTO a VALUES ${as.map((o, i) => `('${text(BASE + o)}', '${text(BASE + o)}', ${i})`).join(', ')}`);
        await executeSql(ctx, `INSERT INTO b VALUES ${bs.map((o, j) => `('${text(BASE + o)}', '${text(BASE + o)}', ${j})`).join(', ')}`);
        const pairs = async (sql: string) => (await rowsOf(ctx, sql)).map((r) => `${r[0]}/${r[1]}`).sort();
        // the same pairs through the hash join (=) and through a filter over all pairs (<= and >=, no join keys)
        const hashed = await pairs('SELECT i, j FROM a JOIN b ON a.x = b.y');
        const filtered = await pairs('SELECT i, j FROM a JOIN b ON a.x <= b.y AND a.x >= b.y');
        expect(hashed).toEqual(filtered);
        expect(await pairs('SELECT i, j FROM a, b WHERE a.ts = b.ts')).toEqual(filtered);
        // INTERSECT: the coarser unit's values both sides hold (each side floored into its unit, then toward zero)
        const u = UNIT_NS[ua] > UNIT_NS[ub] ? UNIT_NS[ua] : UNIT_NS[ub];
        const inUnit = (o: bigint, d: bigint) => (((BASE + o) / d) * d) / u;
        const bSet = new Set(bs.map((o) => inUnit(o, UNIT_NS[ub])));
        const want = [...new Set(as.map((o) => inUnit(o, UNIT_NS[ua])).filter((x) => bSet.has(x)))].sort();
        const [out] = await executeSql(ctx, 'SELECT x FROM a INTERSECT SELECT y FROM b');
        if (out?.kind !== 'records') throw new Error('expected records');
        const col = out.rel.cols[0] as TsVec;
        expect(col.dt).toBe(TS_NAME[UNIT_NS[ua] > UNIT_NS[ub] ? ua : ub]);
        expect([...col.v].map((ns) => String(ns / u)).sort()).toEqual(want.map(String));
      }), { numRuns: 40 });
  });

  it('refuses a boolean timestamp through SQL as a 400, naming the position', async () => {
    const ctx = new MemoryCatalog().context();
    await expect(executeSql(ctx, 'SELECT 1,\n  TRY_CAST(true AS TIMESTAMP_S)')).rejects.toMatchObject({
      code: 1004, message: expect.stringMatching(/Casting from Boolean to Timestamp\(Second, None\) not supported at line 2, column 3/),
    });
  });
});
