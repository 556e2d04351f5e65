// Each processor and the transform over small batches: the documented options, missing fields, failures naming the field.
import { describe, expect, it } from 'vitest';
import { compilePipeline, identityPipeline, valueAt, type PipelineResult } from '../../../core/index.ts';

const NOW = Date.parse('2024-01-01T00:00:00Z');

function run(yaml: string, records: Record<string, unknown>[], skipErrors = false): PipelineResult {
  return compilePipeline('t', yaml).run(records, { table: 't', nowMs: NOW, skipErrors });
}

function col(r: PipelineResult, name: string): unknown[] {
  const c = r.batch!.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name} in ${r.batch!.columns.map((x) => x.name)}`);
  return Array.from({ length: r.rows }, (_, i) => valueAt(c, i));
}

const v2 = (procs: string) => `version: 2\nprocessors:\n${procs}`;

describe('processors', () => {
  it('csv with quotes, trim, empty_value and target_fields', () => {
    const r = run(v2('  - csv:\n      field: line\n      target_fields: a,b,c\n      trim: true\n      empty_value: none\n'), [{ line: ' x , "y, z" ,' }, { line: '1,"say ""hi""",3' }]);
    expect(col(r, 'a')).toEqual(['x', '1']);
    expect(col(r, 'b')).toEqual(['y, z', 'say "hi"']);
    expect(col(r, 'c')).toEqual(['none', '3']);
  });

  it('gsub, letter, join, urlencoding, decolorize', () => {
    const r = run(v2([
      '  - gsub:\n      field: s\n      pattern: "\\\\d+"\n      replacement: N',
      '  - letter:\n      field: s\n      method: upper',
      '  - join:\n      field: arr\n      separator: "-"',
      '  - urlencoding:\n      field: "u, decoded"\n      method: decode',
      '  - decolorize:\n      field: c',
    ].join('\n') + '\n'), [{ s: 'a1b22', arr: ['x', 'y'], u: 'a%20b%2Fc', c: '\x1b[31mred\x1b[0m' }]);
    expect(col(r, 's')).toEqual(['ANBN']);
    expect(col(r, 'arr')).toEqual(['x-y']);
    expect(col(r, 'decoded')).toEqual(['a b/c']);
    expect(col(r, 'u')).toEqual(['a%20b%2Fc']);
    expect(col(r, 'c')).toEqual(['red']);
  });

  it('json_parse, json_path with result_index, simple_extract', () => {
    const r = run(v2([
      '  - json_parse:\n      field: body',
      '  - json_path:\n      field: "body, first_id"\n      json_path: "$.items[*].id"\n      result_index: 0',
      '  - simple_extract:\n      field: "body, user"\n      key: "user.name"',
    ].join('\n') + '\n'), [{ body: '{"items":[{"id":5},{"id":6}],"user":{"name":"ann"}}' }]);
    expect(col(r, 'first_id')).toEqual([5n]);
    expect(col(r, 'user')).toEqual(['ann']);
    expect(r.columns.find((c) => c.name === 'body')!.sqlType).toBe('Json');
  });

  it('digest removes the variable parts', () => {
    const r = run(v2('  - digest:\n      field: m\n      presets: [numbers, quoted, ip, uuid]\n'), [{ m: 'user "bob" from 10.0.0.1:80 took 35 ms id 123e4567-e89b-12d3-a456-426614174000' }]);
    expect(col(r, 'm_digest')).toEqual(['user  from  took  ms id ']);
  });

  it('select include/exclude and filter in/not_in (case-insensitive by default)', () => {
    const recs = [{ level: 'DEBUG', a: 1, b: 2 }, { level: 'error', a: 3, b: 4 }];
    const f = run(v2('  - filter:\n      field: level\n      targets: [debug]\n  - select:\n      fields: [level, a]\n'), recs);
    expect(f.rows).toBe(1);
    expect(f.filtered).toBe(1);
    expect(col(f, 'level')).toEqual(['error']);
    expect(f.columns.map((c) => c.name)).not.toContain('b');
    const g = run(v2('  - filter:\n      field: level\n      match_op: not_in\n      targets: [debug]\n  - select:\n      type: exclude\n      fields: [a]\n'), recs);
    expect(col(g, 'level')).toEqual(['DEBUG']);
    expect(g.columns.map((c) => c.name)).toEqual(['level', 'b', 'greptime_timestamp']);
  });

  it('epoch resolutions and date with a timezone', () => {
    const r = run(`processors:
  - epoch:
      field: t
      resolution: ms
  - date:
      field: local
      formats: ['%Y-%m-%d %H:%M:%S']
      timezone: Asia/Shanghai
