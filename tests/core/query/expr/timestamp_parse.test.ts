// Text that is no timestamp is refused in DataFusion's words ("Error parsing timestamp from '<text>': <part>"),
// as a 400 naming the SQL position, for any text a client can send; TRY_CAST gives NULL instead.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castTo, parseTimestampNs } from '../../../../core/query/expr/index.ts';
import type { StrVec, TsVec } from '../../../../core/query/vector.ts';
import { executeSql } from '../../../../core/query/index.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const POS = { line: 3, column: 9, offset: 20 };
const REASONS = /^(timestamp must contain at least 10 characters|error parsing date|invalid timestamp separator|error parsing time|invalid timezone ".*")$/s;
const str = (s: string): StrVec => ({ kind: 'str', dt: 'String', v: [s] });

// text near the timestamp shape: digits, separators and zone letters in any order, and mutated real timestamps
const piece = fc.constantFrom('2024', '-', '01', '1', '13', '31', '29', '02', ' ', 'T', 't', ':', '59', '61', '.', '123', 'Z', '+08:00', 'UTC', 'x', '/');
const nearTimestamp = fc.oneof(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), fc.string({ maxLength: 30 }),
  fc.tuple(fc.constantFrom('2024-02-29 10:00:00', '2023-06-01T12:30:45.5+02:00'), fc.nat(30), fc.string({ maxLength: 2 }))
    .map(([t, at, ins]) => t.slice(0, at) + ins + t.slice(at + ins.length)));

describe('timestamp parse errors', () => {
  it('every refused text names itself and one of the parts, at the position; parsed text casts; TRY_CAST is NULL', () => {
    fc.assert(fc.property(nearTimestamp, (s) => {
      // digits alone are no timestamp text either (Arrow reads no epoch count from a string)
      const ok = parseTimestampNs(s) !== null;
      if (ok) {
        // text that parses casts, or is refused as beyond the int64 nanosecond range (year 24, year 9999)
        try { expect(castTo(str(s), 'TimestampMillisecond', false, POS).v.length).toBe(1); } catch (e) { expect((e as Error).message).toMatch(/out of the timestamp range/); }
        return;
      }
      let msg = '';
      try { castTo(str(s), 'TimestampMillisecond', false, POS); } catch (e) { msg = (e as Error).message; expect((e as { code?: number }).code).toBe(1004); }
      const head = `Error parsing timestamp from '${s}': `;
      expect(msg.startsWith(head)).toBe(true);
      expect(msg.slice(head.length).replace(/ at line 3, column 9$/, '')).toMatch(REASONS);
      expect(msg).toMatch(/ at line 3, column 9$/);
      const t = castTo(str(s), 'TimestampMillisecond', true, POS) as TsVec;
      expect(t.valid?.[0]).toBe(0);
    }), { numRuns: 500 });
  });

  it('names the part that fails in the order DataFusion reads them', () => {
    const reason = (s: string): string => {
      try { castTo(str(s), 'TimestampSecond', false, POS); } catch (e) { return (e as Error).message.replace(/^Error parsing timestamp from '.*?': /s, '').replace(/ at line .*$/, ''); }
      return 'parsed';
    };
    const cases: [string, string][] = [
      ['yesterday', 'timestamp must contain at least 10 characters'], ['2023-02-29 10:00:00', 'error parsing date'],
      ['2024-01-01X10:00:00', 'invalid timestamp separator'], ['2024-01-01 24:00:00', 'error parsing time'],
      ['2024-01-01 10:00:00 Mars/Olympus', 'invalid timezone "Mars/Olympus"'], ['2024-01-01t10:00:00Z', 'parsed'],
    ];
    expect(cases.map(([text]) => [text, reason(text)])).toEqual(cases);
  });

  it('a comparison with bad text and an INSERT of it are 400s in the same words', async () => {
    const ctx = new MemoryCatalog().context();
    await executeSql(ctx, 'CREATE TABLE t (ts TIMESTAMP TIME INDEX, v DOUBLE)');
    await executeSql(ctx, "INSERT INTO t VALUES ('2024-01-01 00:00:00', 0)");
    await expect(executeSql(ctx, "SELECT v FROM t\nWHERE ts > '2024-13-01'")).rejects.toMatchObject({
      code: 1004, message: "Error parsing timestamp from '2024-13-01': error parsing date at line 2, column 7",
    });
    await expect(executeSql(ctx, "INSERT INTO t VALUES ('2024-01-02 00:00:00', 1), ('2024-01-01 10:00', 2), ('2024-01-01 25:00', 3)")).rejects.toMatchObject({
      code: 1004, message: expect.stringMatching(/^Error parsing timestamp from '2024-01-01 25:00': error parsing time \(column ts\) at row 2/),
    });
    // nothing half-written
    const [out] = await executeSql(ctx, 'SELECT count(*) FROM t');
    expect(out?.kind === 'records' && out.rows[0]![0]).toBe(1);
  });
});
