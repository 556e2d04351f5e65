// WAL batch codec: round trip over arbitrary batches, several batches per record, corrupt input fails cleanly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBatch, decodeBatches, encodeBatch, encodeBatches, parseLineProtocol, valueAt, type Column, type WriteBatch } from '../../../core/index.ts';
import { batchArb, columnArb, dictColumnArb, int64 } from './batch_arbs.ts';

/** Everything valueAt sees, plus the column metadata, for deep comparison. */
function view(b: WriteBatch) {
  return {
    table: b.table,
    rows: b.rows,
    columns: b.columns.map((c) => ({
      name: c.name, type: c.type, semantic: c.semantic, hasValid: c.valid !== null,
      values: Array.from({ length: b.rows }, (_, i) => valueAt(c, i)),
    })),
  };
}

describe('walbatch codec', () => {
  it('round-trips arbitrary batches (nulls, unicode, int64 extremes, NaN and -0)', () => {
    fc.assert(fc.property(batchArb, (b) => {
      const back = decodeBatch(encodeBatch(b));
      expect(view(back)).toEqual(view(b));
      back.columns.forEach((c, k) => expect(c.values.constructor).toBe(b.columns[k]!.values.constructor));
    }), { numRuns: 500 });
  });

  it('round-trips several batches in one record, at any byte offset', () => {
    fc.assert(fc.property(fc.array(batchArb, { maxLength: 4 }), fc.nat(7), (bs, pad) => {
      const rec = encodeBatches(bs);
      const shifted = new Uint8Array(rec.length + pad).subarray(pad);
      shifted.set(rec);
      expect(decodeBatches(shifted).map(view)).toEqual(bs.map(view));
    }), { numRuns: 200 });
  });

  it('writes an 8-byte column whose rows are all alike once (version 2), bit for bit, beside a string column only', () => {
    const bits = (c: Column) => Array.from(new Uint32Array((c.values as Float64Array).buffer, (c.values as Float64Array).byteOffset, 2 * (c.values as Float64Array).length));
    fc.assert(fc.property(fc.integer({ min: 2, max: 300 }), fc.oneof(fc.double(), fc.constant(NaN), fc.constant(-0)), int64, (rows, x, t) => {
      const stale = new Float64Array(rows);
      new Uint32Array(stale.buffer).forEach((_, i, u) => { u[i] = i % 2 ? 0x7ff00000 : 2; }); // staleness NaN, bit-exact
      const b: WriteBatch = {
        table: 'm', rows,
        columns: [
          { name: 'host', type: 'string', semantic: 'tag', values: new Int32Array(rows), valid: null, dict: ['a'] },
          { name: 'v', type: 'float64', semantic: 'field', values: new Float64Array(rows).fill(x), valid: null },
          { name: 's', type: 'float64', semantic: 'field', values: stale, valid: null },
          { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: new BigInt64Array(rows).fill(t), valid: null },
        ],
      };
      const rec = encodeBatch(b);
      expect(rec[3]).toBe(2);
      expect(rec.length).toBeLessThan(rows + 100);
      const back = decodeBatch(rec, { dictionary: true });
      for (const k of [1, 2, 3]) expect(bits(back.columns[k]!)).toEqual(bits(b.columns[k]!));
      // without a string column nothing bounds the rows by the record's length: written plain, version 1
      const plain = encodeBatch({ ...b, columns: b.columns.slice(1) });
      expect([plain[3], plain.length > rows * 24]).toEqual([1, true]);
      expect(view(decodeBatch(plain))).toEqual(view({ ...b, columns: b.columns.slice(1) }));
    }), { numRuns: 200 });
  });

  it('refuses a constant column claiming more rows than its record has bytes', () => {
    const rows = 4;
    const rec = encodeBatch({ table: 'm', rows, columns: [
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: new BigInt64Array(rows).fill(7n), valid: null },
      { name: 'h', type: 'string', semantic: 'tag', values: new Int32Array(rows), valid: null, dict: ['a'] },
    ] });
    // magic, version 2, 1 batch, table "m", rows 4 at byte 7
    expect([rec[3], rec[7]]).toEqual([2, rows]);
    // the row count edited to 2^28 - 1: the constant column (read first) fails before anything is allocated for it
    const big = Uint8Array.from([...rec.subarray(0, 7), 0xff, 0xff, 0xff, 0x7f, ...rec.subarray(8)]);
    expect(() => decodeBatches(big)).toThrow(/constant column ts of 268435455 rows in a record of \d+ bytes/);
  });

  it('encodes a wide dictionary with 2- and 4-byte indexes', () => {
    for (const n of [300, 70_000]) {
      const values = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `v${i}`));
      const b: WriteBatch = { table: 't', rows: n, columns: [{ name: 's', type: 'string', semantic: 'tag', values, valid: null }] };
      expect(decodeBatch(encodeBatch(b)).columns[0]!.values).toEqual(values);
    }
  });

  it('passes dictionary columns through, and decodes either form on request', () => {
    fc.assert(fc.property(fc.nat(30).chain((rows) => fc.tuple(fc.constant(rows), dictColumnArb(rows), columnArb(rows, 'p'))), ([rows, d, p]) => {
      const b: WriteBatch = { table: 't', rows, columns: [d, p] };
      const rec = encodeBatch(b);
      expect(view(decodeBatch(rec))).toEqual(view(b));
      const asDict = decodeBatch(rec, { dictionary: true });
      expect(view(asDict)).toEqual({ ...view(b), columns: view(b).columns.map((c) => ({ ...c, hasValid: asDict.columns.find((x) => x.name === c.name)!.valid !== null })) });
      for (const c of asDict.columns) if (c.type === 'string') {
        expect(c.values).toBeInstanceOf(Int32Array);
        expect(c.dict).toBeDefined();
      }
      if (d.valid === null) expect(asDict.columns[0]!.dict).toEqual(d.dict);
    }), { numRuns: 300 });
  });

  it('refuses a dictionary code outside the dictionary', () => {
    const bad: WriteBatch = { table: 't', rows: 1, columns: [{ name: 'd', type: 'string', semantic: 'tag', values: Int32Array.of(2), valid: null, dict: ['a'] }] };
    expect(() => encodeBatch(bad)).toThrow(/outside its dictionary/);
  });

  it('decodeBatch insists on exactly one batch', () => {
    expect(() => decodeBatch(encodeBatches([]))).toThrow(/expected one batch/);
  });

  const sample = parseLineProtocol(new TextEncoder().encode(
    'cpu,host=a,dc=x usage=1.5,n=3i,u=4u,ok=t,msg="hé" 1\ncpu,host=b usage=2 2\nmem free=1 3\n'));
  const record = encodeBatches(sample);

  it('rejects every truncation with an Error', () => {
    for (let len = 0; len < record.length; len++) {
      expect(() => decodeBatches(record.subarray(0, len)), `length ${len}`).toThrow(/walbatch/);
    }
  });

  it('corrupted bytes either decode or throw an Error, promptly', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(record.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
      const bad = record.slice();
      for (const [at, v] of edits) bad[at] = v;
      try {
        decodeBatches(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/walbatch/);
      }
    }), { numRuns: 3000 });
  });

  it('random bytes and huge declared lengths fail without allocating', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      const withHeader = new Uint8Array([0x45, 0x57, 0x42, 1, ...bytes]);
      for (const input of [bytes, withHeader]) {
        try {
          decodeBatches(input);
        } catch (e) {
          expect((e as Error).message).toMatch(/walbatch/);
        }
      }
    }), { numRuns: 2000 });
    // One batch, table "", 2^31-1 rows, one float column: must be refused before allocating 16 GB.
    const huge = new Uint8Array([0x45, 0x57, 0x42, 1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 1, 0x76, 1, 1, 0]);
    expect(() => decodeBatches(huge)).toThrow(/needs 17179869176 bytes/);
  });
});
