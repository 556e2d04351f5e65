// Cell encoders: each type's text and binary cell as PostgreSQL sends it, byte for byte; and the dialect rewrites of
// client catalog queries.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BackendWriter, PG_TYPE_BY_OID, cellEncoder, normalizePgSql, numericFromBinary, pgTypeOf } from '../../../core/pgwire/index.ts';
import type { Vec } from '../../../core/query/index.ts';
import { parseSql } from '../../../core/sql/index.ts';

/** The bytes of row i of a column in a format, without the length word (null: SQL NULL). */
function cell(c: Vec, format: 0 | 1, i = 0, oid?: number): Buffer | null {
  const w = new BackendWriter();
  cellEncoder(c, oid ? PG_TYPE_BY_OID.get(oid)! : pgTypeOf(c.dt).type, format)(w, i);
  const b = Buffer.from(w.take());
  const len = b.readInt32BE(0);
  expect(b.length).toBe(4 + Math.max(0, len));
  return len < 0 ? null : b.subarray(4);
}
const num = (dt: string, ...xs: number[]): Vec => ({ kind: 'num', dt, v: Float64Array.from(xs), valid: null });
const ts = (dt: string, unit: 's' | 'ms' | 'us' | 'ns', ...ns: bigint[]): Vec => ({ kind: 'ts', dt, unit, v: BigInt64Array.from(ns), valid: null });

describe('cells', () => {
  it('integers, floats and booleans, text and binary', () => {
    expect(cell(num('Int32', -7), 0)!.toString()).toBe('-7');
    expect([...cell(num('Int32', -7), 1)!]).toEqual([0xff, 0xff, 0xff, 0xf9]);
    expect([...cell(num('Int16', 258), 1)!]).toEqual([1, 2]);
    expect(cell(num('Int64', -5), 1)!.readBigInt64BE(0)).toBe(-5n);
    const big: Vec = { kind: 'num', dt: 'Int64', v: Float64Array.of(9007199254740993), valid: null, big: BigInt64Array.of(9007199254740993n) };
    expect(cell(big, 0)!.toString()).toBe('9007199254740993');
    expect(cell(big, 1)!.readBigInt64BE(0)).toBe(9007199254740993n);
    expect(cell(num('UInt64', 2 ** 40), 0)!.toString()).toBe('1099511627776');
    expect(numericFromBinary(cell(num('UInt64', 2 ** 40), 1)!)).toBe('1099511627776');
    expect(cell(num('Float32', 1.1), 0)!.toString()).toBe('1.1');
    expect(cell(num('Float32', 1.1), 1)!.readFloatBE(0)).toBe(Math.fround(1.1));
    expect(cell(num('Float64', 1e-7), 0)!.toString()).toBe('1e-07');
    expect(cell(num('Float64', -0.25), 1)!.readDoubleBE(0)).toBe(-0.25);
    const b: Vec = { kind: 'bool', dt: 'Boolean', v: Uint8Array.of(1, 0), valid: Uint8Array.of(1, 0) };
    expect(cell(b, 0)!.toString()).toBe('t');
    expect(cell(b, 1, 1)).toBeNull();
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x) => {
      expect(cell(num('Int32', x), 1)!.readInt32BE(0)).toBe(x);
      expect(Number(cell(num('Int64', x * 1000), 1)!.readBigInt64BE(0))).toBe(x * 1000);
    }));
  });

  it('timestamps and dates, text and binary (microseconds since 2000-01-01)', () => {
    const t = ts('TimestampMillisecond', 'ms', 1_704_067_200_123_000_000n);
    expect(cell(t, 0)!.toString()).toBe('2024-01-01 00:00:00.123');
    expect(cell(t, 1)!.readBigInt64BE(0)).toBe(757_382_400_123_000n);
    expect(cell(ts('TimestampNanosecond', 'ns', 1_704_067_200_123_456_789n), 0)!.toString()).toBe('2024-01-01 00:00:00.123456');
    expect(cell(ts('TimestampSecond', 's', -1_000_000_000n), 0)!.toString()).toBe('1969-12-31 23:59:59');
    const d = ts('Date', 'ms', 86_400_000_000_000n * 10958n);
    expect(cell(d, 0)!.toString()).toBe('2000-01-02');
    expect(cell(d, 1)!.readInt32BE(0)).toBe(1);
    // a time of day: PostgreSQL's time, microseconds since midnight
    const tm = ts('TimeNanosecond', 'ns', 45_903_500_000_789n);
    expect(pgTypeOf('TimeMillisecond')).toMatchObject({ typmod: 3 });
    expect(cell(tm, 0)!.toString()).toBe('12:45:03.500');
    expect(cell(tm, 1)!.readBigInt64BE(0)).toBe(45_903_500_000n);
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 18n), max: 4n * 10n ** 18n }), (ms) => {
      const ns = (ms / 1_000_000n) * 1_000_000n;
      const text = cell(ts('TimestampMillisecond', 'ms', ns), 0)!.toString();
      const back = BigInt(Date.parse(text.replace(' ', 'T') + 'Z')) * 1_000_000n;
      if (!text.endsWith('BC') && ns > -62135596800000000000n) expect(back).toBe(ns);
    }));
  });

  it('strings, bytea, intervals and JSON text', () => {
    const s: Vec = { kind: 'str', dt: 'String', v: ['héllo', null] };
    expect(cell(s, 0)!.toString()).toBe('héllo');
    expect(cell(s, 1, 1)).toBeNull();
    const iv: Vec = { kind: 'any', dt: 'IntervalMonthDayNano', v: [{ months: 14, days: 3, nanos: 3_723_500_000_000n }] };
    expect(cell(iv, 0)!.toString()).toBe('1 year 2 mons 3 days 01:02:03.5');
    const ivb = cell(iv, 1)!;
    expect([ivb.readBigInt64BE(0), ivb.readInt32BE(8), ivb.readInt32BE(12)]).toEqual([3_723_500_000n, 3, 14]);
    expect(cell({ kind: 'str', dt: 'Binary', v: ['AB'] }, 0)!.toString()).toBe('\\x4142');
    expect(cell({ kind: 'str', dt: 'Json', v: ['{"a":1}'] }, 0)!.toString()).toBe('{"a":1}');
  });
});

describe('dialect rewrites', () => {
  it("turns psql's catalog spellings into ones the parser takes", () => {
    const sql = "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(cpu)$' COLLATE pg_catalog.default AND c.oid = 'cpu'::regclass AND c.reloftype::pg_catalog.regtype::pg_catalog.text = '' AND 'd' = any(c.x) AND 'OPERATOR(pg_catalog.~)' <> ''";
    const out = normalizePgSql(sql);
    expect(out).toBe("SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname  ~  '^(cpu)$'  AND c.oid = (SELECT oid FROM pg_catalog.pg_class WHERE relname = 'cpu' LIMIT 1) AND CAST(c.reloftype AS BIGINT)::text = '' AND pg_catalog.pg_any_eq('d', c.x) AND 'OPERATOR(pg_catalog.~)' <> ''");
    expect(() => parseSql(out)).not.toThrow();
    expect(normalizePgSql('SELECT 1')).toBe('SELECT 1');
  });
});
