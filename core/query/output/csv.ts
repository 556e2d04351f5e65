// CSV output of /v1/sql (GreptimeDB's format=csv: no header, one line per row, "n" for affected rows).
// Integers and timestamps keep every digit; NaN, inf and -inf stay themselves; NULL is an empty cell, '' is "".
import type { QueryOutput } from './index.ts';
import { cellWriter } from './cells.ts';
import { ByteWriter } from './byte_writer.ts';

const dec = new TextDecoder();

export function outputsCsvBytes(outputs: QueryOutput[]): Uint8Array {
  const out = new ByteWriter();
  for (const o of outputs) {
    if (o.kind === 'affected') { out.ascii(`${o.rows}\n`); continue; }
    const writers = o.rel.cols.map((c) => cellWriter(c, 'csv'));
    const m = writers.length;
    for (let i = 0; i < o.rel.len; i++) {
      for (let j = 0; j < m; j++) {
        if (j) out.byte(0x2c);
        writers[j]!(out, i);
      }
      out.byte(0x0a);
    }
  }
  return out.result();
}

export function outputsCsv(outputs: QueryOutput[]): string {
  return dec.decode(outputsCsvBytes(outputs));
}
