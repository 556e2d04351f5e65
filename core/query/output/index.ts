// Query results and every way they leave EddyDB: JSON (json.ts), CSV (csv.ts), Arrow IPC (arrow.ts), ASCII tables (table.ts).
import type { Rel } from '../plan/rel.ts';
import { takeRel } from '../plan/rel.ts';
import type { Interval, Vec } from '../vector.ts';
import { TIME_TYPES, UNIT_NS, getValue, isNull } from '../vector.ts';
import { formatTimeOfDay } from '../expr/time_of_day.ts';
import { formatTimestamp, intervalLikeText, isIntervalLike } from '../expr/time.ts';
import { listText } from './table.ts';
import { jsonAsText } from '../expr/fn_json.ts';
import { nonFiniteText } from './digits.ts';

export interface OutputColumn { name: string; dataType: string }

/**
 * A statement's result. `rows` is built on first read (for callers that want plain values); the output
 * formats write from `rel`'s typed columns directly.
 */
export type QueryOutput =
  | { kind: 'records'; columns: OutputColumn[]; rows: unknown[][]; rel: Rel }
  | { kind: 'affected'; rows: number };

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A 64-bit integer as a number when a double holds it exactly, else as a bigint (never rounded). */
function exactNumber(x: bigint): number | bigint {
  return x <= SAFE && x >= -SAFE ? Number(x) : x;
}

/**
 * The plain value of row i: numbers, timestamps as integers in their unit (bigint beyond 2^53), strings,
 * booleans, null. NaN and +-Inf are their display text (digits.ts nonFiniteText).
 */
export function jsonValue(c: Vec, i: number): unknown {
  if (isNull(c, i)) return null;
  switch (c.kind) {
    case 'num': {
      const x = c.big ? c.big[i]! : c.v[i]!;
      if (typeof x === 'bigint') return exactNumber(x);
      return Number.isFinite(x) ? x : nonFiniteText(x);
    }
    // a date and a time of day as their text, an instant as the count of its unit
    case 'ts': return c.dt === 'Date' ? formatTimestamp(c.v[i]!).slice(0, 10) : TIME_TYPES[c.dt] ? formatTimeOfDay(c.v[i]!) : exactNumber(c.v[i]! / UNIT_NS[c.unit]);
    case 'bool': return c.v[i] === 1;
    case 'str': return c.v[i];
    case 'any':
      if (isIntervalLike(c.dt)) return intervalLikeText(c.dt, c.v[i] as Interval);
      if (c.dt === 'List') return listText(c.v[i] as unknown[], c.nested);
      return c.v[i];
  }
}

/** A records output cut to its first `limit` rows (the /v1/sql `limit` parameter). */
export function limitOutput(o: QueryOutput, limit: number): QueryOutput {
  if (o.kind !== 'records' || o.rel.len <= limit) return o;
  const idx = new Int32Array(limit);
  for (let i = 0; i < limit; i++) idx[i] = i;
  return relToOutput(takeRel(o.rel, idx));
}

export function relToOutput(input: Rel): QueryOutput {
  // JSON columns leave as their JSON text, in every format.
  const rel = input.cols.some((c) => c.dt === 'Json') ? { ...input, cols: input.cols.map(jsonAsText) } : input;
  const columns = rel.fields.map((f) => ({ name: f.name, dataType: f.dt }));
  let rows: unknown[][] | null = null;
  return {
    kind: 'records',
    columns,
    rel,
    get rows() {
      if (rows === null) {
        rows = [];
        for (let i = 0; i < rel.len; i++) rows.push(rel.cols.map((c) => jsonValue(c, i)));
      }
      return rows;
    },
  };
}

export { getValue };
export { formatOutput, textValue } from './table.ts';
export { outputsJson, outputsJsonBytes, outputsJsonChunks, recordsJson } from './json.ts';
export { outputsCsv, outputsCsvBytes, outputsCsvChunks, type CsvHeader } from './csv.ts';
export { epochUnit, outputJsonDataChunks, outputNullText, outputsInfluxV1Bytes, outputTableText } from './json_formats.ts';
export { relToArrow, relToArrowChunks, relToArrowFile, relToArrowFileChunks, ARROW_STREAM_TYPE, ARROW_FILE_TYPE, type ArrowCompression } from './arrow.ts';
export { exactJson, JsonNumber, nsAsMs } from './exact_json.ts';
export { floatJson, int64Text, words } from './digits.ts';
