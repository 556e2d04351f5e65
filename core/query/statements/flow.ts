// Flow statements (CREATE FLOW / CREATE TASK / DROP FLOW / COMMENT ON FLOW / SHOW FLOWS / SHOW CREATE FLOW / ADMIN flush_flow) and
// information_schema.flows / flow_statistics, run through the QueryContext's optional flow methods.
import { EddyError, StatusCode } from '../../errors.ts';
import type { FunctionCall, Statement } from '../../sql/index.ts';
import type { FlowInfo, QueryContext } from '../context.ts';
import type { QueryOutput } from '../output/index.ts';
import { relToOutput } from '../output/index.ts';
import type { Rel } from '../plan/rel.ts';
import { stringRel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';
import { shownFlowDefinition } from './flow_definition.ts';

const affected = (rows: number): QueryOutput => ({ kind: 'affected', rows });

function need<K extends 'createFlow' | 'dropFlow' | 'listFlows' | 'flushFlow' | 'commentFlow'>(ctx: QueryContext, k: K): NonNullable<QueryContext[K]> {
  const f = ctx[k];
  if (!f) throw new EddyError(StatusCode.Unsupported, 'Flows are not available on this node (no flownode role)');
  return f.bind(ctx) as NonNullable<QueryContext[K]>;
}

/** The database and bare name of `[db.]name`. */
function split(name: { value: string }[], ctx: QueryContext): { db: string; name: string } {
  return { db: name.length > 1 ? name[name.length - 2]!.value : ctx.db, name: name[name.length - 1]!.value };
}

function like(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.') + '$', 's');
}

/** Runs a flow statement; null when `s` is not one. */
export async function runFlowStatement(ctx: QueryContext, s: Statement): Promise<QueryOutput | null> {
  switch (s.type) {
    case 'create_flow':
    case 'create_task': {
      const { db } = split(s.name, ctx);
      await need(ctx, 'createFlow')(db, s);
      return affected(0);
    }
    case 'drop': {
      if (s.object !== 'FLOW') return null;
      for (const n of s.names) {
        const { db, name } = split(n, ctx);
        const dropped = await need(ctx, 'dropFlow')(db, name, s.ifExists);
        if (!dropped && !s.ifExists) throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
      }
      return affected(0);
    }
    case 'show': {
      if (s.kind === 'FLOWS') {
        const db = s.database ? s.database[s.database.length - 1]!.value : ctx.db;
        const re = s.like !== undefined ? like(s.like) : null;
        const flows = (await need(ctx, 'listFlows')(db)).filter((f) => !re || re.test(f.name)).sort((a, b) => a.name.localeCompare(b.name));
        return relToOutput(stringRel(['Flows'], flows.map((f) => [f.name])));
      }
      if (s.kind === 'FLOW STATUS') {
        const db = s.database ? s.database[s.database.length - 1]!.value : ctx.db;
        const re = s.like !== undefined ? like(s.like) : null;
        const flows = (await need(ctx, 'listFlows')(db)).filter((f) => !re || re.test(f.name));
        return relToOutput(stringRel(['Flow', 'State', 'Rows In', 'Rows Out', 'Errors', 'Lag Ms'],
          flows.map((f) => [f.name, f.state, f.rowsIn, f.rowsOut, f.errors, f.lagMs]), ['String', 'String', 'Int64', 'Int64', 'Int64', 'Int64']));
      }
      if (s.kind === 'CREATE FLOW' && s.target) {
        const { db, name } = split(s.target, ctx);
        const f = (await need(ctx, 'listFlows')(db)).find((x) => x.name === name);
        if (!f) throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
        return relToOutput(stringRel(['Flow', 'Create Flow'], [[f.name, shownFlowDefinition(f)]]));
      }
      return null;
    }
    case 'comment_on': {
      if (s.object !== 'FLOW') return null;
      const { db, name } = split(s.name, ctx);
      await need(ctx, 'commentFlow')(db, name, s.comment);
      return affected(0);
    }
    case 'admin': {
      const fn = s.call.name[s.call.name.length - 1]!.value.toLowerCase();
      if (fn !== 'flush_flow') return null;
      const rows = await flushFlow(s.call, ctx);
      const label = `ADMIN FLUSH_FLOW('${(s.call.args[0] as { value: string }).value}')`;
      return relToOutput({ fields: [{ name: label, dt: 'UInt64' }], cols: [fromValues('UInt64', [rows])], len: 1 });
    }
    default:
      return null;
  }
}

/** flush_flow('[db.]name'): the flow emits what it holds now; the number of rows it wrote. */
export async function flushFlow(call: FunctionCall, ctx: QueryContext): Promise<number> {
  const arg = call.args[0];
  if (!arg || arg.type !== 'string' || call.args.length !== 1) throw new EddyError(StatusCode.InvalidArguments, "flush_flow expects the flow name as a string: ADMIN flush_flow('name')");
  const parts = arg.value.split('.');
  const name = parts.pop()!;
  const db = parts.length ? parts.pop()! : ctx.db;
  return need(ctx, 'flushFlow')(db, name);
}

export const FLOW_INFORMATION_SCHEMA_TABLES = ['flows', 'flow_statistics'];

/** A clock reading (ms) as a TimestampMillisecond cell: vectors hold nanoseconds whatever the column's unit. */
const ts = (ms: number | null): bigint | null => (ms === null ? null : BigInt(Math.round(ms)) * 1_000_000n);

/** information_schema.flows (definitions and live state) and flow_statistics (counters). */
export async function flowInformationSchema(name: string, ctx: QueryContext): Promise<Rel | null> {
  if (!FLOW_INFORMATION_SCHEMA_TABLES.includes(name)) return null;
  const flows: FlowInfo[] = ctx.listFlows ? await ctx.listFlows() : [];
  flows.sort((a, b) => a.db.localeCompare(b.db) || a.name.localeCompare(b.name));
  if (name === 'flows') {
    const cols: [string, string, (f: FlowInfo) => unknown][] = [
      ['flow_name', 'String', (f) => f.name],
      ['flow_id', 'UInt32', (f) => f.id],
      ['state_size', 'UInt64', () => null],
      ['table_catalog', 'String', () => 'greptime'],
      ['flow_definition', 'String', (f) => shownFlowDefinition(f)],
      ['comment', 'String', (f) => f.comment],
      ['expire_after', 'Int64', (f) => f.expireAfterSeconds],
      ['source_table_ids', 'String', () => null],
      ['sink_table_name', 'String', (f) => `greptime.${f.db}.${f.sinkTable}`],
      ['flownode_ids', 'String', (f) => (f.nodeId ? `{"0":${JSON.stringify(f.nodeId)}}` : '{}')],
      ['options', 'String', (f) => JSON.stringify({ flow_type: 'streaming', ...f.options })],
      ['created_time', 'TimestampMillisecond', (f) => ts(f.createdAt)],
      ['updated_time', 'TimestampMillisecond', (f) => ts(f.updatedAt)],
      ['last_execution_time', 'TimestampMillisecond', (f) => ts(f.lastExecutionTime)],
      ['source_table_names', 'String', (f) => f.sourceTables.map((t) => (t.includes('.') ? `greptime.${t}` : `greptime.${f.db}.${t}`)).join(',')],
      ['state', 'String', (f) => f.state],
      ['rows_in', 'Int64', (f) => f.rowsIn],
      ['rows_out', 'Int64', (f) => f.rowsOut],
      ['errors', 'Int64', (f) => f.errors],
      ['last_error', 'String', (f) => f.lastError],
      ['lag_ms', 'Int64', (f) => f.lagMs === null ? null : Math.round(f.lagMs)],
      ['watermark', 'TimestampNanosecond', (f) => f.watermark],
    ];
    return table(cols, flows);
  }
  return table([
    ['flow_id', 'UInt32', (f) => f.id],
    ['flow_name', 'String', (f) => f.name],
    ['table_catalog', 'String', () => 'greptime'],
    ['table_schema', 'String', (f) => f.db],
    ['state', 'String', (f) => f.state],
    ['rows_in', 'Int64', (f) => f.rowsIn],
    ['rows_out', 'Int64', (f) => f.rowsOut],
    ['errors', 'Int64', (f) => f.errors],
    ['lag_ms', 'Int64', (f) => f.lagMs === null ? null : Math.round(f.lagMs)],
    ['last_execution_time', 'TimestampMillisecond', (f) => ts(f.lastExecutionTime)],
  ], flows);
}

function table(cols: [string, string, (f: FlowInfo) => unknown][], flows: FlowInfo[]): Rel {
  return {
    fields: cols.map(([name, dt]) => ({ name, dt })),
    cols: cols.map(([, dt, get]) => fromValues(dt, flows.map(get))),
    len: flows.length,
  };
}
