// Scanned batches as storage returns them (dictionary-coded tags, several batches, chunks, columns left out) give the same answers as plain ones.
import { Dictionary, Int32, RecordBatch, Table, Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { executeSql, type QueryContext } from '../../../../core/query/index.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

/** Tags re-coded as Dictionary<Utf8, Int32>, rows split over batches of `size`, every other batch's `drop` column left out. */
function storageLike(ctx: QueryContext, size: number, drop?: string): QueryContext {
  return {
    ...ctx,
    scan: async (schema, spec) => {
      const out: RecordBatch[] = [];
      for (const b of await ctx.scan(schema, spec)) {
        for (let at = 0, k = 0; at < b.numRows; at += size, k++) {
          const part = b.slice(at, Math.min(b.numRows, at + size));
          const cols: Record<string, Vector> = {};
          for (const f of part.schema.fields) {
            if (f.name === drop && k % 2 === 1) continue;
            const v = part.getChild(f.name)!;
            const tag = schema.columns.find((c) => c.name === f.name)?.type === 'string';
            cols[f.name] = tag ? dictOf(v) : v;
          }
          out.push(new Table(cols).batches[0]!);
        }
      }
      return out;
    },
  };
}

function dictOf(v: Vector): Vector {
  const vals = v.toArray() as (string | null)[];
  const dict = [...new Set(vals.filter((x): x is string => x !== null))];
  const codes = Int32Array.from(vals, (x) => (x === null ? 0 : dict.indexOf(x)));
  const bitmap = new Uint8Array((vals.length + 7) >> 3);
  vals.forEach((x, i) => { if (x !== null) bitmap[i >> 3]! |= 1 << (i & 7); });
  const nulls = vals.filter((x) => x === null).length;
  return makeVector(makeData({
    type: new Dictionary(new Utf8(), new Int32()), length: vals.length, data: codes,
    dictionary: vectorFromArray(dict, new Utf8()), ...(nulls ? { nullBitmap: bitmap, nullCount: nulls } : {}),
  }));
}

const QUERIES = [
  "SELECT * FROM t ORDER BY host, ts",
  "SELECT host, dc, count(*), max(v), min(ts) FROM t WHERE host IN ('a', 'c') GROUP BY host, dc ORDER BY host, dc",
  "SELECT date_bin(INTERVAL '10 seconds', ts) AS b, host, avg(v) FROM t WHERE ts >= '1970-01-01 00:00:05' GROUP BY b, host ORDER BY b, host",
  "SELECT host, last_value(v ORDER BY ts), first_value(dc ORDER BY ts DESC) FROM t GROUP BY host ORDER BY host",
  "SELECT count(*) FROM t WHERE dc IS NULL",
];

describe('scans of storage-shaped batches', () => {
  it('answer like single plain batches', async () => {
    const cat = new MemoryCatalog();
    const ctx = cat.context();
    await executeSql(ctx, 'CREATE TABLE t (host STRING, dc STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, n BIGINT, PRIMARY KEY (host, dc))');
    const rows: string[] = [];
    for (let i = 0; i < 40; i++) {
      const dc = i % 7 === 0 ? 'NULL' : `'dc${i % 3}'`;
      const v = i % 5 === 0 ? 'NULL' : String((i * 37) % 11);
      rows.push(`('${'abc'[i % 3]}', ${dc}, ${i * 1000}, ${v}, ${i})`);
    }
    await executeSql(ctx, `INSERT INTO t VALUES ${rows.join(', ')}`);
    const plain = await Promise.all(QUERIES.map((q) => executeSql(ctx, q)));
    for (const [size, drop] of [[7, undefined], [3, 'n'], [1000, undefined]] as const) {
      const c = storageLike(ctx, size, drop);
      for (let k = 0; k < QUERIES.length; k++) {
        const got = await executeSql(c, QUERIES[k]!);
        // a column missing from some batches reads as null there
        if (drop && QUERIES[k]!.startsWith('SELECT *')) continue;
        expect(got, `${QUERIES[k]} in batches of ${size}`).toEqual(plain[k]);
      }
    }
  });
});
