// core/partition: PARTITION ON rules from SQL, and the columnar split (fast-check: every row lands in exactly one region, the one its rule picks).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseSql, partitionRuleOf, partitionBatch, regionIndexes, regionsForFilter, valueAt, EddyError, StatusCode,
  type ColumnSchema, type CreateTable, type PartitionExpr, type PartitionRule, type WriteBatch,
} from '../../core/index.ts';

const cols: ColumnSchema[] = [
  { name: 'host', type: 'string', semantic: 'tag', nullable: true },
  { name: 'n', type: 'int64', semantic: 'field', nullable: true },
  { name: 'ts', type: 'timestamp', semantic: 'timestamp', unit: 'ms', nullable: false },
];

function ruleOf(sql: string): PartitionRule {
  const st = parseSql(sql)[0] as CreateTable;
  return partitionRuleOf(st.partitions!, cols);
}

const HOST_RULE = "CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";

function batchOf(hosts: (string | null)[], ns: bigint[], dict: boolean): WriteBatch {
  const rows = hosts.length;
  const d = [...new Set(hosts.filter((h): h is string => h !== null))];
  const valid = hosts.some((h) => h === null) ? Uint8Array.from(hosts, (h) => (h === null ? 0 : 1)) : null;
  const host = dict
    ? { name: 'host', type: 'string' as const, semantic: 'tag' as const, values: Int32Array.from(hosts, (h) => (h === null ? 0 : d.indexOf(h))), valid, dict: d.length ? d : [''] }
    : { name: 'host', type: 'string' as const, semantic: 'tag' as const, values: hosts.slice(), valid };
  return {
    table: 't', rows,
    columns: [
      host,
      { name: 'n', type: 'int64', semantic: 'field', values: BigInt64Array.from(ns), valid: null },
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(hosts, (_, i) => BigInt(i)), valid: null },
    ],
  };
}

