// Arrow record batches as rows for tools and tests: plain objects (batchRows) and `eddy read`'s JSON lines,
// where 64-bit integers and nanosecond timestamps print with every digit.
import { Type, type Data, type RecordBatch } from 'apache-arrow';
import { exactJson, floatJson, int64Text, words } from '../../core/query/index.ts';

export type PlainRow = Record<string, string | number | boolean | null>;

/** Row objects; timestamps and 64-bit integers as decimal strings (exact), the rest as Arrow's get() gives them. */
export function batchRows(b: RecordBatch): PlainRow[] {
  const fields = b.schema.fields;
  const texts = fields.map((f) => int64Texts(b.getChild(f.name)!.data as Data[], b.numRows));
  const cols = fields.map((f) => b.getChild(f.name)!);
  const out: PlainRow[] = [];
  for (let i = 0; i < b.numRows; i++) {
    const row: PlainRow = {};
    fields.forEach((f, j) => {
      const col = cols[j]!;
      if (!col.isValid(i)) row[f.name] = null;
      else if (texts[j]) row[f.name] = texts[j]![i]!;
      else {
        const v = col.get(i) as unknown;
        row[f.name] = typeof v === 'bigint' ? v.toString() : (v as string | number | boolean);
      }
    });
    out.push(row);
  }
  return out;
}

/**
 * Decimal digits of every value of a 64-bit integer or timestamp column (raw values, not get(), which turns
 * nanoseconds into float milliseconds); null for other types.
 */
function int64Texts(chunks: Data[], n: number): string[] | null {
  const t = chunks[0]?.type;
  if (!t || !(t.typeId === Type.Timestamp || (t.typeId === Type.Int && (t as unknown as { bitWidth: number }).bitWidth === 64))) return null;
  const out = new Array<string>(n);
  let k = 0;
  for (const d of chunks) {
    const all = d.values as BigInt64Array | BigUint64Array;
    const v = all.subarray(d.offset, d.offset + d.length) as BigInt64Array | BigUint64Array;
    const w = words(v);
    const unsigned = v instanceof BigUint64Array;
    for (let i = 0; i < d.length; i++) out[k++] = int64Text(w, i, unsigned, v);
  }
  return out;
}

/** One JSON object per row, columns written column by column: 64-bit integers and timestamps as exact JSON numbers. */
export function batchRowsToJson(b: RecordBatch): string[] {
  const n = b.numRows;
  const fields = b.schema.fields;
  const cols = fields.map((f) => {
    const col = b.getChild(f.name)!;
    const exact = int64Texts(col.data as Data[], n);
    const texts = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      if (!col.isValid(i)) texts[i] = 'null';
      else if (exact) texts[i] = exact[i]!;
      else {
        const v = col.get(i) as unknown;
        texts[i] = typeof v === 'number' ? floatJson(v) : exactJson(v);
      }
    }
    return { key: JSON.stringify(f.name), texts };
  });
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) lines[i] = `{${cols.map((c) => `${c.key}:${c.texts[i]}`).join(',')}}`;
  return lines;
}
