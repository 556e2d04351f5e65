// information_schema.procedure_info (GreptimeDB's columns, plus each procedure's steps and error) and
// information_schema.region_events (every region move and failover: when, where from and to, why, how long).
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';

export const PROCEDURE_INFORMATION_SCHEMA_TABLES = ['procedure_info', 'region_events'];

function rel(names: string[], types: string[], rows: unknown[][]): Rel {
  return {
    fields: names.map((name, j) => ({ name, dt: types[j]! })),
    cols: names.map((_n, j) => fromValues(types[j]!, rows.map((r) => r[j] ?? null))),
    len: rows.length,
  };
}

const ms = (t: number | null) => (t === null ? null : BigInt(Math.round(t)));

export async function procedureInformationSchema(name: string, ctx: QueryContext): Promise<Rel | null> {
  if (name === 'procedure_info') {
    const list = ctx.procedures ? await ctx.procedures.list() : [];
    list.sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : 1));
    return rel(['procedure_id', 'procedure_type', 'start_time', 'end_time', 'status', 'lock_keys', 'state', 'steps', 'error'],
      ['String', 'String', 'TimestampMillisecond', 'TimestampMillisecond', 'String', 'String', 'String', 'String', 'String'],
      list.map((p) => [p.id, p.type, ms(p.startTime), ms(p.endTime), p.status, p.lockKeys.join(','), p.state, p.steps, p.error]));
  }
  if (name === 'region_events') {
    const list = ctx.procedures ? await ctx.procedures.events() : [];
    list.sort((a, b) => a.time - b.time);
    return rel(['time', 'region_id', 'from_peer', 'to_peer', 'reason', 'duration_ms', 'status', 'procedure_id'],
      ['TimestampMillisecond', 'UInt64', 'Int64', 'Int64', 'String', 'Int64', 'String', 'String'],
      list.map((e) => [ms(e.time), e.regionId, e.fromPeer, e.toPeer, e.reason, e.durationMs === null ? null : Math.round(e.durationMs), e.status, e.procedureId]));
  }
  return null;
}
