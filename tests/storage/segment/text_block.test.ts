// Text-block columns (mostly distinct strings such as log messages): round trip through segment files, references to
// sibling columns, NUL and non-ASCII text, nulls, several row groups; and the size against a dictionary column.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Memtable } from '../../../storage/memtable/memtable.ts';
import { sortMemtable } from '../../../storage/memtable/sort.ts';
import { decodeSegment, openSegment } from '../../../storage/segment/read.ts';
import { encodeSegment } from '../../../storage/segment/write.ts';
import type { TableSchema } from '../../../core/index.ts';
import { batchOf, rowsOf, type Row } from '../fixtures.ts';
import { RegionStore } from '../../../storage/index.ts';
import { tempDir } from '../fixtures.ts';

const schema: TableSchema = {
  db: 'public', name: 'logs', id: 1025, version: 1, timeIndex: 'ts', primaryKey: ['service'], regions: 1, createdAt: 0,
  options: { appendMode: true },
  columns: [
    { name: 'service', type: 'string', semantic: 'tag', nullable: true },
    { name: 'path', type: 'string', semantic: 'field', nullable: true },
    { name: 'status', type: 'uint64', semantic: 'field', nullable: true },
    { name: 'bytes', type: 'int64', semantic: 'field', nullable: true },
    { name: 'message', type: 'string', semantic: 'field', nullable: true },
    { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' },
  ],
};
const names = schema.columns.map((c) => c.name);

/** Writes rows as one segment (row groups of `groupRows`) and reads every column back, in file order. */
function roundTrip(rows: Row[], groupRows: number): { back: Row[]; want: Row[]; bytes: Uint8Array } {
  const mem = new Memtable(schema.primaryKey);
  mem.apply(batchOf(schema, rows), 1, schema);
  const run = sortMemtable(mem, schema);
  const want = Array.from({ length: run.rows }, (_, i) => Object.fromEntries(names.map((n) => {
    const c = run.cols.get(n)!;
    if (c.valid && c.valid[i] === 0) return [n, null];
    return [n, c.dict ? c.dict[(c.values as Int32Array)[i]!]! : c.values[i]!];
  })));
  const { bytes } = encodeSegment(run, schema, 'zstd', 3, groupRows);
  const got = decodeSegment(bytes, schema, names, 'test.arrow');
  const back = Array.from({ length: got.rows }, (_, i) => Object.fromEntries(names.map((n) => {
    const c = got.cols.get(n)!;
    if (c.valid && c.valid[i] === 0) return [n, null];
    return [n, c.dict ? c.dict[(c.values as Int32Array)[i]!]! : c.values[i]!];
  })));
  return { back, want, bytes };
}

const line = (i: number, path: string, status: number, bytes: number): string =>
  `10.0.${i % 7}.${i % 251} - - [01/May/2024:00:00:${String(i % 60).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${status} ${bytes} "-" "curl/8.5.0"`;

describe('text-block columns', () => {
  it('round-trips access-log lines that repeat their sibling fields, over several row groups', () => {
    const rows: Row[] = Array.from({ length: 1000 }, (_, i) => {
      const path = `/api/v1/items/${i * 7919 % 1000}`;
      return { service: i % 3 === 0 ? 'web' : 'api', path, status: BigInt(i % 5 === 0 ? 500 : 200), bytes: BigInt(i * 13), message: line(i, path, i % 5 === 0 ? 500 : 200, i * 13), ts: BigInt(i) * 1_000_000_000n };
    });
    const { back, want } = roundTrip(rows, 128);
    expect(back).toEqual(want);
    expect(back.map((r) => r.message).sort()).toEqual(rows.map((r) => r.message).sort());
  });

  it('stores mostly-distinct messages in less space than a dictionary of them would take', () => {
    const rows: Row[] = Array.from({ length: 5000 }, (_, i) => {
      const path = `/p/${i}`;
      return { service: 'web', path, status: 200n, bytes: BigInt(i), message: line(i, path, 200, i), ts: BigInt(i) * 1_000_000n };
    });
    const { back, want, bytes } = roundTrip(rows, 65536);
    expect(back).toEqual(want);
    const field = openSegment(bytes, 'test.arrow').fields.find((f) => f.name === 'message')!;
    expect(field.metadata.get('eddy.encoding')).toBe('text-block');
    expect(JSON.parse(field.metadata.get('eddy.refs')!)).toEqual(expect.arrayContaining(['path', 'bytes', 'status']));
    const raw = rows.reduce((s, r) => s + (r.message as string).length, 0);
    // The lines differ only in the fields stored beside them and in their clock: a small fraction of their size.
    expect(bytes.length).toBeLessThan(raw / 10);
  });

  it('property: any text (NUL, non-ASCII, empty, nulls, values equal to siblings) reads back as written', () => {
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('\u0000', '\u0000\u0001', 'a\u0000\u0000b', 'é€😀', ''), fc.constant(null));
    fc.assert(fc.property(fc.array(fc.record({
      service: fc.constantFrom('a', 'b', null), path: text, status: fc.option(fc.bigInt({ min: 0n, max: 2n ** 40n }), { nil: null }),
      bytes: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null }), message: text, tail: text,
    }), { minLength: 2, maxLength: 60 }), fc.integer({ min: 1, max: 16 }), (recs, groupRows) => {
      const rows: Row[] = recs.map((r, i) => ({
        service: r.service, path: r.path, status: r.status, bytes: r.bytes, ts: BigInt(i),
        // Messages built from the siblings' text, so references are taken (and must rebuild exactly).
        message: r.message === null ? null : `${r.message}${r.path ?? ''}${String(r.status ?? '')}${r.tail ?? ''}${r.path ?? ''}`,
      }));
      const { back, want } = roundTrip(rows, groupRows);
      expect(back).toEqual(want);
    }), { numRuns: 200 });
  });

  it('answers scans, filters and compaction of a region whose messages are text blocks', async () => {
    const t = await tempDir();
    try {
      const store = await RegionStore.open({ dir: t.dir, regionId: '1', schema, rowGroupRows: 64 });
      const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({ service: i % 2 ? 'api' : 'web', path: `/x/${i}`, status: 200n, bytes: BigInt(i), message: line(i, `/x/${i}`, 200, i), ts: BigInt(i) }));
      store.apply(batchOf(schema, rows.slice(0, 150)), 1);
      await store.flush();
      store.apply(batchOf(schema, rows.slice(150)), 2);
      await store.flush();
      await store.compact();
      const got = rowsOf(await store.scan({ tagFilter: { service: ['api'] }, columns: ['message', 'service'] }));
      expect(got.map((r) => r.message).sort()).toEqual(rows.filter((r) => r.service === 'api').map((r) => r.message).sort());
      await store.close();
    } finally {
      await t.cleanup();
    }
  });
});
