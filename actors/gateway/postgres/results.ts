// Statement results on the wire: RowDescription from the result's column types, DataRows streamed in batches from the
// typed columns, CommandComplete tags as PostgreSQL spells them.
import type { QueryOutput } from '../../../core/query/index.ts';
import type { Statement } from '../../../core/index.ts';
import { BackendType, cellEncoder, pgTypeOf, type BackendWriter, type FieldDescription, type Format } from '../../../core/pgwire/index.ts';

/** Bytes of DataRows gathered before they go to the socket (and a cancel request gets its chance). */
export const BATCH_BYTES = 256 * 1024;

/** The format of column j from Bind's result format codes (none: text; one: all; else one per column). */
export function formatOf(formats: readonly Format[], j: number): Format {
  return formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[j] ?? 0;
}

export function rowDescription(output: Extract<QueryOutput, { kind: 'records' }>, formats: readonly Format[]): FieldDescription[] {
  return output.rel.fields.map((f, j) => {
    const { type, typmod } = pgTypeOf(f.dt);
    return { name: output.columns[j]?.name ?? f.name, tableOid: 0, column: 0, typeOid: type.oid, typeSize: type.size, typeModifier: typmod, format: formatOf(formats, j) };
  });
}

/**
 * Writes rows [from, to) of a result as DataRows; every BATCH_BYTES it hands the bytes to `flush` (which waits for
 * the socket and throws when the query was cancelled).
 */
export async function writeRows(
  w: BackendWriter, output: Extract<QueryOutput, { kind: 'records' }>, formats: readonly Format[], from: number, to: number,
  offsetMinutes: ((ns: bigint) => number) | null, flush: () => Promise<void>,
): Promise<void> {
  const { rel } = output;
  const n = rel.cols.length;
  const cells = rel.cols.map((c, j) => cellEncoder(c, pgTypeOf(rel.fields[j]!.dt).type, formatOf(formats, j), offsetMinutes ? { offsetMinutes } : {}));
  for (let i = from; i < to; i++) {
    w.begin(BackendType.dataRow);
    w.int16(n);
    for (let j = 0; j < n; j++) cells[j]!(w, i);
    w.end();
    if (w.size >= BATCH_BYTES) await flush();
  }
}

/** CommandComplete tag of a statement that returned no rows. */
export function commandTag(s: Statement, output: QueryOutput): string {
  const rows = output.kind === 'affected' ? output.rows : output.rel.len;
  switch (s.type) {
    case 'insert': return `INSERT 0 ${rows}`;
    case 'delete': return `DELETE ${rows}`;
    case 'drop': return `DROP ${s.object}`;
    case 'truncate': return 'TRUNCATE TABLE';
    case 'use': case 'set': return 'SET';
    case 'create_flow': case 'create_task': return 'CREATE FLOW';
    default: return s.type.toUpperCase().replace(/_/g, ' ');
  }
}

/** Statement kinds that return rows: Describe runs them to learn their columns. */
export const ROW_STATEMENTS = new Set(['query', 'show', 'describe', 'explain', 'tql', 'admin']);
