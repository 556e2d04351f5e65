// Float columns kept narrowed in the memtable (decimals as Int16/Int32 scaled integers) read back bit for bit: the
// sorted run a scan takes and the segment a flush writes are those of a memtable that keeps every Float64Array as
// the batch carried it. Random chunks mix short decimals (narrowed), wide ones (Int32 or left as they are), any
// double (NaN, -0, infinities: left as they are), nulls, and columns missing from some batches.
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableSchema } from '../../../core/index.ts';
import { Memtable } from '../../../storage/memtable/memtable.ts';
import { narrowFloats, widenInto } from '../../../storage/memtable/narrow.ts';
import { sortMemtable } from '../../../storage/memtable/sort.ts';
import { memtableSource } from '../../../storage/memtable/sorted_source.ts';
import { decimalPlan } from '../../../storage/segment/encoding.ts';
import { writeSegmentFile } from '../../../storage/segment/write.ts';
import type { ColumnData } from '../../../storage/types.ts';
import { batchOf, cpuSchema, tempDir, type Row } from '../fixtures.ts';

/** Values of one float column of a batch, in one style, so that chunks narrow (or not) as a whole. */
const floats = (n: number) => fc.oneof(
  fc.array(fc.integer({ min: 0, max: 10_000 }).map((x) => x / 100), { minLength: n, maxLength: n }),
  fc.array(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }).map((x) => x / 1000), { minLength: n, maxLength: n }),
  fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { minLength: n, maxLength: n }),
  fc.array(fc.double(), { minLength: n, maxLength: n }),
  fc.array(fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1.5, 0.1, 1e-9), { minLength: n, maxLength: n }),
);
const batch = fc.integer({ min: 1, max: 50 }).chain((n) => fc.record({
  hosts: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: n, maxLength: n }),
  ts: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: n, maxLength: n }),
  user: floats(n),
  system: floats(n),
  nulls: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
  dropSystem: fc.boolean(),
}));

function bits(c: ColumnData, rows: number): (bigint | null)[] {
  const v = c.values as Float64Array, w = new BigInt64Array(v.buffer, v.byteOffset, rows);
  return Array.from({ length: rows }, (_, i) => (c.valid && c.valid[i] === 0 ? null : w[i]!));
}

describe('narrowed memtable floats', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await dir.cleanup(); });

  it('property: narrowing keeps every value bit for bit, in Int16 when the scaled values fit', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }).chain(floats), fc.array(fc.boolean()), (v, nullAt) => {
      const n = v.length, src = Float64Array.from(v);
      const valid = nullAt.some((x) => x) ? Uint8Array.from(v, (_, i) => (nullAt[i] ? 0 : 1)) : null;
      const got = narrowFloats(src, valid, n);
      const isValid = (i: number) => valid === null || valid[i] === 1;
      const plan = decimalPlan(src, valid, n);
      if (got === null) {
        // left as it is: some value is no short decimal (NaN, infinities, -0, too many digits), or one is too wide for Int32
        if (plan !== null) expect(v.some((x, i) => isValid(i) && Math.abs(Math.round(x * 10 ** plan.scale)) > 2 ** 31 - 1)).toBe(true);
        return;
      }
      expect(got.scale).toBe(plan!.scale);
      const back = new Float64Array(n);
      widenInto(got.ints, got.scale, n, back, 0);
      for (let i = 0; i < n; i++) if (isValid(i)) expect(Object.is(back[i], src[i])).toBe(true);
      const scaled = v.filter((_, i) => isValid(i)).map((x) => Math.round(x * 10 ** got.scale));
      const fits16 = scaled.every((x) => x >= -32768 && x <= 32767);
      expect(got.ints instanceof Int16Array).toBe(fits16);
    }), { numRuns: 500 });
  });

  it('narrows hundredths to Int16 and rejects NaN, -0 and infinities', () => {
    expect(narrowFloats(Float64Array.of(58.31, 0, 100, 7.5), null, 4)).toMatchObject({ scale: 2, ints: Int16Array.of(5831, 0, 10000, 750) });
    expect(narrowFloats(Float64Array.of(1, 2, 3e6), null, 3)?.ints).toBeInstanceOf(Int32Array);
    expect(narrowFloats(Float64Array.of(1, 2 ** 33), null, 2)).toBeNull();
    expect(narrowFloats(Float64Array.of(1, NaN), null, 2)).toBeNull();
    expect(narrowFloats(Float64Array.of(1, NaN), Uint8Array.of(1, 0), 2)).toMatchObject({ scale: 0 });
    expect(narrowFloats(Float64Array.of(1, -0), null, 2)).toBeNull();
    expect(narrowFloats(Float64Array.of(Infinity), null, 1)).toBeNull();
    expect(narrowFloats(Float64Array.of(Math.PI), null, 1)).toBeNull();
  });

  it('property: scans and flushes read a narrowed memtable as the memtable of the batches as they came', async () => {
    const s: TableSchema = cpuSchema();
    let k = 0;
    await fc.assert(fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }), async (batches, groupRows) => {
      const narrowed = new Memtable(s.primaryKey), plain = new Memtable(s.primaryKey, { narrow: false });
      batches.forEach((b, i) => {
        const rows: Row[] = b.hosts.map((h, r) => {
          const row: Row = { host: h, region: 'r', ts: BigInt(b.ts[r]!), usage_user: b.nulls[r] ? null : b.user[r]! };
          if (!b.dropSystem) row.usage_system = b.system[r]!;
          return row;
        });
        narrowed.apply(batchOf(s, rows), i + 1, s);
        plain.apply(batchOf(s, rows), i + 1, s);
      });
      expect(narrowed.bytes).toBeLessThanOrEqual(plain.bytes);
      const a = sortMemtable(narrowed, s), b = sortMemtable(plain, s);
      expect(a.rows).toBe(b.rows);
      for (const name of ['usage_user', 'usage_system']) expect(bits(a.cols.get(name)!, a.rows)).toEqual(bits(b.cols.get(name)!, b.rows));
      const files: Buffer[] = [];
      for (const m of [narrowed, plain]) {
        const path = join(dir.dir, `${k++}.arrow`);
        await writeSegmentFile(path, memtableSource(m, s, { olderOverlap: () => false })!.src, s, 'zstd', 1, groupRows);
        files.push(await readFile(path));
      }
      expect(Buffer.compare(files[0]!, files[1]!)).toBe(0);
    }), { numRuns: Number(process.env.NARROW_RUNS ?? 150) });
  }, 120_000);

  it('holds TSBS-like hundredths in a quarter of the float bytes', () => {
    const s = cpuSchema();
    const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({ host: `h${i % 100}`, region: 'r', ts: BigInt(i), usage_user: (i * 37 % 10_001) / 100, usage_system: (i * 91 % 10_001) / 100 }));
    const narrowed = new Memtable(s.primaryKey), plain = new Memtable(s.primaryKey, { narrow: false });
    narrowed.apply(batchOf(s, rows), 1, s);
    plain.apply(batchOf(s, rows), 1, s);
    const chunk = narrowed.chunks[0]!;
    expect(chunk.cols.get('usage_user')!.values).toBeInstanceOf(Int16Array);
    expect(plain.bytes - narrowed.bytes).toBe(2 * 5000 * 6);
  });
});
