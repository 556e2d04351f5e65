// Each table's primary key as PostgreSQL catalogs show one: a unique btree index `<table>_pkey` over the tag columns
// and the time index (the key GreptimeDB deduplicates rows on), and its PRIMARY KEY constraint. psql's `\d` lists it
// under "Indexes:". pg_get_indexdef / pg_get_constraintdef answer from the definitions recorded here when the
// catalog rows are read (the FROM of the same query), since a scalar function cannot reach the catalog itself.
import type { TableSchema } from '../../schema.ts';
import { constraintOid, indexOid, namespaceOid, relationOid, ROLE_OID } from './oids.ts';

export interface PrimaryKey { table: TableSchema; db: string; name: string; columns: string[]; attnums: number[] }

const INDEX_DEFS = new Map<number, { def: string; columns: string[] }>();
const CONSTRAINT_DEFS = new Map<number, string>();

/** The key of a table (tags, then the time index), recorded for the definition functions. */
export function primaryKeyOf(db: string, t: TableSchema): PrimaryKey {
  const columns = [...t.primaryKey.filter((c) => c !== t.timeIndex), t.timeIndex];
  const attnums = columns.map((c) => t.columns.findIndex((x) => x.name === c) + 1);
  const name = `${t.name}_pkey`;
  const list = columns.map(quote).join(', ');
  INDEX_DEFS.set(indexOid(t), { def: `CREATE UNIQUE INDEX ${quote(name)} ON ${quote(db)}.${quote(t.name)} USING btree (${list})`, columns });
  CONSTRAINT_DEFS.set(constraintOid(t), `PRIMARY KEY (${list})`);
  return { table: t, db, name, columns, attnums };
}

function quote(id: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(id) ? id : `"${id.replace(/"/g, '""')}"`;
}

/** pg_class: the index relation (relkind 'i', btree). */
export function indexClassRow(k: PrimaryKey): unknown[] {
  return [indexOid(k.table), k.name, namespaceOid(k.db), 0, 0, ROLE_OID, 403, indexOid(k.table), 0, 0, -1, 0, 0, false, false, 'p', 'i',
    k.columns.length, 0, false, false, false, false, false, true, 'n', false, 0, 0, 0];
}

/** pg_index: unique, primary, valid, over the key's column numbers. */
export function indexRow(k: PrimaryKey): unknown[] {
  const n = k.columns.length;
  return [indexOid(k.table), relationOid(k.table), n, n, true, false, true, false, true, false, true, false, true, true, false,
    k.attnums.join(' '), Array(n).fill('0').join(' '), Array(n).fill('1978').join(' '), Array(n).fill('0').join(' '), null, null];
}

/** pg_constraint: the PRIMARY KEY constraint that owns the index. */
export function constraintRow(k: PrimaryKey): unknown[] {
  return [constraintOid(k.table), k.name, namespaceOid(k.db), 'p', false, false, true, relationOid(k.table), 0, indexOid(k.table), 0, 0, ' ', ' ', ' ',
    true, 0, true, `{${k.attnums.join(',')}}`, null, null, null, null, null, null, null];
}

/** pg_indexes: schema, table, index and its definition. */
export function indexesRow(k: PrimaryKey): unknown[] {
  return [k.db, k.table.name, k.name, null, INDEX_DEFS.get(indexOid(k.table))!.def];
}

/** pg_get_indexdef(index oid[, column, pretty]): the CREATE INDEX text, or with column > 0 that key column's name. */
export function indexDefinition(oid: number, column: number): string | null {
  const d = INDEX_DEFS.get(oid);
  if (!d) return null;
  return column > 0 ? d.columns[column - 1] ?? null : d.def;
}

/** pg_get_constraintdef(constraint oid[, pretty]). */
export function constraintDefinition(oid: number): string | null {
  return CONSTRAINT_DEFS.get(oid) ?? null;
}
