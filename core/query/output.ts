// Query results as GreptimeDB shapes them: JSON rows (timestamps as numbers in the column's unit) and ASCII tables.
import type { Rel } from './plan/rel.ts';
import type { Vec } from './vector.ts';
import { INT_TYPES, UNIT_NS, getValue, isNull } from './vector.ts';
import { displayValue, formatNumber } from './expr/eval.ts';
import { formatInterval, formatTimestamp } from './expr/time.ts';
import type { Interval } from './vector.ts';

export interface OutputColumn { name: string; dataType: string }

export type QueryOutput =
  | { kind: 'records'; columns: OutputColumn[]; rows: unknown[][]; rel: Rel }
  | { kind: 'affected'; rows: number };

/** The JSON value of row i: numbers, timestamps as integers in their unit, strings, booleans, null. */
export function jsonValue(c: Vec, i: number): unknown {
  if (isNull(c, i)) return null;
  switch (c.kind) {
    case 'num': { const x = c.v[i]!; return Number.isFinite(x) ? x : null; }
    case 'ts': return c.dt === 'Date' ? formatTimestamp(c.v[i]!).slice(0, 10) : Number(c.v[i]! / UNIT_NS[c.unit]);
    case 'bool': return c.v[i] === 1;
    case 'str': return c.v[i];
    case 'any':
      if (c.dt === 'Interval') return formatInterval(c.v[i] as Interval);
      if (c.dt === 'List') return textValue(c, i);
      return jsonSafe(c.v[i]);
  }
}

function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  return v;
}

export function relToOutput(rel: Rel): QueryOutput {
  const columns = rel.fields.map((f) => ({ name: f.name, dataType: f.dt === 'Null' ? 'Null' : f.dt }));
  const rows: unknown[][] = [];
  for (let i = 0; i < rel.len; i++) rows.push(rel.cols.map((c) => jsonValue(c, i)));
  return { kind: 'records', columns, rows, rel };
}

/** Text of one cell as GreptimeDB's sqlness tables print it. */
export function textValue(c: Vec, i: number): string {
  if (isNull(c, i)) return '';
  if (c.kind === 'num') return INT_TYPES.has(c.dt) ? String(c.v[i]) : formatNumber(c.v[i]!, c.dt);
  if (c.kind === 'bool') return c.v[i] ? 'true' : 'false';
  if (c.kind === 'any' && c.dt === 'List') return `[${(c.v[i] as unknown[]).map((x) => (x === null ? '' : typeof x === 'number' && !Number.isInteger(x) ? String(x) : String(x))).join(', ')}]`;
  return displayValue(c, i);
}

/** An ASCII table like sqlness .result files, or "Affected Rows: n". */
export function formatOutput(o: QueryOutput): string {
  if (o.kind === 'affected') return `Affected Rows: ${o.rows}`;
  const rel = o.rel;
  if (rel.fields.length === 0 || rel.len === 0) {
    if (rel.len === 0) return '++\n++';
  }
  const header = rel.fields.map((f) => f.name);
  const body: string[][] = [];
  for (let i = 0; i < rel.len; i++) body.push(rel.cols.map((c) => textValue(c, i)));
  const lines = (cells: string[]) => cells.flatMap((c) => c.split('\n'));
  const w = header.map((h, j) => Math.max(h.length, ...body.map((r) => Math.max(...lines([r[j]!]).map((l) => l.length)))));
  const sep = '+' + w.map((x) => '-'.repeat(x + 2)).join('+') + '+';
  const row = (cells: string[]) => {
    const split = cells.map((c) => c.split('\n'));
    const h = Math.max(...split.map((s) => s.length));
    const out: string[] = [];
    for (let k = 0; k < h; k++) out.push('| ' + split.map((s, j) => (s[k] ?? '').padEnd(w[j]!)).join(' | ') + ' |');
    return out.join('\n');
  };
  return [sep, row(header), sep, ...body.map(row), sep].join('\n');
}

export { getValue };
