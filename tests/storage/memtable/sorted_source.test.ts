// The streaming flush (a memtable sorted into a permutation, gathered a row group at a time, each group written to the
// file before the next) writes byte for byte the segment the whole-run path writes: the memtable sorted into a run,
// TTL and tombstones applied, encoded in memory. Random rows over several batches (plain and dictionary strings, columns
// missing from some batches, defaults, nulls, deletes, append-only tables), random row group sizes, TTL cutoffs.
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../../core/index.ts';
import { filterRun } from '../../../storage/filter.ts';
import { Memtable } from '../../../storage/memtable/memtable.ts';
import { sortMemtable } from '../../../storage/memtable/sort.ts';
import { memtableSource } from '../../../storage/memtable/sorted_source.ts';
import { countOps, Op, withoutDeletes } from '../../../storage/ops.ts';
import { gatherRun } from '../../../storage/run.ts';
import { encodeSegment, writeSegmentFile } from '../../../storage/segment/write.ts';
import { batchOf, cpuSchema, dictForm, tempDir, type Row } from '../fixtures.ts';

const schemaOf = (append: boolean): TableSchema => cpuSchema(append ? { appendMode: true } : {}, [
  { name: 'cores', type: 'int64', semantic: 'field', nullable: true, defaultValue: 7 },
  { name: 'bytes', type: 'uint64', semantic: 'field', nullable: true },
  { name: 'up', type: 'boolean', semantic: 'field', nullable: true },
  { name: 'note', type: 'string', semantic: 'field', nullable: true, defaultValue: 'dflt' },
  { name: 'msg', type: 'string', semantic: 'field', nullable: true },
]);

const tag = fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: null, freq: 6 });
const row = fc.record({
  host: tag, region: tag, t: fc.integer({ min: 0, max: 400 }),
  u: fc.option(fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -1e4, max: 1e4 }).map((x) => x / 100)), { nil: null, freq: 5 }),
  c: fc.option(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), { nil: null, freq: 5 }),
  b: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { nil: null, freq: 5 }),
  up: fc.option(fc.boolean(), { nil: null, freq: 5 }),
  note: fc.option(fc.constantFrom('x', 'y', 'zz'), { nil: null, freq: 5 }),
  msg: fc.option(fc.string({ maxLength: 12 }), { nil: null, freq: 8 }),
});
/** A batch: its rows, which optional columns it carries, dictionary form or not; or a delete of some keys. */
const batch = fc.record({
  rows: fc.array(row, { minLength: 1, maxLength: 60 }),
  drop: fc.subarray(['usage_user', 'cores', 'bytes', 'up', 'note', 'msg']),
  dict: fc.boolean(),
  del: fc.boolean(),
});

describe('streaming flush source', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await dir.cleanup(); });

  it('property: writes the same bytes and stats as the whole sorted run encoded in memory', async () => {
    let k = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(batch, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.integer({ min: 1, max: 40 }),
      fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }), fc.boolean(),
      async (batches, append, groupRows, cutoffAt, older) => {
        const s = schemaOf(append);
        const mem = new Memtable(s.primaryKey);
        batches.forEach((b, i) => {
          const rows: Row[] = b.rows.map((r) => {
            const out: Row = { host: r.host, region: r.region, usage_system: 1.5, ts: BigInt(r.t), usage_user: r.u, cores: r.c, bytes: r.b, up: r.up, note: r.note, msg: r.msg };
            for (const d of b.drop) delete out[d];
            return out;
          });
          const wb = batchOf(s, rows);
          if (b.del && !append) mem.apply(batchOf(s, rows.map((r) => ({ host: r.host!, region: r.region!, ts: r.ts! }))), i + 1, s, Op.Delete);
          else mem.apply(b.dict ? dictForm(wb) : wb, i + 1, s);
        });
        const cutoff = cutoffAt === undefined ? undefined : BigInt(cutoffAt);
        // The whole-run path, as the flush did it before.
        let run = sortMemtable(mem, s);
        const keep = filterRun(run, s.timeIndex, { cutoff });
        if (keep) run = gatherRun([run], keep, run.cols.keys());
        const overlap = older && mem.deletes > 0;
        if (!overlap) run = withoutDeletes(run, false);
        const streamed = memtableSource(mem, s, { cutoff, olderOverlap: () => older })!;
        expect(streamed.src.rows).toBe(run.rows);
        if (run.rows === 0) return;
        expect(streamed.opRows).toBe(countOps(run));
        const want = encodeSegment(run, s, 'zstd', 1, groupRows);
        const path = join(dir.dir, `${k++}.arrow`);
        const got = await writeSegmentFile(path, streamed.src, s, 'zstd', 1, groupRows);
        expect(got.meta).toEqual(want.meta);
        const bytes = await readFile(path);
        expect(got.bytes).toBe(bytes.length);
        expect(Buffer.compare(bytes, Buffer.from(want.bytes))).toBe(0);
      }), { numRuns: Number(process.env.SS_RUNS ?? 120) });
  }, 120_000);
});
