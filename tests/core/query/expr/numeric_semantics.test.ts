// Properties of the numeric types against naive references: Decimal128 arithmetic (Arrow's result types, exact
// unscaled values, truncating division, overflow past 38 digits), wide decimals stored in a table keep every digit,
// and floats with NaN / +-inf order and compare by IEEE total order, NaN greatest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql, outputsJson } from '../../../../core/query/index.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

interface Answer { types: string[]; rows: unknown[][] }

async function query(ctx: ReturnType<MemoryCatalog['context']>, sql: string): Promise<Answer> {
  const outs = await executeSql(ctx, sql);
  const body = JSON.parse(outputsJson(outs, 0)) as { output: { records: { schema: { column_schemas: { data_type: string }[] }; rows: unknown[][] } }[] };
  const rec = body.output.at(-1)!.records;
  return { types: rec.schema.column_schemas.map((c) => c.data_type), rows: rec.rows };
}

/** Decimal text of unscaled u at scale s. */
function text(u: bigint, s: number): string {
  const neg = u < 0n;
  let t = (neg ? -u : u).toString();
  if (s > 0) { t = t.padStart(s + 1, '0'); t = `${t.slice(0, -s)}.${t.slice(-s)}`; }
  return neg ? `-${t}` : t;
}

const P10 = (k: number): bigint => 10n ** BigInt(k);
const I128_MAX = (1n << 127n) - 1n;

/** The reference: Arrow's decimal kernels done with BigInt, one row at a time. */
function reference(op: string, a: bigint, p1: number, s1: number, b: bigint, p2: number, s2: number): { type: string; value: string | 'error' } {
  let p: number, s: number;
  if (op === '+' || op === '-') { s = Math.max(s1, s2); p = Math.max(p1 - s1, p2 - s2) + s + 1; }
  else if (op === '*') { s = s1 + s2; p = p1 + p2 + 1; }
  else { s = Math.min(s1 + 4, 38); p = p1 + s2 + 4; }
  const type = `Decimal128(${Math.min(p, 38)}, ${s})`;
  let r: bigint;
  if (op === '+' || op === '-') { const x = a * P10(s - s1), y = b * P10(s - s2); r = op === '+' ? x + y : x - y; }
  else if (op === '*') r = a * b;
  else {
    if (b === 0n) return { type, value: 'error' };
    const scaled = a * P10(s - s1 + s2);
    if (scaled > I128_MAX || scaled < -I128_MAX) return { type, value: 'error' };
    r = scaled / b;
  }
  if (r > I128_MAX || r < -I128_MAX) return { type, value: 'error' };
  return { type, value: text(r, s) };
}

const decArb = fc.integer({ min: 1, max: 38 }).chain((p) => fc.record({
  p: fc.constant(p),
  s: fc.integer({ min: 0, max: Math.min(p, 20) }),
  u: fc.bigInt({ min: -(P10(p) - 1n), max: P10(p) - 1n }),
}));

describe('numeric semantics', () => {
  it('Decimal128 + - * / give Arrow result types and the exact BigInt answer (or an error on overflow / zero)', async () => {
    const ctx = new MemoryCatalog().context('public');
    await fc.assert(fc.asyncProperty(decArb, decArb, fc.constantFrom('+', '-', '*', '/'), async (x, y, op) => {
      if (op === '*' && x.s + y.s > 38) return;
      const want = reference(op, x.u, x.p, x.s, y.u, y.p, y.s);
      const sql = `SELECT '${text(x.u, x.s)}'::DECIMAL(${x.p}, ${x.s}) ${op} '${text(y.u, y.s)}'::DECIMAL(${y.p}, ${y.s})`;
      let got: Answer;
      try { got = await query(ctx, sql); } catch (e) {
        expect(want.value, `${sql}: ${(e as Error).message}`).toBe('error');
        return;
      }
      expect(got.types[0], sql).toBe(want.type);
      // a result beyond the type's precision is Arrow's overflow error, not a silently wider value
      const digits = want.value === 'error' ? 0 : want.value.replace(/[-.]/g, '').replace(/^0+/, '').length;
      if (want.value !== 'error' && digits <= Number(/\((\d+)/.exec(want.type)![1])) expect(got.rows[0]![0], sql).toBe(want.value);
    }), { numRuns: 300 });
  });

  it('a wide decimal column keeps every digit of what was written, orders and sums exactly', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.bigInt({ min: -(P10(30) - 1n), max: P10(30) - 1n }), { minLength: 1, maxLength: 12 }), async (us) => {
      const ctx = new MemoryCatalog().context('public');
      await executeSql(ctx, 'CREATE TABLE w (ts TIMESTAMP TIME INDEX, d DECIMAL(32, 8))');
      await executeSql(ctx, `INSERT INTO w VALUES ${us.map((u, i) => `(${i}, ${text(u, 8)})`).join(', ')}`);
      const rows = (await query(ctx, 'SELECT d FROM w ORDER BY d, ts')).rows.map((r) => r[0]);
      expect(rows).toEqual([...us].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((u) => text(u, 8)));
      const sum = (await query(ctx, 'SELECT sum(d) FROM w')).rows[0]![0];
      expect(sum).toBe(text(us.reduce((a, b) => a + b, 0n), 8));
    }), { numRuns: 40 });
  });

  it('floats with NaN and infinities: ORDER BY, min / max and comparisons follow total order, NaN greatest', async () => {
    const special = fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1.5, -2.25, 1e300);
    await fc.assert(fc.asyncProperty(fc.array(fc.option(special, { nil: null }), { minLength: 1, maxLength: 10 }), fc.constantFrom(...[Number.NaN, Infinity, -Infinity, 1.5]), async (xs, k) => {
      const lit = (x: number) => (Number.isNaN(x) ? "'NaN'::DOUBLE" : x === Infinity ? "'inf'::DOUBLE" : x === -Infinity ? "'-inf'::DOUBLE" : String(x));
      const ctx = new MemoryCatalog().context('public');
      await executeSql(ctx, 'CREATE TABLE f (ts TIMESTAMP TIME INDEX, x DOUBLE)');
      await executeSql(ctx, `INSERT INTO f VALUES ${xs.map((x, i) => `(${i}, ${x === null ? 'NULL' : lit(x)})`).join(', ')}`);
      const rank = (x: number) => (Number.isNaN(x) ? Infinity : x);
      const total = (a: number, b: number) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);
      const show = (x: number | null) => (x === null ? null : Number.isNaN(x) ? 'NaN' : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x);
      const present = xs.filter((x): x is number => x !== null);
      const sorted = [...present].sort(total);
      const got = (await query(ctx, 'SELECT x FROM f ORDER BY x NULLS LAST')).rows.map((r) => r[0]);
      expect(got).toEqual([...sorted, ...xs.filter((x) => x === null)].map(show));
      const mm = (await query(ctx, 'SELECT min(x), max(x) FROM f')).rows[0]!;
      expect(mm).toEqual(present.length ? [show(sorted[0]!), show(sorted.at(-1)!)] : [null, null]);
      const ge = (await query(ctx, `SELECT count(*) FROM f WHERE x >= ${lit(k)}`)).rows[0]![0];
      expect(ge).toBe(present.filter((x) => total(x, k) >= 0).length);
      const eq = (await query(ctx, `SELECT count(*) FROM f WHERE x = ${lit(k)}`)).rows[0]![0];
      expect(eq).toBe(present.filter((x) => rank(x) === rank(k) && Number.isNaN(x) === Number.isNaN(k)).length);
    }), { numRuns: 60 });
  });
});
