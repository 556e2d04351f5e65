// chrono format specifiers both ways (core/query/expr/strftime.ts): what formatTime writes, parseTime reads back to
// the same instant; fields agree with the platform's own calendar; any text or format is an answer, never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTime, parseTime } from '../../../../core/query/expr/strftime.ts';

// years 1..9999, any nanosecond
const MIN_NS = -62135596800n * 1_000_000_000n, MAX_NS = 253402300799n * 1_000_000_000n;
const instant = fc.bigInt({ min: MIN_NS, max: MAX_NS });

describe('strftime', () => {
  it('parseTime reads back what formatTime wrote, for formats that keep every field', () => {
    const formats = ['%Y-%m-%d %H:%M:%S%.9f', '%d/%m/%Y %T%.f', '%Y%m%d%H%M%S%f', '%F %R:%S.%f', '%j %Y %H %M %S %f', '%d %B %Y %I:%M:%S %p %f', '%a %e %b %Y %k:%M:%S %9f'];
    fc.assert(fc.property(instant, fc.constantFrom(...formats), (ns, fmt) => {
      expect(parseTime(formatTime(ns, fmt, 0, 'UTC'), fmt)).toBe(ns);
    }), { numRuns: 500 });
  });

  it('a written offset is read back: the same instant from any zone', () => {
    fc.assert(fc.property(instant, fc.integer({ min: -14 * 60, max: 14 * 60 }), (ns, off) => {
      const fmt = '%Y-%m-%dT%H:%M:%S%.f%:z';
      expect(parseTime(formatTime(ns, fmt, off, 'X'), fmt)).toBe(ns);
    }), { numRuns: 300 });
  });

  it('calendar fields agree with Date for years 1970..2100', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4102444799999 }), (ms) => {
      const iso = new Date(ms).toISOString();
      expect(formatTime(BigInt(ms) * 1_000_000n, '%Y-%m-%dT%H:%M:%S%.3f', 0, 'UTC')).toBe(iso.slice(0, 23));
      expect(formatTime(BigInt(ms) * 1_000_000n, '%s', 0, 'UTC')).toBe(String(Math.floor(ms / 1000)));
    }), { numRuns: 500 });
  });

  it('any text and format give an instant or null, never a throw', () => {
    const piece = fc.oneof(fc.constantFrom('%Y', '%m', '%d', '%H', '%M', '%S', '%.f', '%f', '%z', '%:z', '%p', '%b', '%j', '%s', '%T', '%F', '%%', '%', '%Q', '-', ' ', ':'), fc.string({ maxLength: 3 }));
    fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.array(piece, { maxLength: 8 }), (text, parts) => {
      const r = parseTime(text, parts.join(''));
      expect(r === null || typeof r === 'bigint').toBe(true);
    }), { numRuns: 2000 });
  });

  it('rejects dates the calendar lacks and text past the format', () => {
    expect(parseTime('2024-02-30', '%Y-%m-%d')).toBeNull();
    expect(parseTime('2023-02-29', '%Y-%m-%d')).toBeNull();
    expect(parseTime('2024-02-29', '%Y-%m-%d')).toBe(BigInt(Date.UTC(2024, 1, 29)) * 1_000_000n);
    expect(parseTime('2024-01-01x', '%Y-%m-%d')).toBeNull();
    expect(parseTime('13:00 PM', '%I:%M %p')).toBeNull();
  });
});
