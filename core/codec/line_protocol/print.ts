// Line protocol printer, the inverse of parseLineProtocol: for round-trip tests, benchmarks and exports.
import { InvalidArgumentError } from '../../errors.ts';
import type { Column, WriteBatch } from '../../batch.ts';
import { NANOS_PER_UNIT, type TimeUnit } from '../../schema.ts';

const NAME_SPECIAL = /[\\, =]/;
const QUOTED_SPECIAL = /["\\]/;

/** Escapes a measurement, tag key, tag value or field key; throws on what line protocol cannot carry. */
function escapeName(s: string, what: string, row: number): string {
  if (s.length === 0) throw new InvalidArgumentError(`empty ${what}`, { row });
  if (s.includes('\n')) throw new InvalidArgumentError(`${what} '${s}' contains a newline`, { row });
  return NAME_SPECIAL.test(s) ? s.replace(/[\\, =]/g, '\\$&') : s;
}

function escapeMeasurement(s: string): string {
  const e = escapeName(s, 'measurement', 0);
  // A line starting with these would be read as a comment or skipped as leading whitespace.
  if (s[0] === '#' || s[0] === '\t' || s[0] === '\r') throw new InvalidArgumentError(`measurement '${s}' cannot start with ${JSON.stringify(s[0])}`);
  return e;
}

/** Row i of a string column, plain or dictionary form. */
function strAt(c: Column, i: number): string | null {
  if (c.dict) return c.dict[(c.values as Int32Array)[i]!] ?? null;
  return (c.values as (string | null)[])[i] ?? null;
}

function fieldText(c: Column, i: number): string {
  const v = c.type === 'string' ? strAt(c, i) : c.values[i]!;
  switch (c.type) {
    case 'float64': {
      const f = v as number;
      if (!Number.isFinite(f)) throw new InvalidArgumentError(`field '${c.name}' is ${f}, which line protocol cannot carry`, { row: i });
      return Object.is(f, -0) ? '-0' : String(f);
    }
    case 'int64': case 'timestamp': return `${v as bigint}i`;
    case 'uint64': return `${v as bigint}u`;
    case 'boolean': return v === 1 ? 'true' : 'false';
    case 'string': {
      const s = v as string;
      return QUOTED_SPECIAL.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
    }
  }
}

/** Prints batches as line protocol, timestamps in the given precision (which must divide them exactly). */
export function printLineProtocol(batches: WriteBatch[], precision: TimeUnit = 'ns'): string {
  const div = NANOS_PER_UNIT[precision];
  let out = '';
  for (const b of batches) {
    const meas = escapeMeasurement(b.table);
    const tags = b.columns.filter((c) => c.semantic === 'tag');
    const fields = b.columns.filter((c) => c.semantic === 'field');
    const time = b.columns.find((c) => c.semantic === 'timestamp');
    const tagKeys = tags.map((c) => ',' + escapeName(c.name, 'tag key', 0) + '=');
    const fieldKeys = fields.map((c) => escapeName(c.name, 'field key', 0) + '=');
    for (let i = 0; i < b.rows; i++) {
      let line = meas;
      for (let t = 0; t < tags.length; t++) {
        const c = tags[t]!;
        if (c.valid !== null && c.valid[i] === 0) continue;
        const v = strAt(c, i);
        if (v === null) continue;
        line += tagKeys[t] + escapeName(v, 'tag value', i);
      }
      let sep = ' ';
      for (let f = 0; f < fields.length; f++) {
        const c = fields[f]!;
        if ((c.valid !== null && c.valid[i] === 0) || (c.type === 'string' && strAt(c, i) === null)) continue;
        line += sep + fieldKeys[f] + fieldText(c, i);
        sep = ',';
      }
      if (sep === ' ') throw new InvalidArgumentError(`row of '${b.table}' has no field value; line protocol needs at least one`, { row: i });
      if (time && (time.valid === null || time.valid[i] === 1)) {
        const ns = time.values[i] as bigint;
        if (ns % div !== 0n) throw new InvalidArgumentError(`timestamp ${ns} is not a whole number of ${precision}`, { row: i });
        line += ' ' + String(ns / div);
      }
      out += line + '\n';
    }
  }
  return out;
}