transform:
  - field: t
    type: epoch, ms
    index: timestamp
  - field: local
    type: time
`, [{ t: 1700000000123, local: '2024-01-01 08:00:00' }]);
    expect(col(r, 't')).toEqual([1700000000123000000n]);
    expect(col(r, 'local')).toEqual([BigInt(NOW) * 1_000_000n]);
    expect(r.columns.find((c) => c.name === 't')).toMatchObject({ unit: 'ms', semantic: 'timestamp' });
  });

  it('missing fields fail the line unless ignore_missing; the error names processor and field', () => {
    const y = 'processors:\n  - letter:\n      field: name\n      method: upper\ntransform:\n  - field: name\n    type: string\n';
    expect(() => run(y, [{ name: 'a' }, { other: 1 }])).toThrow(/line 2: processor 'letter', field 'name': field 'name' is missing/);
    const r = run(y, [{ name: 'a' }, { other: 1 }], true);
    expect(r.rows).toBe(1);
    expect(r.failed).toEqual([{ row: 1, processor: 'letter', field: 'name', message: "field 'name' is missing" }]);
    const ok = run(y.replace('method: upper', 'method: upper\n      ignore_missing: true'), [{ name: 'a' }, { other: 1 }]);
    expect(col(ok, 'name')).toEqual(['A', null]);
  });

  it('transform: on_failure ignore/default, default for missing values, tag and index options', () => {
    const y = `transform:
  - field: n
    type: int32
    on_failure: default
    default: -1
  - field: m
    type: float64
    on_failure: ignore
  - field: host
    type: string
    tag: true
  - field: k
    type: string
    index: skipping
    default: none
`;
    const r = run(y, [{ n: 'x', m: 'y', host: 'h' }, { n: '7', m: '1.5', host: 'g', k: 'v' }]);
    expect(col(r, 'n')).toEqual([-1n, 7n]);
    expect(col(r, 'm')).toEqual([null, 1.5]);
    expect(col(r, 'k')).toEqual(['none', 'v']);
    expect(r.primaryKey).toEqual(['host']);
    expect(r.columns.find((c) => c.name === 'k')!.indexes!.skipping).toBeDefined();
    expect(() => run(y.replace('    on_failure: default\n    default: -1\n', ''), [{ n: 'x', host: 'h' }])).toThrow(/transform, field 'n'.*not a valid Int32/);
  });

  it('rejects unknown processors, options and types naming them and the line', () => {
    expect(() => compilePipeline('t', 'processors:\n  - nope:\n      field: a\n')).toThrow(/processor 1 \(nope\): unknown processor 'nope'.* at line 2/);
    expect(() => compilePipeline('t', 'processors:\n  - letter:\n      field: a\n      methd: upper\ntransform:\n  - field: a\n    type: string\n')).toThrow(/unknown option 'methd'.* at line 4/);
    expect(() => compilePipeline('t', 'transform:\n  - field: a\n    type: int128\n')).toThrow(/transform 1: unknown type 'int128'.* at line 3/);
    expect(() => compilePipeline('t', 'transform:\n  - field: a\n    type: string\n    index: timestamp\n')).toThrow(/needs a time type/);
  });

  it('greptime_identity types columns from values and refuses mixed types', () => {
    const r = identityPipeline().run([{ a: 1, s: 'x', o: { k: 1 } }, { a: 2.5, b: true, n: null }], { table: 't', nowMs: NOW });
    expect(r.columns.map((c) => [c.name, c.sqlType ?? c.type])).toEqual([['a', 'float64'], ['s', 'string'], ['o', 'Json'], ['b', 'boolean'], ['greptime_timestamp', 'timestamp']]);
    expect(() => identityPipeline().run([{ a: 1 }, { a: 'x' }], { table: 't', nowMs: NOW })).toThrow(/column 'a' has values of different types: int at line 1, string at line 2/);
  });
});
