// A partial aggregate on one region (eddy.region.<id>.aggregate): one SELECT over this region's rows only.
import type { Clock, TableSchema } from '../../core/index.ts';
import { runPartial, type QueryContext, type WireRel } from '../../core/query/index.ts';
import type { ScanRequest } from '../../storage/index.ts';
import type { RegionHost } from './host.ts';

/** Runs the SELECT against a query context that knows only the region's table and scans only the region. */
export function aggregateOn(host: RegionHost, clock: Clock, sql: string): Promise<WireRel> {
  const schema = (): TableSchema => host.schema;
  const ctx = {
    db: schema().db,
    now: () => clock.now(),
    getTable: async (db: string, name: string) => (db === schema().db && name === schema().name ? schema() : null),
    listTables: async () => [schema().name],
    listDatabases: async () => [schema().db],
    scan: (_s: TableSchema, spec: ScanRequest) => host.scan(spec),
  } as unknown as QueryContext;
  return runPartial(ctx, sql);
}
