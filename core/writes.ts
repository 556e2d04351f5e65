// Schema on write: infer a table from a batch, plan added columns, and conform a batch to its table.
import type { Column, WriteBatch } from './batch.ts';
import { TypeConflictError, InvalidArgumentError } from './errors.ts';
import { NANOS_PER_UNIT, type ColumnSchema, type DataType, type TableSchema } from './schema.ts';

/** Checks a database/table/column name: non-empty, bounded, no control characters. */
export function checkName(kind: string, name: string): void {
  if (name.length === 0) throw new InvalidArgumentError(`${kind} name is empty`);
  if (name.length > 255) throw new InvalidArgumentError(`${kind} name '${name.slice(0, 32)}...' is longer than 255 characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) throw new InvalidArgumentError(`${kind} name ${JSON.stringify(name)} contains control characters`);
}

function columnSchemaOf(c: Column): ColumnSchema {
  const cs: ColumnSchema = { name: c.name, type: c.type, semantic: c.semantic, nullable: c.semantic !== 'timestamp' };
  if (c.type === 'timestamp') cs.unit = c.unit ?? 'ns';
  return cs;
}

/** A new table's schema from the first batch written to it (line protocol or JSON). */
export function inferSchema(db: string, batch: WriteBatch, id: number, now: number): TableSchema {
  checkName('table', batch.table);
  const ts = batch.columns.find((c) => c.semantic === 'timestamp');
  if (!ts) throw new InvalidArgumentError(`batch for table ${batch.table} has no time column`);
  const tags = batch.columns.filter((c) => c.semantic === 'tag');
  const fields = batch.columns.filter((c) => c.semantic === 'field');
  for (const c of batch.columns) checkName('column', c.name);
  return {
    db,
    name: batch.table,
    id,
    version: 1,
    columns: [...tags, ...fields, ts].map(columnSchemaOf),
    timeIndex: ts.name,
    primaryKey: tags.map((t) => t.name),
    options: {},
    regions: 1,
    createdAt: now,
  };
}

function compatible(schemaType: DataType, batchType: DataType): boolean {
  if (schemaType === batchType) return true;
  // JSON numbers arrive as float64; line protocol integers may go into float columns.
  return (schemaType === 'float64' && (batchType === 'int64' || batchType === 'uint64')) ||
    ((schemaType === 'int64' || schemaType === 'uint64') && batchType === 'float64');
}

/**
 * Columns the batch has that the table lacks (to be added), after checking every shared column
 * for a type or role conflict. Throws TypeConflictError naming the column and both types.
 */
export function planNewColumns(schema: TableSchema, batch: WriteBatch): ColumnSchema[] {
  const added: ColumnSchema[] = [];
  for (const c of batch.columns) {
    const existing = schema.columns.find((s) => s.name === c.name);
    if (!existing) {
      if (c.semantic === 'timestamp') {
        throw new TypeConflictError(`table ${schema.name} has time index '${schema.timeIndex}', but the write uses '${c.name}'`);
      }
      checkName('column', c.name);
      added.push(columnSchemaOf(c));
      continue;
    }
    if (existing.semantic !== c.semantic) {
      throw new TypeConflictError(
        `column '${c.name}' of table ${schema.name} is a ${existing.semantic}, but the write sends it as a ${c.semantic}`,
      );
    }
    if (!compatible(existing.type, c.type)) {
      throw new TypeConflictError(
        `column '${c.name}' of table ${schema.name} has type ${existing.type}, but the write sends ${c.type}`,
      );
    }
  }
  return added;
}

/** The schema with columns added: tags join the primary key; the time index stays last. */
export function withColumns(schema: TableSchema, added: ColumnSchema[]): TableSchema {
  if (added.length === 0) return schema;
  const tags = added.filter((c) => c.semantic === 'tag');
  return {
    ...schema,
    version: schema.version + 1,
    // stamped like ALTER TABLE ADD COLUMN: a name dropped earlier comes back as a new column (ColumnSchema.since)
    columns: [...schema.columns, ...added.map((c) => ({ ...c, since: schema.version + 1 }))],
    primaryKey: [...schema.primaryKey, ...tags.map((t) => t.name)],
  };
}

/**
 * Converts the batch's columns to the table's types (numeric widening only) and checks that the
 * time index has no nulls. Returns a batch whose every column exists in the schema.
 */
export function conformBatch(schema: TableSchema, batch: WriteBatch): WriteBatch {
  const cols: Column[] = [];
  for (const c of batch.columns) {
    const s = schema.columns.find((x) => x.name === c.name)!;
    if (c.semantic === 'timestamp' && c.valid) {
      const bad = c.valid.indexOf(0);
      if (bad >= 0) throw new InvalidArgumentError(`time index '${c.name}' is null`, { row: bad });
    }
    if (s.type === 'timestamp' && s.unit && s.unit !== 'ns') {
      cols.push(truncateTime(c, NANOS_PER_UNIT[s.unit]));
      continue;
    }
    if (s.type === c.type) {
      cols.push(c);
      continue;
    }
    cols.push(convertColumn(c, s.type));
  }
  const out: WriteBatch = { table: batch.table, rows: batch.rows, columns: cols };
  if (batch.series) out.series = batch.series;
  return out;
}

function convertColumn(c: Column, to: DataType): Column {
  const n = c.values.length;
  if (to === 'float64') {
    const out = new Float64Array(n);
    const src = c.values as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) out[i] = Number(src[i]!);
    return { ...c, type: to, values: out };
  }
  const src = c.values as Float64Array;
  const out = to === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    if (c.valid && c.valid[i] === 0) continue;
    const v = src[i]!;
    if (!Number.isInteger(v)) throw new TypeConflictError(`column '${c.name}' is an integer column, but the write sends ${v}`, { row: i });
    if (to === 'uint64' && v < 0) throw new TypeConflictError(`column '${c.name}' is unsigned, but the write sends ${v}`, { row: i });
    out[i] = BigInt(v);
  }
  return { ...c, type: to, values: out };
}

/** Floors nanosecond times to the column's declared precision. */
function truncateTime(c: Column, step: bigint): Column {
  const src = c.values as BigInt64Array;
  const out = new BigInt64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    const r = v % step;
    out[i] = r < 0n ? v - r - step : v - r;
  }
  return { ...c, values: out };
}
