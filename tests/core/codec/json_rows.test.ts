// JSON row ingest: types, tags, timestamps in ms / numeric strings / ISO-8601, and row-indexed errors.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EddyError, InvalidArgumentError, ParseError, jsonTimeToNs, parseJsonRows, valueAt, type WriteBatch } from '../../../core/index.ts';

const col = (b: WriteBatch, name: string) => b.columns.find((c) => c.name === name)!;
const values = (b: WriteBatch, name: string) => Array.from({ length: b.rows }, (_, i) => valueAt(col(b, name), i));

describe('parseJsonRows', () => {
  it('maps tags, string/number/boolean fields and nulls into typed columns', () => {
    const b = parseJsonRows('cpu', JSON.stringify([
      { host: 'a', rack: 67, usage: 1.5, ok: true, msg: 'hi', ts: 1000 },
      { host: 'b', usage: null, ok: false, ts: 2000 },
    ]), { tagColumns: ['host', 'rack'] });
    expect(b.table).toBe('cpu');
    expect(b.columns.map((c) => [c.name, c.type, c.semantic])).toEqual([
      ['host', 'string', 'tag'], ['rack', 'string', 'tag'], ['usage', 'float64', 'field'],
      ['ok', 'boolean', 'field'], ['msg', 'string', 'field'], ['ts', 'timestamp', 'timestamp'],
    ]);
    expect(values(b, 'host')).toEqual(['a', 'b']);
    expect(values(b, 'rack')).toEqual(['67', null]);
    expect(values(b, 'usage')).toEqual([1.5, null]);
    expect(values(b, 'ok')).toEqual([true, false]);
    expect(values(b, 'msg')).toEqual(['hi', null]);
    expect(values(b, 'ts')).toEqual([1_000_000_000n, 2_000_000_000n]);
    expect(col(b, 'host').valid).toBeNull();
    expect(col(b, 'ok').valid).toBeNull();
  });

  it('accepts bytes, a custom time column and a default time', () => {
    const b = parseJsonRows('t', new TextEncoder().encode('[{"v":1,"time":"5"},{"v":2}]'), { timeColumn: 'time', defaultTimeNs: 42n });
    expect(values(b, 'time')).toEqual([5_000_000n, 42n]);
  });

  it.each([
    [1451606400000, 1451606400000000000n],
    [1.5, 1_500_000n],
    ['1451606400000', 1451606400000000000n],
    ['-1', -1_000_000n],
    ['2016-01-01T00:00:00Z', 1451606400000000000n],
    ['2016-01-01T00:00:00.123456789Z', 1451606400123456789n],
    ['2016-01-01T01:00:00+01:00', 1451606400000000000n],
    ['2016-01-01 00:00:00.5', 1451606400500000000n],
    ['2016-01-01', 1451606400000000000n],
  ] as const)('time %s', (v, ns) => {
    expect(jsonTimeToNs(v, 0, 'ts')).toBe(ns);
  });

  const fails: [string, string, RegExp, number | undefined][] = [
    ['not an array', '{"a":1}', /must be an array/, undefined],
    ['row not an object', '[{"ts":1,"v":1},3]', /row must be an object/, 1],
    ['nested object', '[{"ts":1,"v":{"x":1}}]', /key 'v' holds a nested object/, 0],
    ['nested array', '[{"ts":1,"v":[1]}]', /key 'v' holds a nested array/, 0],
    ['conflicting types', '[{"ts":1,"v":1},{"ts":2,"v":"x"}]', /key 'v' is string here but float64/, 1],
    ['bad timestamp', '[{"ts":1},{"ts":"yesterday"}]', /bad timestamp in 'ts'/, 1],
    ['invalid date', '[{"ts":"2016-02-30T00:00:00Z"}]', /not a valid date/, 0],
    ['missing timestamp', '[{"v":1}]', /no 'ts'/, 0],
  ];
  it.each(fails)('%s', (_n, text, message, row) => {
    let err: unknown;
    try {
      parseJsonRows('t', text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toMatch(message);
    if (row !== undefined) expect((err as InvalidArgumentError).position).toEqual({ row });
  });

  it('reports JSON syntax errors with a line and column', () => {
    let err: unknown;
    try {
      parseJsonRows('t', '[\n  {"ts": 1,}\n]');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).position!.line).toBe(2);
  });

  it('never throws anything but EddyErrors on arbitrary JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
      try {
        parseJsonRows('t', text, { tagColumns: ['a'], defaultTimeNs: 0n });
      } catch (e) {
        expect(e).toBeInstanceOf(EddyError);
      }
    }), { numRuns: 1000 });
  });
});
