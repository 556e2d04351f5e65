// Results as ASCII tables, the way GreptimeDB's sqlness .result files print them.
import type { Vec } from '../vector.ts';
import { INT_TYPES, isNull } from '../vector.ts';
import { displayValue, formatNumber } from '../expr/eval.ts';
import { nestedText } from '../expr/map_value.ts';
import type { QueryOutput } from './index.ts';

/** A list value as its cell text: `[a, b, ]` with nulls empty, each element as its type prints (see nestedText). */
export function listText(xs: unknown[], type?: string): string {
  return nestedText(xs, type);
}

/** Text of one cell as GreptimeDB's sqlness tables print it. */
export function textValue(c: Vec, i: number): string {
  if (isNull(c, i)) return '';
  // String() of a Float64Array or BigInt64Array element: exact either way.
  if (c.kind === 'num') return INT_TYPES.has(c.dt) ? String(c.big ? c.big[i]! : c.v[i]) : c.dec ? displayValue(c, i) : formatNumber(c.v[i]!, c.dt);
  if (c.kind === 'bool') return c.v[i] ? 'true' : 'false';
  if (c.kind === 'any' && c.dt === 'List') return listText(c.v[i] as unknown[], c.nested);
  return displayValue(c, i);
}

/** An ASCII table like sqlness .result files, or "Affected Rows: n". */
export function formatOutput(o: QueryOutput): string {
  if (o.kind === 'affected') return `Affected Rows: ${o.rows}`;
  const rel = o.rel;
  if (rel.len === 0) return '++\n++';
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
