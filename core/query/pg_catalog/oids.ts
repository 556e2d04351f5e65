// Object ids of the pg_catalog views: stable numbers for EddyDB's databases (schemas), tables and the one role.
import type { TableSchema } from '../../schema.ts';

export const PG_CATALOG_OID = 11;
export const PUBLIC_OID = 2200;
export const INFORMATION_SCHEMA_OID = 13000;
/** The one role sessions run as (PostgreSQL's bootstrap superuser id). */
export const ROLE_OID = 10;
export const ROLE_NAME = 'greptime';
export const DATABASE_OID = 16384;
/** First OID PostgreSQL gives user objects. */
const FIRST_USER_OID = 16384;

/** A schema's OID: fixed for pg_catalog, public and information_schema, a stable hash of the name otherwise. */
export function namespaceOid(db: string): number {
  if (db === 'pg_catalog') return PG_CATALOG_OID;
  if (db === 'public') return PUBLIC_OID;
  if (db === 'information_schema') return INFORMATION_SCHEMA_OID;
  let h = 0x811c9dc5;
  for (let i = 0; i < db.length; i++) h = Math.imul(h ^ db.charCodeAt(i), 0x01000193) >>> 0;
  return 1_000_000 + (h % 1_000_000_000);
}

/** A table's OID: its catalog id past PostgreSQL's reserved range. */
export function relationOid(t: Pick<TableSchema, 'id'>): number {
  return FIRST_USER_OID + 1000 + Number(t.id);
}

/** The OID of a table's primary-key index (`<table>_pkey`), past every relation and schema OID. */
export function indexOid(t: Pick<TableSchema, 'id'>): number {
  return 3_000_000_000 + Number(t.id);
}

/** The OID of a table's PRIMARY KEY constraint. */
export function constraintOid(t: Pick<TableSchema, 'id'>): number {
  return 3_500_000_000 + Number(t.id);
}