/** Independent oracle: the rule evaluated on one row's plain values. */
function rowMatches(e: PartitionExpr, row: Record<string, string | bigint | null>): boolean {
  if ('and' in e) return e.and.every((x) => rowMatches(x, row));
  if ('or' in e) return e.or.some((x) => rowMatches(x, row));
  const v = row[e.column];
  if (v === null || v === undefined || e.value === null) return false;
  const c = typeof v === 'bigint' ? Number(v) - Number(e.value) : v < String(e.value) ? -1 : v > String(e.value) ? 1 : 0;
  return { '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0, '=': c === 0, '!=': c !== 0 }[e.op];
}

describe('partition rules', () => {
  it('are read from PARTITION ON COLUMNS, literal on either side', () => {
    expect(ruleOf(HOST_RULE)).toEqual({
      columns: ['host'],
      exprs: [
        { column: 'host', op: '<', value: 'h' },
        { and: [{ column: 'host', op: '>=', value: 'h' }, { column: 'host', op: '<', value: 'p' }] },
        { column: 'host', op: '>=', value: 'p' },
      ],
    });
    expect(ruleOf("CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (n) (10 > n, n >= 10)").exprs[0])
      .toEqual({ column: 'n', op: '<', value: 10 });
  });

  it('refuse a column that is not a partition column, and expressions that are not comparisons', () => {
    expect(() => ruleOf("CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (host) (n < 5, n >= 5)")).toThrow(/not a partition column/);
    expect(() => ruleOf("CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (nope) (nope < 5, nope >= 5)")).toThrow(/not a column of the table/);
    expect(() => ruleOf("CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (n) (n + 1 < 5, n >= 4)")).toThrow(/compares a partition column with a literal/);
  });

  it('split a batch by rule; a row no rule takes fails the batch, naming the row', () => {
    const rule = ruleOf("CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p')");
    const b = batchOf(['a', 'k', 'c', 'zz'], [1n, 2n, 3n, 4n], false);
    let err: unknown;
    try {
      regionIndexes(rule, b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).code).toBe(StatusCode.InvalidArguments);
    expect((err as EddyError).message).toBe("row 3 (host = 'zz') matches no partition rule of table t at row 3");
    const parts = partitionBatch(ruleOf(HOST_RULE), 3, b);
    expect(parts.map((p) => p?.rows ?? 0)).toEqual([2, 1, 1]);
    expect(parts[0]!.columns[1]!.values).toEqual(BigInt64Array.from([1n, 3n]));
    // All rows in one region: the batch itself, no copy.
    const one = batchOf(['q', 'r'], [1n, 2n], true);
    expect(partitionBatch(ruleOf(HOST_RULE), 3, one)[2]).toBe(one);
  });

  it('a tag filter skips the regions no accepted value can be in; a region that may hold one is never skipped (fast-check)', () => {
    const rule = ruleOf(HOST_RULE);
    expect(regionsForFilter(rule, 3, { host: ['kilo'] })).toEqual([1]);
    expect(regionsForFilter(rule, 3, { host: ['alpha', 'zulu'] })).toEqual([0, 2]);
    expect(regionsForFilter(rule, 3, { other: ['x'] })).toEqual([0, 1, 2]);
    expect(regionsForFilter(rule, 3, undefined)).toEqual([0, 1, 2]);
    expect(regionsForFilter(undefined, 1, { host: ['a'] })).toEqual([0]);
    const hostArb = fc.string({ minLength: 0, maxLength: 3, unit: fc.constantFrom('a', 'g', 'h', 'o', 'p', 'z') });
    fc.assert(fc.property(fc.array(hostArb, { minLength: 1, maxLength: 5 }), (hosts) => {
      const kept = new Set(regionsForFilter(rule, 3, { host: hosts }));
      for (const h of hosts) expect(kept.has(rule.exprs.findIndex((e) => rowMatches(e, { host: h, n: 0n })))).toBe(true);
    }));
  });

  it('every row goes to exactly one region, the first whose rule it matches (fast-check, plain and dictionary columns)', () => {
    const hostArb = fc.option(fc.string({ minLength: 0, maxLength: 3, unit: fc.constantFrom('a', 'g', 'h', 'o', 'p', 'z') }), { nil: null, freq: 10 });
    const ruleArb = fc.constantFrom(
      HOST_RULE,
      "CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (host, n) (host < 'h' AND n < 0, host < 'h' AND n >= 0, host >= 'h' OR host = 'a')",
      "CREATE TABLE t (host STRING, n BIGINT, ts TIMESTAMP TIME INDEX) PARTITION ON COLUMNS (n) (n <= -5, n > -5 AND n != 3, n = 3)",
    );
    fc.assert(fc.property(ruleArb, fc.array(fc.tuple(hostArb, fc.bigInt(-10n, 10n)), { minLength: 1, maxLength: 60 }), fc.boolean(), (sql, rows, dict) => {
      const rule = ruleOf(sql);
      const b = batchOf(rows.map((r) => r[0]), rows.map((r) => r[1]), dict);
      const want = rows.map(([host, n]) => rule.exprs.findIndex((e) => rowMatches(e, { host, n })));
      if (want.includes(-1)) {
        expect(() => partitionBatch(rule, rule.exprs.length, b)).toThrow(new RegExp(`row ${want.indexOf(-1)} \\(`));
        return;
      }
      const parts = partitionBatch(rule, rule.exprs.length, b);
      // Each region's batch holds exactly the rows the oracle sends there, in their original order.
      for (let r = 0; r < rule.exprs.length; r++) {
        const mine = rows.map((row, i) => ({ row, i })).filter(({ i }) => want[i] === r);
        const p = parts[r];
        if (mine.length === 0) {
          expect(p ?? null).toBeNull();
          continue;
        }
        expect(p!.rows).toBe(mine.length);
        const ts = p!.columns.find((c) => c.name === 'ts')!;
        const host = p!.columns.find((c) => c.name === 'host')!;
        expect(Array.from({ length: p!.rows }, (_, j) => valueAt(ts, j))).toEqual(mine.map(({ i }) => BigInt(i)));
        expect(Array.from({ length: p!.rows }, (_, j) => valueAt(host, j))).toEqual(mine.map(({ row }) => row[0]));
        const n = p!.columns.find((c) => c.name === 'n')!;
        expect(Array.from({ length: p!.rows }, (_, j) => valueAt(n, j))).toEqual(mine.map(({ row }) => row[1]));
        // a split part's dictionary holds exactly the values its rows use
        if (host.dict && p !== b) expect([...host.dict].sort()).toEqual([...new Set(mine.map(({ row }) => row[0]).filter((h) => h !== null))].sort());
      }
      expect(parts.reduce((a, p) => a + (p?.rows ?? 0), 0)).toBe(rows.length);
    }), { numRuns: 300 });
  });
});
