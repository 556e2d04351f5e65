// GreptimeDB's JSON output of /v1/sql, written column by column from the typed vectors: 64-bit integers and
// timestamps as JSON numbers with every digit (never through a double), NaN and +-Inf as null.
import type { Rel } from '../plan/rel.ts';
import type { QueryOutput } from './index.ts';
import { columnTexts } from './cells.ts';

/** `[[row 0 cells], [row 1 cells], ...]` of a result. */
export function rowsJson(rel: Rel): string {
  const n = rel.len;
  if (n === 0) return '[]';
  const cols = rel.cols.map((c) => columnTexts(c, n, 'json'));
  const rows = new Array<string>(n);
  const m = cols.length;
  for (let i = 0; i < n; i++) {
    let s = '[';
    for (let j = 0; j < m; j++) s += (j ? ',' : '') + cols[j]![i]!;
    rows[i] = s + ']';
  }
  return `[${rows.join(',')}]`;
}

/** One output element: `{"records":{...}}` or `{"affectedrows":n}`. */
export function recordsJson(o: QueryOutput): string {
  if (o.kind === 'affected') return `{"affectedrows":${o.rows}}`;
  const schemas = o.columns.map((c) => `{"name":${JSON.stringify(c.name)},"data_type":${JSON.stringify(c.dataType)}}`).join(',');
  return `{"records":{"schema":{"column_schemas":[${schemas}]},"rows":${rowsJson(o.rel)},"total_rows":${o.rel.len}}}`;
}

/** The whole /v1/sql JSON body. */
export function outputsJson(outputs: QueryOutput[], executionTimeMs: number): string {
  return `{"output":[${outputs.map(recordsJson).join(',')}],"execution_time_ms":${executionTimeMs}}`;
}
