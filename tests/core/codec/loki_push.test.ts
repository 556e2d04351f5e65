// Loki push bodies: label sets, protobuf and JSON into columns; fuzzed with fast-check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError, TimeCol, decodeLokiJson, decodeLokiProtobuf, parseLabels } from '../../../core/index.ts';
import { LokiPushRequestType } from '../../../core/proto/loki_push.ts';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,6}$/);

describe('loki push codec', () => {
  it('parses label sets with Go escapes and names the character of a fault', () => {
    expect(parseLabels('{a="1", b_2="x\\"y\\\\z\\n", c="\\u00e9\\x41"}')).toEqual([['a', '1'], ['b_2', 'x"y\\z\n'], ['c', 'éA']]);
    expect(parseLabels(' { } ')).toEqual([]);
    expect(() => parseLabels('{a="1",a="2"}')).toThrow(/given twice/);
    expect(() => parseLabels('{a=1}')).toThrow(/at character 4/);
    expect(() => parseLabels('{a="1"')).toThrow(InvalidArgumentError);
  });

  it('decodes protobuf and JSON into the same columns', () => {
    const msg = LokiPushRequestType.fromObject({ streams: [{ labels: '{job="a"}', entries: [{ timestamp: { seconds: 2, nanos: 3 }, line: 'l1', structuredMetadata: [{ name: 'k', value: 'v' }] }] }, { labels: '{host="h"}', entries: [{ timestamp: { seconds: 4 }, line: 'l2' }] }] });
    const p = decodeLokiProtobuf(snappyEncode(LokiPushRequestType.encode(msg).finish()));
    const j = decodeLokiJson(JSON.stringify({ streams: [{ stream: { job: 'a' }, values: [['2000000003', 'l1', { k: 'v' }]] }, { stream: { host: 'h' }, values: [['4000000000', 'l2']] }] }));
    for (const b of [p, j]) {
      expect(b.n).toBe(2);
      expect(b.labels).toEqual(['host', 'job']);
      expect([...(b.columns.get('greptime_timestamp') as TimeCol).ns]).toEqual([2000000003n, 4000000000n]);
      expect(b.columns.get('line')).toEqual(['l1', 'l2']);
      expect(b.columns.get('structured_metadata')).toEqual([{ k: 'v' }, null]);
      expect(b.columns.get('job')).toEqual(['a', undefined]);
      expect(b.columns.get('host')).toEqual([undefined, 'h']);
    }
  });

  it('fuzz: label sets printed with escapes parse back', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(labelName, fc.string({ unit: 'binary', maxLength: 12 })), { selector: (t) => t[0], maxLength: 6 }), (labels) => {
      const text = `{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
      expect(parseLabels(text)).toEqual(labels);
    }), { numRuns: 200 });
  });

  it('fuzz: arbitrary bytes, label text and JSON fail only with InvalidArgumentError', () => {
    const onlyBadInput = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(InvalidArgumentError); } };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      onlyBadInput(() => decodeLokiProtobuf(b));
      onlyBadInput(() => decodeLokiProtobuf(snappyEncode(b)));
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => { onlyBadInput(() => parseLabels(s)); onlyBadInput(() => decodeLokiJson(s)); }), { numRuns: 500 });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => { onlyBadInput(() => decodeLokiJson(JSON.stringify({ streams: [v] }))); }), { numRuns: 500 });
  });
});
