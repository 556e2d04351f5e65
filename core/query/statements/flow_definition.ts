// A flow's definition as GreptimeDB shows it (SHOW CREATE FLOW, information_schema.flows.flow_definition): the
// statement rebuilt one clause a line, `CREATE FLOW IF NOT EXISTS`, the sink qualified by its database, the query
// printed as sqlparser-rs displays it. The statement as written when it is not one this can rebuild (a TQL flow).
import { formatExpr, formatIdent, formatQuery, formatString, parseSql } from '../../sql/index.ts';
import type { FlowInfo } from '../context.ts';

export function shownFlowDefinition(f: FlowInfo): string {
  let stmt;
  try { stmt = parseSql(f.definition)[0]; } catch { return f.definition; }
  if (stmt?.type !== 'create_flow' || stmt.query.type !== 'query') return f.definition;
  const query = formatQuery(stmt.query);
  if (query === undefined) return f.definition;
  const sink = stmt.sink.length > 1 ? stmt.sink.map(formatIdent).join('.') : `${f.db}.${formatIdent(stmt.sink[0]!)}`;
  const lines = [`CREATE FLOW IF NOT EXISTS ${stmt.name[stmt.name.length - 1]!.value}`, `SINK TO ${sink}`];
  if (stmt.expireAfter) lines.push(`EXPIRE AFTER ${formatExpr(stmt.expireAfter)}`);
  // the schedule of a batching flow: without it the shown statement would create a flow run on the default interval
  if (stmt.evalInterval) lines.push(`EVAL INTERVAL ${formatExpr(stmt.evalInterval)}`);
  // the flow's comment now: COMMENT ON FLOW changes it after CREATE
  if (f.comment) lines.push(`COMMENT ${formatString(f.comment)}`);
  const opts = Object.entries(stmt.options ?? {});
  if (opts.length) lines.push(`WITH (${opts.map(([k, v]) => `${k} = ${formatString(v)}`).join(', ')})`);
  lines.push(`AS ${query}`);
  return lines.join('\n');
}
