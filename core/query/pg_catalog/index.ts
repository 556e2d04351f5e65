// Public face of pg_catalog: its tables (read by the FROM clause) and functions (registered on import).
import './functions.ts';
export { pgCatalog, isPgCatalogTable, PG_CATALOG_TABLES } from './tables.ts';
export { formatType, PG_VERSION_TEXT } from './functions.ts';
export { namespaceOid, relationOid } from './oids.ts';
