// Turns Arrow record batches into plain row objects (timestamps as nanosecond strings): for tools and tests.
import type { RecordBatch } from 'apache-arrow';

export type PlainRow = Record<string, string | number | boolean | null>;

export function batchRows(b: RecordBatch): PlainRow[] {
  const out: PlainRow[] = [];
  const fields = b.schema.fields;
  const cols = fields.map((f) => b.getChild(f.name)!);
  const isTime = fields.map((f) => String(f.type).startsWith('Timestamp'));
  for (let i = 0; i < b.numRows; i++) {
    const row: PlainRow = {};
    fields.forEach((f, j) => {
      const col = cols[j]!;
      if (!col.isValid(i)) {
        row[f.name] = null;
        return;
      }
      if (isTime[j]) {
        // Read the raw int64 rather than get(), which turns nanoseconds into float milliseconds.
        const data = col.data[0]!;
        let k = i;
        let chunk = 0;
        while (k >= col.data[chunk]!.length) k -= col.data[chunk++]!.length;
        const d = col.data[chunk] ?? data;
        const raw = (d.values as BigInt64Array)[d.offset + k]!;
        row[f.name] = raw.toString();
        return;
      }
      const v = col.get(i) as unknown;
      row[f.name] = typeof v === 'bigint' ? v.toString() : (v as string | number | boolean);
    });
    out.push(row);
  }
  return out;
}

export function batchRowsToJson(b: RecordBatch): string[] {
  return batchRows(b).map((r) => JSON.stringify(r));
}
