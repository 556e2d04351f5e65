// The running statements: information_schema.process_list rows, SHOW [FULL] PROCESSLIST, KILL <id>.
import { EddyError, StatusCode } from '../../errors.ts';
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { stringRel } from '../plan/rel.ts';

export function processListRows(ctx: QueryContext): unknown[][] {
  const pl = ctx.processes;
  if (!pl) return [];
  const now = ctx.now();
  return pl.list().map((q) => [pl.displayId(q), q.catalog, q.schemas.join(','), q.query, q.client, q.frontend, BigInt(Math.round(q.startMs)) * 1_000_000n, Math.max(0, Math.round(now - q.startMs))]);
}

/** SHOW PROCESSLIST: id, catalog, query and elapsed time; FULL adds schema, client, frontend and start time. */
export function showProcessList(ctx: QueryContext, full: boolean): Rel {
  const rows = processListRows(ctx) as (string | number | null)[][];
  if (!full) return stringRel(['Id', 'Catalog', 'Query', 'Elapsed Time'], rows.map((r) => [r[0]!, r[1]!, r[3]!, r[7]!]), ['String', 'String', 'String', 'DurationMillisecond']);
  return stringRel(['Id', 'Catalog', 'Schema', 'Client', 'Frontend', 'Start Time', 'Elapsed Time', 'Query'], rows.map((r) => [r[0]!, r[1]!, r[2]!, r[4]!, r[5]!, r[6]!, r[7]!, r[3]!]),
    ['String', 'String', 'String', 'String', 'String', 'TimestampMillisecond', 'DurationMillisecond', 'String']);
}

/** KILL <id>: cancels the statement; an id that runs nowhere is an error, as in GreptimeDB. */
export function runKill(ctx: QueryContext, id: string): void {
  if (!ctx.processes) throw new EddyError(StatusCode.Unsupported, 'KILL is not supported: this node keeps no process list');
  if (!ctx.processes.kill(id)) throw new EddyError(StatusCode.InvalidArguments, `Process not found: ${id}`);
}
