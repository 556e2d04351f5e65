// Processor and transform options as GreptimeDB's pipeline reference documents them, checked one by one: json_path's
// JSONPath forms, urlencoding's default and '+', digest's Unicode quotes and IPv6, integer ranges, the index object form,
// epoch resolution names in the transform, and timestamp text with every fractional digit.
import { describe, expect, it } from 'vitest';
import { compilePipeline, jsonbToText, valueAt, type PipelineResult } from '../../../core/index.ts';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const TIME = '  - field: t\n    type: epoch, ms\n    index: timestamp\n';

function run(yaml: string, records: Record<string, unknown>[]): PipelineResult {
  return compilePipeline('t', yaml).run(records, { table: 't', nowMs: NOW });
}
function col(r: PipelineResult, name: string): unknown[] {
  const c = r.batch!.columns.find((x) => x.name === name)!;
  return Array.from({ length: r.rows }, (_, i) => valueAt(c, i));
}

describe('documented pipeline options', () => {
  it('json_path takes JSONPath as jsonpath-rust does: $.[n], filters in brackets, result_index', () => {
    const doc = { t: 1, arr: ['hello', 'world'], shop: { orders: [{ id: 1, active: true }, { id: 2 }, { id: 3 }, { id: 4, active: true }] } };
    const r = run([
      'processors:',
      '  - json_path:\n      fields:\n        - arr, second\n      json_path: "$.[1]"\n      result_index: 0',
      '  - json_path:\n      fields:\n        - shop, active_ids\n      json_path: "$.orders[?(@.active)].id"',
      '  - json_path:\n      fields:\n        - shop, last_active\n      json_path: "$.orders[?(@.active)].id"\n      result_index: 1',
      '  - json_path:\n      fields:\n        - shop, all_ids\n      json_path: "$..id"',
      'transform:',
      '  - field: second\n    type: string',
      '  - field: last_active\n    type: uint32',
      '  - fields: [active_ids, all_ids]\n    type: json',
      TIME,
    ].join('\n'), [doc]);
    expect(col(r, 'second')).toEqual(['world']);
    expect(col(r, 'last_active')).toEqual([4n]);
    expect(col(r, 'active_ids').map((v) => jsonbToText(v as string))).toEqual(['[1,4]']);
    expect(col(r, 'all_ids').map((v) => jsonbToText(v as string))).toEqual(['[1,2,3,4]']);
  });

  it('urlencoding encodes by default and leaves + alone when decoding (percent-encoding, not form encoding)', () => {
    const r = run('processors:\n  - urlencoding:\n      fields:\n        - "q, enc"\n  - urlencoding:\n      fields:\n        - "p, dec"\n      method: decode\ntransform:\n  - fields: [enc, dec]\n    type: string\n' + TIME,
      [{ t: 1, q: "a b+c/d?e=f&g'(h)", p: 'x+y%20z%2B' }]);
    expect(col(r, 'enc')).toEqual(['a%20b%2Bc%2Fd%3Fe%3Df%26g%27%28h%29']);
    expect(col(r, 'dec')).toEqual(['x+y z+']);
  });

  it('digest removes Unicode quotes and brackets and IPv6 addresses too', () => {
    const r = run('processors:\n  - digest:\n      field: m\n      presets: [numbers, ip, quoted, bracketed]\ntransform:\n  - field: m_digest\n    type: string\n' + TIME, [
      { t: 1, m: 'from 2001:db8::1 and [fe80::1:2]:443 and 10.0.0.1:80 said \u201chi\u201d \u00abyo\u00bb \u300cx\u300d \u3010tag\u3011 \uff08n\uff09 in std::io' },
    ]);
    expect(col(r, 'm_digest')).toEqual(['from  and  and  said      in std::io']);
  });

  it('integer types hold their range: text out of range fails the line, on_failure ignore leaves NULL, 64-bit text keeps every digit', () => {
    const yaml = (onFailure: string) => `transform:\n  - field: a\n    type: int8\n${onFailure}  - field: b\n    type: int64\n  - field: c\n    type: uint64\n${TIME}`;
    expect(() => run(yaml(''), [{ t: 1, a: '128', b: '1', c: '1' }])).toThrow(/'128' is not a valid Int8/);
    expect(() => run(yaml(''), [{ t: 1, a: '1.5', b: '1', c: '1' }])).toThrow(/'1.5' is not a valid Int8/);
    expect(() => run(yaml(''), [{ t: 1, a: 1, b: '1', c: '-1' }])).toThrow(/'-1' is not a valid uint64/);
    const r = run(yaml('    on_failure: ignore\n'), [{ t: 1, a: 300, b: '-9223372036854775808', c: '18446744073709551615' }, { t: 1, a: -128, b: '9007199254740993', c: 0 }]);
    expect(col(r, 'a')).toEqual([null, -128n]);
    expect(col(r, 'b')).toEqual([-9223372036854775808n, 9007199254740993n]);
    expect(col(r, 'c')).toEqual([18446744073709551615n, 0n]);
  });

  it('index takes the object form with options checked as SQL index options', () => {
    const yaml = (opts: string) => `transform:\n  - field: m\n    type: string\n    index:\n      type: fulltext\n      options:\n${opts}  - field: id\n    type: int64\n    index:\n      type: skipping\n      options:\n        granularity: 1024\n        false_positive_rate: 0.05\n${TIME}`;
    const r = run(yaml('        analyzer: Chinese\n        case_sensitive: true\n'), [{ t: 1, m: 'x', id: 1 }]);
    expect(r.columns.find((c) => c.name === 'm')!.indexes!.fulltext).toMatchObject({ analyzer: 'Chinese', case_sensitive: 'true' });
    expect(r.columns.find((c) => c.name === 'id')!.indexes!.skipping).toMatchObject({ granularity: '1024', false_positive_rate: '0.05' });
    expect(() => compilePipeline('t', yaml('        analyzer: Klingon\n'))).toThrow(/index options: .*Klingon.*line 4/);
    expect(() => compilePipeline('t', `transform:\n  - field: m\n    type: string\n    index:\n      type: inverted\n      options:\n        granularity: 1\n${TIME}`)).toThrow(/only fulltext and skipping/);
  });

  it("the transform's epoch takes every resolution name the epoch processor does", () => {
    for (const [name, unit] of [['milli', 'ms'], ['micro', 'us'], ['nano', 'ns'], ['sec', 's'], ['microsecond', 'us']]) {
      const r = run(`transform:\n  - field: t\n    type: epoch, ${name}\n    index: timestamp\n`, [{ t: 1 }]);
      expect(r.columns[0]!.unit).toBe(unit);
    }
  });

  it('filter checks only the fields a line has: with not_in, a line missing one field is judged by the others', () => {
    const r = run('processors:\n  - filter:\n      fields: [a, b]\n      match_op: not_in\n      case_insensitive: false\n      targets: [keep]\ntransform:\n  - fields: [a, b]\n    type: string\n' + TIME,
      [{ t: 1, a: 'keep', b: 'keep' }, { t: 1, a: 'Keep', b: 'keep' }, { t: 1, a: 'keep' }, { t: 1 }]);
    expect(col(r, 'a')).toEqual(['keep', 'keep', null]);
    expect(r.filtered).toBe(1);
  });

  it('time text keeps every fractional digit and honours its offset', () => {
    const r = run('transform:\n  - field: t\n    type: time\n    index: timestamp\n', [{ t: '2024-01-01T00:00:00.123456789+02:00' }, { t: '2024-01-01 00:00:00' }]);
    expect(col(r, 't')).toEqual([1704060000123456789n, 1704067200000000000n]);
    expect(() => run('transform:\n  - field: t\n    type: time\n    index: timestamp\n', [{ t: 'March 7' }])).toThrow(/is not a valid/);
  });
});
