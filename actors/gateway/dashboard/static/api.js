// Talking to the node: SQL and PromQL over its HTTP API, results normalised to { columns, types, rows }.
export const dbInput = () => document.getElementById('db');
export const currentDb = () => dbInput().value.trim() || 'public';

export class QueryError extends Error {}

/** Runs SQL through POST /v1/sql; answers the last statement's records (or affected rows). */
export async function sql(query, db = currentDb()) {
  const body = new URLSearchParams({ sql: query, db });
  const r = await fetch('/v1/sql', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const j = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
  if (!r.ok || j.error) throw new QueryError(j.error ?? `HTTP ${r.status}`);
  const out = j.output?.[j.output.length - 1];
  if (!out) return { columns: [], types: [], rows: [], ms: j.execution_time_ms };
  if (out.records) {
    const schema = out.records.schema?.column_schemas ?? [];
    return { columns: schema.map((c) => c.name), types: schema.map((c) => c.data_type), rows: out.records.rows, ms: j.execution_time_ms };
  }
  return { columns: ['affected_rows'], types: ['UInt64'], rows: [[out.affectedrows ?? 0]], ms: j.execution_time_ms };
}

/** A PromQL range query over the last `seconds`; answers a table (one row per series, last value) and the series. */
export async function promRange(query, seconds, db = currentDb()) {
  const end = Math.floor(Date.now() / 1000);
  const start = end - seconds;
  const step = Math.max(1, Math.ceil(seconds / 300));
  const body = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step), db });
  const r = await fetch('/v1/prometheus/api/v1/query_range', { method: 'POST', body });
  const j = await r.json().catch(() => ({ status: 'error', error: `HTTP ${r.status}` }));
  if (j.status !== 'success') throw new QueryError(`${j.errorType ?? 'error'}: ${j.error ?? r.status}`);
  const series = j.data.result.map((s) => ({ name: labelsText(s.metric), points: s.values.map(([t, v]) => [t, Number(v)]) }));
  const rows = series.map((s) => { const last = s.points[s.points.length - 1]; return [s.name, last ? last[1] : null, s.points.length]; });
  return { columns: ['series', 'last value', 'points'], types: ['String', 'Float64', 'UInt64'], rows, series };
}

export function labelsText(m) {
  const name = m.__name__ ?? '';
  const rest = Object.entries(m).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`);
  return rest.length ? `${name}{${rest.join(', ')}}` : name || '{}';
}

/** A SQL string literal. */
export const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;
/** A SQL identifier, quoted when it needs to be. */
export const ident = (s) => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
