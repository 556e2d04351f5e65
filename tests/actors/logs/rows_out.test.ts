// Tail rows: the NDJSON writer agrees with JSON.stringify of the row objects, for every column kind and nulls.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeJsonb, type WriteBatch } from '../../../core/index.ts';
import { batchNdjson, batchObjects, nsText } from '../../../actors/logs/rows_out.ts';

describe('tail rows', () => {
  it('NDJSON equals the row objects', () => {
    const row = fc.record({
      s: fc.option(fc.string(), { nil: null }), f: fc.option(fc.double(), { nil: null }), i: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null }),
      b: fc.option(fc.boolean(), { nil: null }), j: fc.option(fc.jsonValue(), { nil: null }), t: fc.bigInt({ min: 0n, max: 4_000_000_000_000_000_000n }),
    });
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
      const n = rows.length;
      const valid = (k: keyof (typeof rows)[0]) => Uint8Array.from(rows, (r) => (r[k] === null ? 0 : 1));
      const b: WriteBatch = {
        table: 't', rows: n, columns: [
          { name: 's', type: 'string', semantic: 'field', values: rows.map((r) => r.s), valid: valid('s') },
          { name: 'f', type: 'float64', semantic: 'field', values: Float64Array.from(rows, (r) => r.f ?? 0), valid: valid('f') },
          { name: 'i', type: 'int64', semantic: 'field', values: BigInt64Array.from(rows, (r) => r.i ?? 0n), valid: valid('i') },
          { name: 'b', type: 'boolean', semantic: 'field', values: Uint8Array.from(rows, (r) => (r.b ? 1 : 0)), valid: valid('b') },
          { name: 'j', type: 'string', semantic: 'field', values: rows.map((r) => (r.j === null ? null : encodeJsonb(r.j))), valid: valid('j') },
          { name: 't', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(rows, (r) => r.t), valid: null },
        ],
      };
      const schema = { columns: [{ name: 'j', type: 'string' as const, semantic: 'field' as const, nullable: true, sqlType: 'Json' }] };
      const want = batchObjects(b, schema).map((o) => JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `__${v}__` : v)).replace(/"__(-?\d+)__"/g, '$1')).join('\n') + '\n';
      expect(batchNdjson(b, schema)).toBe(want);
    }), { numRuns: 300 });
    expect(nsText(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123456789Z');
  });
});
