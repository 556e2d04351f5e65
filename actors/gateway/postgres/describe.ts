// Describe of a prepared statement without running it: the statement runs against a view of the session's context
// whose scans read nothing and whose every change (writes, DDL, flushes, flows, procedures) is refused, so the answer
// has the statement's columns and types and no data is read or changed.
import { EddyError, StatusCode, type Statement } from '../../../core/index.ts';
import { emptyScans, executeStatement, type QueryContext, type QueryOutput } from '../../../core/query/index.ts';

/** Thrown by the dry context when the statement would change something: its columns cannot be known without it. */
class WouldChange extends EddyError {
  constructor(what: string) { super(StatusCode.Unsupported, `Describe cannot run ${what} without running the statement`); }
}

const CHANGES = [
  'write', 'delete', 'useDatabase', 'flushTable', 'compactTable', 'createFlow', 'dropFlow', 'flushFlow', 'feedFlows', 'commentFlow',
  'createDatabase', 'alterDatabase', 'dropDatabase', 'createTable', 'alterTable', 'dropTable', 'truncateTable',
] as const;
const PROCEDURE_CHANGES = ['migrateRegion', 'rebalance', 'drainNode'] as const;

/** The session's context with empty scans and every change refused. */
export function dryContext(ctx: QueryContext): QueryContext {
  const dry = emptyScans(ctx);
  const refuse = (what: string) => async (): Promise<never> => { throw new WouldChange(what); };
  for (const k of CHANGES) Object.defineProperty(dry, k, { value: refuse(k), configurable: true });
  if (ctx.procedures) {
    const ops = Object.create(ctx.procedures) as NonNullable<QueryContext['procedures']>;
    for (const k of PROCEDURE_CHANGES) Object.defineProperty(ops, k, { value: refuse(k), configurable: true });
    Object.defineProperty(dry, 'procedures', { value: ops, configurable: true });
  }
  return dry;
}

/**
 * The output a row-returning statement would have, reading no rows and changing nothing; null when it cannot be
 * known without running (an ADMIN function that acts). TQL is left to the caller: its columns are the labels of the
 * series it finds, so they depend on the data.
 */
export async function describeStatement(ctx: QueryContext, st: Statement): Promise<QueryOutput | null> {
  try {
    return await executeStatement(dryContext(ctx), st);
  } catch (e) {
    if (e instanceof WouldChange) return null;
    throw e;
  }
}
