// Scan output batches are made without RecordBatch's constructor (presetBatch): on random runs (nulls, dictionaries,
// every column type, any projection) they equal the constructor's batch field by field and value by value, and write
// and read back through Arrow IPC alike.
import { RecordBatch, Table, makeData, Struct, tableFromIPC, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrowSchema, runToBatch } from '../../storage/arrow_out.ts';
import type { ColumnData, Run } from '../../storage/types.ts';
import { cpuSchema } from './fixtures.ts';

const schema = cpuSchema({}, [
  { name: 'n', type: 'int64', semantic: 'field', nullable: true },
  { name: 'ok', type: 'boolean', semantic: 'field', nullable: true },
]);
const DICT = ['a', 'b', 'c'];

const runArb = fc.integer({ min: 0, max: 30 }).chain((rows) => fc.record({
  rows: fc.constant(rows),
  host: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: rows, maxLength: rows }),
  v: fc.array(fc.option(fc.double({ noNaN: true }), { nil: null }), { minLength: rows, maxLength: rows }),
  n: fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: rows, maxLength: rows }),
  ok: fc.array(fc.boolean(), { minLength: rows, maxLength: rows }),
  ts: fc.array(fc.bigInt({ min: 0n, max: 2n ** 62n }), { minLength: rows, maxLength: rows }),
  names: fc.subarray(['host', 'usage_user', 'n', 'ok'], { minLength: 0 }),
}));

function runOf(r: { rows: number; host: number[]; v: (number | null)[]; n: bigint[]; ok: boolean[]; ts: bigint[] }): Run {
  const cols = new Map<string, ColumnData>([
    ['host', { type: 'string', values: Int32Array.from(r.host), valid: null, dict: DICT }],
    ['usage_user', { type: 'float64', values: Float64Array.from(r.v, (x) => x ?? 0), valid: r.v.some((x) => x === null) ? Uint8Array.from(r.v, (x) => (x === null ? 0 : 1)) : null }],
    ['n', { type: 'int64', values: BigInt64Array.from(r.n), valid: null }],
    ['ok', { type: 'boolean', values: Uint8Array.from(r.ok, (x) => (x ? 1 : 0)), valid: null }],
    ['ts', { type: 'timestamp', values: BigInt64Array.from(r.ts), valid: null }],
  ]);
  return { rows: r.rows, cols };
}

const rowsOf = (b: RecordBatch) => Array.from({ length: b.numRows }, (_, i) => b.schema.fields.map((f) => b.getChild(f.name)!.get(i)));

describe('scan output batches', () => {
  it('property: runToBatch equals the RecordBatch constructor over the same data, and round-trips through IPC', () => {
    fc.assert(fc.property(runArb, (r) => {
      const names = [...r.names, 'ts'];
      const got = runToBatch(runOf(r), schema, names);
      const s = arrowSchema(schema, names);
      const want = new RecordBatch(s, makeData({ type: new Struct(s.fields), length: r.rows, nullCount: 0, children: got.data.children }));
      expect(got).toBeInstanceOf(RecordBatch);
      expect(got.numRows).toBe(want.numRows);
      expect(got.numCols).toBe(want.numCols);
      expect(got.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(want.schema.fields.map((f) => [f.name, String(f.type), f.nullable]));
      expect([...got.schema.metadata]).toEqual([...want.schema.metadata]);
      expect(rowsOf(got)).toEqual(rowsOf(want));
      expect([...got.dictionaries.keys()]).toEqual([...want.dictionaries.keys()]);
      const back = tableFromIPC(tableToIPC(new Table([got])));
      const again = tableFromIPC(tableToIPC(new Table([want])));
      expect(back.numRows).toBe(r.rows);
      expect(back.toArray().map((x) => x.toJSON())).toEqual(again.toArray().map((x) => x.toJSON()));
    }), { numRuns: 200 });
  });
});
