// Arrow record batches of a table scan -> the WriteBatch its WAL record would have held (flow back-fill, TQL flows).
import type { RecordBatch, Vector } from 'apache-arrow';
import { allocValues } from '../batch.ts';
import type { Column, WriteBatch } from '../batch.ts';
import type { TableSchema } from '../schema.ts';

/** Arrow TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND) -> ns. */
const NS_PER_ARROW_UNIT = [1_000_000_000n, 1_000_000n, 1_000n, 1n];

/** A scanned Arrow batch of the source table as the WriteBatch its WAL record would have held. */
export function recordBatchToWriteBatch(rb: RecordBatch, schema: TableSchema): WriteBatch {
  const n = rb.numRows;
  const columns: Column[] = [];
  for (const c of schema.columns) {
    const vec = rb.getChild(c.name) as Vector | null;
    if (!vec) continue;
    const semantic = c.name === schema.timeIndex ? 'timestamp' : schema.primaryKey.includes(c.name) ? 'tag' : 'field';
    const values = allocValues(c.type, n);
    const valid = new Uint8Array(n);
    if (c.type === 'timestamp' || c.type === 'int64' || c.type === 'uint64' || c.type === 'float64') {
      // Raw buffers: Arrow's get() turns int64 timestamps into float milliseconds.
      const scale = c.type === 'timestamp' ? NS_PER_ARROW_UNIT[(vec.type as { unit?: number }).unit ?? 3] ?? 1n : 1n;
      let at = 0;
      for (const d of vec.data) {
        const vals = d.values as BigInt64Array | Float64Array | BigUint64Array;
        const bm = d.nullCount > 0 ? d.nullBitmap : null;
        for (let i = 0; i < d.length; i++) {
          // Arrow slices the values buffer to the chunk; only the validity bitmap keeps the offset.
          const j = d.offset + i;
          if (bm && !((bm[j >> 3]! >> (j & 7)) & 1)) continue;
          valid[at + i] = 1;
          const x = vals[i]!;
          if (c.type === 'float64') (values as Float64Array)[at + i] = Number(x);
          else if (c.type === 'uint64') (values as BigUint64Array)[at + i] = BigInt(x);
          else (values as BigInt64Array)[at + i] = (typeof x === 'bigint' ? x : BigInt(Math.trunc(x))) * scale;
        }
        at += d.length;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v: unknown = vec.get(i);
        if (v === null || v === undefined) continue;
        valid[i] = 1;
        if (c.type === 'boolean') (values as Uint8Array)[i] = v ? 1 : 0;
        else (values as (string | null)[])[i] = String(v);
      }
    }
    columns.push({ name: c.name, type: c.type, semantic, values, valid: valid.every((x) => x === 1) ? null : valid });
  }
  return { table: schema.name, rows: n, columns };
}

