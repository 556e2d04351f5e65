// GreptimeDB's JSON output of /v1/sql, written row by row from per-column writers over the typed vectors:
// 64-bit integers and timestamps as JSON numbers with every digit (never through a double), NaN and +-Inf as null.
import type { Rel } from '../plan/rel.ts';
import type { QueryOutput } from './index.ts';
import { cellWriter } from './cells.ts';
import { ByteWriter } from './byte_writer.ts';

const dec = new TextDecoder();

/** `[[row 0 cells],[row 1 cells],...]` of a result. */
function writeRows(out: ByteWriter, rel: Rel): void {
  const writers = rel.cols.map((c) => cellWriter(c, 'json'));
  const m = writers.length;
  out.byte(0x5b);
  for (let i = 0; i < rel.len; i++) {
    if (i) out.byte(0x2c);
    out.byte(0x5b);
    for (let j = 0; j < m; j++) {
      if (j) out.byte(0x2c);
      writers[j]!(out, i);
    }
    out.byte(0x5d);
  }
  out.byte(0x5d);
}

function writeOutput(out: ByteWriter, o: QueryOutput): void {
  if (o.kind === 'affected') { out.ascii(`{"affectedrows":${o.rows}}`); return; }
  const schemas = o.columns.map((c) => `{"name":${JSON.stringify(c.name)},"data_type":${JSON.stringify(c.dataType)}}`).join(',');
  out.utf8(`{"records":{"schema":{"column_schemas":[${schemas}]},"rows":`);
  writeRows(out, o.rel);
  out.ascii(`,"total_rows":${o.rel.len}}}`);
}

/** The whole /v1/sql JSON body as UTF-8 bytes. */
export function outputsJsonBytes(outputs: QueryOutput[], executionTimeMs: number): Uint8Array {
  const out = new ByteWriter();
  out.ascii('{"output":[');
  outputs.forEach((o, k) => { if (k) out.byte(0x2c); writeOutput(out, o); });
  out.ascii(`],"execution_time_ms":${executionTimeMs}}`);
  return out.result();
}

/** The same body as a string (tests, tools). */
export function outputsJson(outputs: QueryOutput[], executionTimeMs: number): string {
  return dec.decode(outputsJsonBytes(outputs, executionTimeMs));
}

/** One output element alone: `{"records":{...}}` or `{"affectedrows":n}`. */
export function recordsJson(o: QueryOutput): string {
  const out = new ByteWriter();
  writeOutput(out, o);
  return dec.decode(out.result());
}
