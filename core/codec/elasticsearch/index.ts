// Public face of the Elasticsearch `_bulk` codec.
export { parseBulk, esErrorBody, BulkRequestError, BulkActions, type BulkAction, type BulkItem, type EsError } from './bulk.ts';
export { filterPath } from './filter_path.ts';
