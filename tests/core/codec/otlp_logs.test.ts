// OTLP logs: protobuf and OTLP/JSON into GreptimeDB's columns; fuzzed with fast-check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidArgumentError, TimeCol, decodeOtlpLogsJson, decodeOtlpLogsProtobuf, parseExtractKeys } from '../../../core/index.ts';
import { OtlpLogsRequestType } from '../../../core/proto/otlp_logs.ts';

const record = fc.record({
  sec: fc.integer({ min: 1, max: 4_000_000_000 }), nanos: fc.integer({ min: 0, max: 999_999_999 }),
  body: fc.string({ maxLength: 20 }), sev: fc.integer({ min: 0, max: 24 }), attr: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean()),
  trace: fc.uint8Array({ minLength: 16, maxLength: 16 }),
});
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('otlp logs codec', () => {
  it('fuzz: generated records come back the same through protobuf and through JSON', () => {
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (recs) => {
      const ns = (r: (typeof recs)[number]) => (BigInt(r.sec) * 1_000_000_000n + BigInt(r.nanos)).toString();
      const anyOf = (v: string | number | boolean) => (typeof v === 'string' ? { stringValue: v } : typeof v === 'number' ? { intValue: String(v) } : { boolValue: v });
      const json = { resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 's' } }] }, scopeLogs: [{ scope: { name: 'sc' }, logRecords: recs.map((r) => ({ timeUnixNano: ns(r), severityNumber: r.sev, body: { stringValue: r.body }, attributes: [{ key: 'a', value: anyOf(r.attr) }], traceId: hex(r.trace) })) }] }] };
      const proto = OtlpLogsRequestType.encode(OtlpLogsRequestType.fromObject({ resource_logs: [{ resource: { attributes: [{ key: 'service.name', value: { string_value: 's' } }] }, scope_logs: [{ scope: { name: 'sc' }, log_records: recs.map((r) => ({
        time_unix_nano: ns(r), severity_number: r.sev, body: { string_value: r.body }, trace_id: r.trace,
        attributes: [{ key: 'a', value: typeof r.attr === 'string' ? { string_value: r.attr } : typeof r.attr === 'number' ? { int_value: r.attr } : { bool_value: r.attr } }],
      })) }] }] })).finish();
      for (const b of [decodeOtlpLogsJson(JSON.stringify(json), 0), decodeOtlpLogsProtobuf(proto, 0)]) {
        expect(b.n).toBe(recs.length);
        expect([...(b.columns.get('timestamp') as TimeCol).ns].map(String)).toEqual(recs.map(ns));
        expect(b.columns.get('body')).toEqual(recs.map((r) => r.body));
        expect(b.columns.get('severity_number')).toEqual(recs.map((r) => r.sev));
        expect(b.columns.get('log_attributes')).toEqual(recs.map((r) => ({ a: r.attr })));
        expect(b.columns.get('trace_id')).toEqual(recs.map((r) => hex(r.trace)));
        expect(b.columns.get('scope_name')).toEqual(recs.map(() => 'sc'));
        expect(b.columns.get('resource_attributes')).toEqual(recs.map(() => ({ 'service.name': 's' })));
      }
    }), { numRuns: 200 });
  });

  it('fuzz: arbitrary bytes and JSON fail only with InvalidArgumentError', () => {
    const onlyBadInput = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(InvalidArgumentError); } };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 150 }), (b) => onlyBadInput(() => decodeOtlpLogsProtobuf(b, 0))), { numRuns: 1000 });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
      onlyBadInput(() => decodeOtlpLogsJson(JSON.stringify(v), 0));
      onlyBadInput(() => decodeOtlpLogsJson(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [v] }] }] }), 0));
    }), { numRuns: 500 });
  });

  it('fuzz: extract keys take the record\'s value, else the scope\'s, else the resource\'s; a double fails naming where', () => {
    const val = fc.option(fc.oneof(fc.string({ maxLength: 4 }), fc.boolean()), { nil: undefined });
    const level = fc.record({ k: val, other: val });
    const attrs = (l: { k: unknown; other: unknown }, key: string) => [
      ...(l.k === undefined ? [] : [{ key, value: typeof l.k === 'string' ? { stringValue: l.k } : { boolValue: l.k } }]),
      ...(l.other === undefined ? [] : [{ key: 'other', value: { stringValue: String(l.other) } }]),
    ];
    fc.assert(fc.property(level, level, fc.array(level, { minLength: 1, maxLength: 6 }), fc.constantFrom('k', 'K'), (res, scope, recs, spelled) => {
      // one type per key in a request: strings only, or booleans only
      const kind = (v: unknown) => (v === undefined ? undefined : typeof v);
      const kinds = new Set([res, scope, ...recs].map((l) => kind(l.k)).filter(Boolean));
      const json = { resourceLogs: [{ resource: { attributes: attrs(res, spelled) }, scopeLogs: [{ scope: { name: 's', attributes: attrs(scope, 'k') }, logRecords: recs.map((r) => ({ body: { stringValue: 'x' }, attributes: attrs(r, 'k') })) }] }] };
      if (kinds.size > 1) {
        expect(() => decodeOtlpLogsJson(JSON.stringify(json), 0, ['k'])).toThrow(/key 'k' is a/);
        return;
      }
      const b = decodeOtlpLogsJson(JSON.stringify(json), 0, ['k']);
      const want = recs.map((r) => r.k ?? scope.k ?? res.k ?? null);
      expect(b.extracted).toEqual(kinds.size === 0 ? [] : [{ name: 'k', type: kinds.has('string') ? 'string' : 'boolean' }]);
      if (kinds.size > 0) expect(b.columns.get('k')).toEqual(want);
    }), { numRuns: 300 });
    const dbl = { resourceLogs: [{ scopeLogs: [{ logRecords: [{}, { attributes: [{ key: 'k', value: { doubleValue: 2.5 } }] }] }] }] };
    expect(() => decodeOtlpLogsJson(JSON.stringify(dbl), 0, ['k'])).toThrow(new InvalidArgumentError("x-greptime-log-extract-keys: attribute resource_logs[0].scope_logs[0].log_records[1].attributes['k'] is a double; only string, int and bool attributes can be extracted into a tag column"));
    expect(parseExtractKeys(' a, b ,,a ')).toEqual(['a', 'b']);
    expect(() => parseExtractKeys('a,body')).toThrow("'body' is already a column");
  });
});
