// The one duration parser (core/duration.ts): the forms GreptimeDB accepts, positions in errors, format/parse round trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDuration, intervalHumanMs, intervalNs, parseDurationMs, parseDurationNs, parseInterval, scanInterval, tryParseInterval,
} from '../../core/duration.ts';
import { parseDurationMs as tableDurationMs } from '../../core/schema.ts';
import { parseIntervalText } from '../../core/sql/interval.ts';
import { parseInterval as exprParseInterval } from '../../core/query/expr/time.ts';
import { durationMs as flowOptionMs } from '../../actors/flow/def.ts';
import { InvalidArgumentError } from '../../core/errors.ts';

const S = 1_000_000_000n;

describe('duration parser', () => {
  it.each([
    ['5m', { months: 0, days: 0, nanos: 300n * S }],
    ['1h30m', { months: 0, days: 0, nanos: 5400n * S }],
    ['1 hour', { months: 0, days: 0, nanos: 3600n * S }],
    ['500ms', { months: 0, days: 0, nanos: 500_000_000n }],
    ['1 day 2 hours', { months: 0, days: 1, nanos: 7200n * S }],
    ['2w', { months: 0, days: 14, nanos: 0n }],
    ['1y 2 months', { months: 14, days: 0, nanos: 0n }],
    ['1.5 days', { months: 0, days: 1, nanos: 43_200n * S }],
    ['1.5 months', { months: 1, days: 15, nanos: 0n }],
    ['-5m', { months: 0, days: 0, nanos: -300n * S }],
    ['10 MINUTES', { months: 0, days: 0, nanos: 600n * S }],
    ['1h, 5s', { months: 0, days: 0, nanos: 3605n * S }],
    ['PT5M', { months: 0, days: 0, nanos: 300n * S }],
    ['P1Y2M3DT4H5M6.5S', { months: 14, days: 3, nanos: 14_706_500_000_000n }],
    ['P2W', { months: 0, days: 14, nanos: 0n }],
  ])('reads %s', (text, iv) => {
    expect(parseInterval(text)).toEqual(iv);
  });

  it('names the position of a mistake', () => {
    expect(scanInterval('5m 3x')).toEqual({ error: "unknown duration unit 'x'", offset: 4 });
    expect(scanInterval('5m abc')).toMatchObject({ offset: 3 });
    expect(scanInterval('5')).toMatchObject({ offset: 1 });
    expect(scanInterval('')).toMatchObject({ error: 'empty duration' });
    expect(scanInterval('PT5X')).toMatchObject({ offset: 3 });
    expect(() => parseInterval('1h zz', 'ttl')).toThrow(/ttl: '1h zz' is not a duration: expected a number or the end at position 4/);
    expect(() => parseInterval('1h zz')).toThrow(InvalidArgumentError);
  });

  it('a bare number takes the default unit only when one is given', () => {
    expect(tryParseInterval('90')).toBeNull();
    expect(tryParseInterval('90', 's')).toEqual({ months: 0, days: 0, nanos: 90n * S });
    expect(tryParseInterval('5', 'MINUTE')).toEqual({ months: 0, days: 0, nanos: 300n * S });
  });

  it('fixed durations refuse calendar months; the two month readings are kept apart', () => {
    expect(parseDurationNs('1d')).toBe(86_400n * S);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(() => parseDurationNs('1 month', 'window')).toThrow(/window: '1 month' is month-based/);
    expect(intervalNs({ months: 1, days: 0, nanos: 0n })).toBe(30n * 86_400n * S);
    expect(intervalHumanMs({ months: 12, days: 0, nanos: 0n })).toBe(31_557_600_000);
    expect(intervalHumanMs({ months: 1, days: 0, nanos: 0n })).toBe(2_630_016_000);
  });

  it('every former parser now reads through it', () => {
    expect(tableDurationMs('7d')).toBe(7 * 86_400_000);
    expect(tableDurationMs('forever')).toBeUndefined();
    expect(tableDurationMs('1y')).toBe(31_557_600_000);
    expect(() => tableDurationMs('7 fortnights')).toThrow(/position 3/);
    expect(flowOptionMs('90', 'emit_interval')).toBe(90_000);
    expect(flowOptionMs('1h30m', 'emit_interval')).toBe(5_400_000);
    expect(() => flowOptionMs('soon', 'emit_interval')).toThrow(/emit_interval: 'soon' is not a duration/);
    expect(parseIntervalText('1 day 2 hours')).toEqual({ months: 0, days: 1, nanoseconds: 7200n * S });
    expect(exprParseInterval('1h30m')).toEqual({ months: 0, days: 0, nanos: 5400n * S });
    expect(exprParseInterval('nope')).toBeNull();
  });

  const intervalArb = fc.record({
    months: fc.integer({ min: -24_000, max: 24_000 }),
    days: fc.integer({ min: -100_000, max: 100_000 }),
    nanos: fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
  });

  it('format then parse gives back the same interval', () => {
    fc.assert(fc.property(intervalArb, (iv) => {
      expect(parseInterval(formatDuration(iv))).toEqual(iv);
    }), { numRuns: 500 });
  });

  it('garbage appended to a valid duration is reported at the point it starts', () => {
    fc.assert(fc.property(intervalArb, fc.constantFrom(' x', ' 5q', ' ?', ' 1 fortnight'), (iv, junk) => {
      const good = formatDuration(iv);
      const r = scanInterval(good + junk);
      expect(r).toHaveProperty('error');
      const at = (r as { offset: number }).offset;
      expect(at).toBeGreaterThanOrEqual(good.length);
      expect(at).toBeLessThanOrEqual(good.length + junk.length);
    }), { numRuns: 300 });
  });
});
