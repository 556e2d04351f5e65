// A view of a query context whose scans read nothing: a query run against it learns its columns and types, no rows.
import type { QueryContext } from '../context.ts';

/** `ctx` with empty scans (regions' partial aggregation too: the plain scan path, empty, stands in). */
export function emptyScans(ctx: QueryContext): QueryContext {
  const dry = Object.create(ctx) as QueryContext;
  Object.defineProperty(dry, 'scan', { value: async () => [], configurable: true });
  Object.defineProperty(dry, 'partialAggregate', { value: undefined, configurable: true });
  return dry;
}
