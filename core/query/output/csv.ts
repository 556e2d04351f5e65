// CSV output of /v1/sql (GreptimeDB's format=csv: no header, one line per row, "n" for affected rows; csvWithNames
// adds a line of column names, csvWithNamesAndTypes a second line of their types). Integers and timestamps keep every
// digit; NaN, inf and -inf stay themselves; NULL is an empty cell, '' is "". Written in chunks, so a large result's
// text is never in memory whole.
import type { QueryOutput } from './index.ts';
import { cellWriter, csvQuote } from './cells.ts';
import { ByteWriter, writeWhole } from './byte_writer.ts';

const dec = new TextDecoder();

/** Header lines before the rows: none (csv), names (csvWithNames), names and types (csvWithNamesAndTypes). */
export type CsvHeader = 'none' | 'names' | 'types';

function headerLine(out: ByteWriter, cells: string[]): void {
  out.utf8(cells.map((c) => (/[",\r\n]/.test(c) || c === '' ? csvQuote(c) : c)).join(','));
  out.byte(0x0a);
}

/** Where the rows are written; yields whenever it holds `full` bytes or more (a streamed body swaps `w` then). */
interface Sink { w: ByteWriter; full: number }

function* writeCsv(sink: Sink, outputs: QueryOutput[], header: CsvHeader): Generator<void> {
  for (const o of outputs) {
    if (o.kind === 'affected') { sink.w.ascii(`${o.rows}\n`); continue; }
    if (header !== 'none') headerLine(sink.w, o.columns.map((c) => c.name));
    if (header === 'types') headerLine(sink.w, o.columns.map((c) => c.dataType));
    const writers = o.rel.cols.map((c) => cellWriter(c, 'csv'));
    const m = writers.length;
    for (let i = 0; i < o.rel.len; i++) {
      const out = sink.w;
      for (let j = 0; j < m; j++) {
        if (j) out.byte(0x2c);
        writers[j]!(out, i);
      }
      out.byte(0x0a);
      if (out.pos >= sink.full) yield;
    }
  }
}

/**
 * The CSV body in chunks of about `chunkBytes` (a chunk ends at a row's end): the caller sends each before the next is
 * written, so memory holds one chunk, not the text of every row.
 */
export function* outputsCsvChunks(outputs: QueryOutput[], header: CsvHeader = 'none', chunkBytes = 1 << 20): Generator<Uint8Array> {
  const sink: Sink = { w: new ByteWriter(), full: chunkBytes };
  for (const _ of writeCsv(sink, outputs, header)) {
    yield sink.w.result();
    sink.w = new ByteWriter();
  }
  yield sink.w.result();
}

/** The whole CSV body at once (small results, tests). */
export function outputsCsvBytes(outputs: QueryOutput[], header: CsvHeader = 'none'): Uint8Array {
  return writeWhole((w) => {
    for (const _ of writeCsv({ w, full: Infinity }, outputs, header)) { /* one buffer: never full */ }
  });
}

export function outputsCsv(outputs: QueryOutput[], header: CsvHeader = 'none'): string {
  return dec.decode(outputsCsvBytes(outputs, header));
}
