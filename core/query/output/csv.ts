// CSV output of /v1/sql (GreptimeDB's format=csv: no header, one line per row, "n" for affected rows).
// Integers and timestamps keep every digit; NaN, inf and -inf stay themselves; NULL is an empty cell, '' is "".
import type { QueryOutput } from './index.ts';
import { columnTexts } from './cells.ts';

function recordsCsv(o: QueryOutput): string {
  if (o.kind === 'affected') return `${o.rows}\n`;
  const n = o.rel.len;
  const cols = o.rel.cols.map((c) => columnTexts(c, n, 'csv'));
  const m = cols.length;
  let out = '';
  for (let i = 0; i < n; i++) {
    let s = '';
    for (let j = 0; j < m; j++) s += (j ? ',' : '') + cols[j]![i]!;
    out += s + '\n';
  }
  return out;
}

export function outputsCsv(outputs: QueryOutput[]): string {
  return outputs.map(recordsCsv).join('');
}
