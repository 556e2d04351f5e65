// GreptimeDB's other /v1/sql answers beside its default (greptimedb_v1, json.ts): `json` (rows as objects),
// `influxdb_v1` (InfluxDB 1.x query shape, `epoch` converting timestamps), `table` (a box-drawn text table) and
// `null` (row counts only). Cells come from the same per-column writers as the default JSON.
import type { Rel } from '../plan/rel.ts';
import type { TimeUnit } from '../../schema.ts';
import type { Vec } from '../vector.ts';
import { TIME_TYPES } from '../vector.ts';
import type { QueryOutput } from './index.ts';
import { cellWriter } from './cells.ts';
import { ByteWriter, writeWhole } from './byte_writer.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `format=json`: `{"data":[{"col":v,...},...],"execution_time_ms":n}`, or `{"data":[],"affected_rows":n,...}`. */
export function* outputJsonDataChunks(o: QueryOutput | undefined, executionTimeMs: number, chunkBytes = 1 << 20): Generator<Uint8Array> {
  let w = new ByteWriter();
  if (!o) { yield w.result(); return; }
  if (o.kind === 'affected') {
    w.ascii(`{"data":[],"affected_rows":${o.rows},"execution_time_ms":${executionTimeMs}}`);
    yield w.result();
    return;
  }
  const rel = o.rel;
  const writers = rel.cols.map((c) => cellWriter(c, 'json'));
  const keys = rel.fields.map((f, j) => enc.encode(`${j ? ',' : '{'}${JSON.stringify(f.name)}:`));
  w.ascii('{"data":[');
  for (let i = 0; i < rel.len; i++) {
    if (i) w.byte(0x2c);
    if (!writers.length) w.byte(0x7b);
    for (let j = 0; j < writers.length; j++) { w.bytes(keys[j]!); writers[j]!(w, i); }
    w.byte(0x7d);
    if (w.pos >= chunkBytes) { yield w.result(); w = new ByteWriter(); }
  }
  w.ascii(`],"execution_time_ms":${executionTimeMs}}`);
  yield w.result();
}

/** InfluxDB's `epoch` parameter: ns, u or µ, ms, s. */
export function epochUnit(v: string | null): TimeUnit | null {
  if (v === null || v === '') return null;
  const u = ({ ns: 'ns', u: 'us', 'µ': 'us', ms: 'ms', s: 's' } as Record<string, TimeUnit>)[v];
  return u ?? null;
}

/** A result's columns with their timestamps in `unit` (dates stay dates). */
function inUnit(cols: Vec[], unit: TimeUnit | null): Vec[] {
  return unit === null ? cols : cols.map((c) => (c.kind === 'ts' && c.dt !== 'Date' && TIME_TYPES[c.dt] === undefined ? { ...c, unit } : c));
}

function writeValues(w: ByteWriter, rel: Rel, cols: Vec[]): void {
  const writers = cols.map((c) => cellWriter(c, 'json'));
  w.byte(0x5b);
  for (let i = 0; i < rel.len; i++) {
    if (i) w.byte(0x2c);
    w.byte(0x5b);
    for (let j = 0; j < writers.length; j++) { if (j) w.byte(0x2c); writers[j]!(w, i); }
    w.byte(0x5d);
  }
  w.byte(0x5d);
}

/** `format=influxdb_v1`: `{"results":[{"statement_id":k,"series":[{"name":"","columns":[..],"values":[[..]]}]}],...}`. */
export function outputsInfluxV1Bytes(outputs: QueryOutput[], executionTimeMs: number, epoch: TimeUnit | null): Uint8Array {
  return writeWhole((w) => {
    w.ascii('{"results":[');
    outputs.forEach((o, k) => {
      if (k) w.byte(0x2c);
      w.ascii(`{"statement_id":${k},"series":[`);
      if (o.kind === 'records') {
        w.utf8(`{"name":"","columns":${JSON.stringify(o.rel.fields.map((f) => f.name))},"values":`);
        writeValues(w, o.rel, inUnit(o.rel.cols, epoch));
        w.byte(0x7d);
      }
      w.ascii(']}');
    });
    w.ascii(`],"execution_time_ms":${executionTimeMs}}`);
  });
}

/** `format=table`: the result drawn with box characters, each cell as its JSON text; an affected count alone. */
export function outputTableText(o: QueryOutput | undefined): string {
  if (!o) return '';
  if (o.kind === 'affected') return `${o.rows}\n`;
  const rel = o.rel;
  const writers = rel.cols.map((c) => cellWriter(c, 'json'));
  const cells: string[][] = [];
  const width = rel.fields.map((f) => f.name.length);
  const w = new ByteWriter();
  for (let i = 0; i < rel.len; i++) {
    const row = writers.map((wr, j) => {
      w.pos = 0;
      wr(w, i);
      const s = dec.decode(w.result());
      if (s.length > width[j]!) width[j] = s.length;
      return s;
    });
    cells.push(row);
  }
  const head = rel.fields.map((f, j) => `─${f.name.padEnd(width[j]!, '─')}─`).join('┬');
  const body = cells.map((r) => `│${r.map((s, j) => ` ${s.padEnd(width[j]!)} `).join('│')}│\n`).join('');
  return `┌${head}┐\n${body}└${width.map((n) => '─'.repeat(n + 2)).join('┴')}┘\n`;
}

/** `format=null`: how many rows a statement returned or changed, and the time it took. */
export function outputNullText(o: QueryOutput | undefined, executionTimeMs: number): string {
  const n = !o ? 0 : o.kind === 'affected' ? o.rows : o.rel.len;
  return `${n} rows ${o?.kind === 'affected' ? 'affected' : 'in set'}.\nElapsed: ${(executionTimeMs / 1000).toFixed(3)} sec.\n`;
}
