// GreptimeDB's JSON output of /v1/sql, written row by row from per-column writers over the typed vectors:
// 64-bit integers and timestamps as JSON numbers with every digit (never through a double), NaN and +-Inf as null.
import type { Rel } from '../plan/rel.ts';
import type { QueryOutput } from './index.ts';
import { cellWriter } from './cells.ts';
import { ByteWriter, writeWhole } from './byte_writer.ts';

const dec = new TextDecoder();

/** Where the writers append; a streamed body swaps `w` for a fresh buffer each time it hands a chunk out. */
interface Sink { w: ByteWriter; full: number }

/** `[[row 0 cells],[row 1 cells],...]` of a result; yields whenever the sink holds `full` bytes or more. */
function* writeRows(sink: Sink, rel: Rel): Generator<void> {
  const writers = rel.cols.map((c) => cellWriter(c, 'json'));
  const m = writers.length;
  sink.w.byte(0x5b);
  for (let i = 0; i < rel.len; i++) {
    const out = sink.w;
    if (i) out.byte(0x2c);
    out.byte(0x5b);
    for (let j = 0; j < m; j++) {
      if (j) out.byte(0x2c);
      writers[j]!(out, i);
    }
    out.byte(0x5d);
    if (out.pos >= sink.full) yield;
  }
  sink.w.byte(0x5d);
}

function* writeOutput(sink: Sink, o: QueryOutput): Generator<void> {
  if (o.kind === 'affected') { sink.w.ascii(`{"affectedrows":${o.rows}}`); return; }
  const schemas = o.columns.map((c) => `{"name":${JSON.stringify(c.name)},"data_type":${JSON.stringify(c.dataType)}}`).join(',');
  sink.w.utf8(`{"records":{"schema":{"column_schemas":[${schemas}]},"rows":`);
  yield* writeRows(sink, o.rel);
  sink.w.ascii(`,"total_rows":${o.rel.len}}}`);
}

function* writeBody(sink: Sink, outputs: QueryOutput[], executionTimeMs: number): Generator<void> {
  sink.w.ascii('{"output":[');
  for (let k = 0; k < outputs.length; k++) {
    if (k) sink.w.byte(0x2c);
    yield* writeOutput(sink, outputs[k]!);
  }
  sink.w.ascii(`],"execution_time_ms":${executionTimeMs}}`);
}

/** The whole /v1/sql JSON body as UTF-8 bytes. */
export function outputsJsonBytes(outputs: QueryOutput[], executionTimeMs: number): Uint8Array {
  return writeWhole((w) => {
    for (const _ of writeBody({ w, full: Infinity }, outputs, executionTimeMs)) { /* one buffer: never full */ }
  });
}

/**
 * The same body in chunks of about `chunkBytes`, for a large result: the caller sends each chunk before the next is
 * written, so the text of a million rows is never in memory whole.
 */
export function* outputsJsonChunks(outputs: QueryOutput[], executionTimeMs: number, chunkBytes = 1 << 20): Generator<Uint8Array> {
  const sink: Sink = { w: new ByteWriter(), full: chunkBytes };
  for (const _ of writeBody(sink, outputs, executionTimeMs)) {
    yield sink.w.result();
    sink.w = new ByteWriter();
  }
  yield sink.w.result();
}

/** The same body as a string (tests, tools). */
export function outputsJson(outputs: QueryOutput[], executionTimeMs: number): string {
  return dec.decode(outputsJsonBytes(outputs, executionTimeMs));
}

/** One output element alone: `{"records":{...}}` or `{"affectedrows":n}`. */
export function recordsJson(o: QueryOutput): string {
  return dec.decode(writeWhole((w) => {
    for (const _ of writeOutput({ w, full: Infinity }, o)) { /* one buffer */ }
  }));
}
