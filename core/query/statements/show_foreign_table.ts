// SHOW CREATE TABLE t FOR POSTGRES_FOREIGN_TABLE: the CREATE FOREIGN TABLE a PostgreSQL server runs (postgres_fdw,
// server `greptimedb`) to read the table over EddyDB's PostgreSQL port, as GreptimeDB writes it.
import type { ColumnSchema, TableSchema } from '../../schema.ts';

/** The PostgreSQL type of a column: integers by width (signedness is the remote side's concern), text as VARCHAR. */
function pgType(t: string): string {
  if (t.startsWith('Timestamp')) return 'TIMESTAMP';
  if (t.startsWith('Decimal')) return 'NUMERIC';
  const byName: Record<string, string> = {
    Int8: 'INT2', UInt8: 'INT2', Int16: 'INT2', UInt16: 'INT2', Int32: 'INT4', UInt32: 'INT4', Int64: 'INT8', UInt64: 'INT8',
    Float32: 'FLOAT4', Float64: 'FLOAT8', Boolean: 'BOOL', String: 'VARCHAR', Binary: 'BYTEA', Date: 'DATE', Json: 'JSON',
    IntervalMonthDayNano: 'INTERVAL',
  };
  return byName[t] ?? 'VARCHAR';
}

/** `typeName`: a column's GreptimeDB type name (show.ts's), passed in so this file needs nothing of show.ts. */
export function postgresForeignTable(t: TableSchema, columns: ColumnSchema[], typeName: (c: ColumnSchema) => string): string {
  const cols = columns.filter((c) => !c.name.startsWith('__')).map((c) => `  "${c.name}" ${pgType(typeName(c))}`);
  return `CREATE FOREIGN TABLE ft_${t.name} (\n${cols.join(',\n')}\n)\nSERVER greptimedb\nOPTIONS (table_name '${t.name.replace(/'/g, "''")}')`;
}
