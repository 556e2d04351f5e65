// Prometheus HTTP API formatting: values printed as Go's strconv 'f' (no exponent), time and duration parameters.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PromBadData, formatValue, parseDuration, parseTime, promData, promErrorOf, promValueReply } from '../../../actors/gateway/prometheus/format.ts';
import { DeadlineExceededError, QueryMemoryExceededError } from '../../../core/errors.ts';
import type { PromValue } from '../../../core/promql/types.ts';

describe('Prometheus API formatting', () => {
  it('writes a query answer as the JSON of its data, without building it first', () => {
    const labels = fc.array(fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })), { maxLength: 3 });
    // values of a few decimals and whole-ms times take the byte path (goFloatInto), the rest the string path
    const fewDecimals = fc.tuple(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.integer({ min: 0, max: 7 })).map(([k, d]) => k / 10 ** d);
    const num = fc.oneof(fc.double(), fewDecimals, fc.constantFrom(NaN, Infinity, -Infinity, -0));
    const t = fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: -2e12, max: 0 }), fc.double({ min: -1e22, max: 1e22 }));
    const value: fc.Arbitrary<PromValue> = fc.oneof(
      fc.array(fc.record({ labels, t, v: num }), { maxLength: 4 }).map((samples) => ({ type: 'vector' as const, samples })),
      fc.array(fc.record({ labels, t: fc.array(t, { maxLength: 4 }), v: fc.array(num, { maxLength: 4 }) }), { maxLength: 3 })
        .map((ss) => ({ type: 'matrix' as const, series: ss.map((x) => { const n = Math.min(x.t.length, x.v.length); return { labels: x.labels, t: Float64Array.from(x.t.slice(0, n)), v: Float64Array.from(x.v.slice(0, n)) }; }) })),
    ) as fc.Arbitrary<PromValue>;
    fc.assert(fc.property(value, (v) => {
      const body = promValueReply(v).body!;
      expect(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).toBe(JSON.stringify({ status: 'success', data: promData(v) }));
    }));
  });

  it('writes an answer larger than its first buffer (64 KiB) whole, non-ASCII labels included', () => {
    const series = Array.from({ length: 400 }, (_, k) => ({
      labels: [['__name__', 'm'], ['host', `h\u00e9-${k}-\u{1F600}`]] as [string, string][],
      t: Float64Array.from({ length: 30 }, (_, i) => 1_700_000_000_000 + i * 15_000),
      v: Float64Array.from({ length: 30 }, (_, i) => k / 7 + i),
    }));
    const v: PromValue = { type: 'matrix', series };
    const body = Buffer.from(promValueReply(v).body as Uint8Array).toString('utf8');
    expect(body.length).toBeGreaterThan(200_000);
    expect(body).toBe(JSON.stringify({ status: 'success', data: promData(v) }));
  });

  it('prints values without exponents and reads back the same number', () => {
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(1e21)).toBe('1000000000000000000000');
    expect(formatValue(1.5e-7)).toBe('0.00000015');
    expect(formatValue(-2.5e22)).toBe('-25000000000000000000000');
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const s = formatValue(v);
      expect(s).not.toMatch(/e/);
      expect(Number(s)).toBe(v); // -0 prints as Go does, "-0"
    }));
  });

  it('reads times as float seconds or RFC 3339, durations as seconds or Prometheus durations', () => {
    expect(parseTime('time', '1700000000.5', 0)).toBe(1_700_000_000_500);
    expect(parseTime('time', '2023-11-14T22:13:20Z', 0)).toBe(1_700_000_000_000);
    expect(parseTime('time', '2023-11-14T23:13:20.25+01:00', 0)).toBe(1_700_000_000_250);
    expect(parseTime('time', null, 42)).toBe(42);
    expect(() => parseTime('start', 'yesterday', 0)).toThrow(/invalid parameter "start"/);
    expect(parseDuration('step', '15')).toBe(15_000);
    expect(parseDuration('step', '0.5')).toBe(500);
    expect(parseDuration('step', '1m30s')).toBe(90_000);
    expect(parseDuration('step', '1h')).toBe(3_600_000);
    expect(() => parseDuration('step', '1x')).toThrow(/step/);
  });

  it('shapes results as Prometheus does', () => {
    expect(promData({ type: 'scalar', t: 1500, v: 2 })).toEqual({ resultType: 'scalar', result: [1.5, '2'] });
    expect(promData({ type: 'matrix', series: [{ labels: [['a', 'b']], t: Float64Array.of(1000, 2000), v: Float64Array.of(1, NaN) }] }))
      .toEqual({ resultType: 'matrix', result: [{ metric: { a: 'b' }, values: [[1, '1'], [2, 'NaN']] }] });
  });

  it('names the server\'s own failures as Prometheus does: deadline 503 timeout, client gone canceled, memory 422 execution', () => {
    const shape = (e: unknown) => { const r = promErrorOf(e); return [r.status, JSON.parse(r.body as string).errorType]; };
    expect(shape(new DeadlineExceededError('query exceeded its timeout of 5 ms'))).toEqual([503, 'timeout']);
    expect(shape(new DeadlineExceededError('query cancelled: the client went away'))).toEqual([499, 'canceled']);
    expect(shape(new QueryMemoryExceededError(2e9, 1e9))).toEqual([422, 'execution']);
    expect(shape(new PromBadData('invalid parameter "limit"'))).toEqual([400, 'bad_data']);
  });
});
