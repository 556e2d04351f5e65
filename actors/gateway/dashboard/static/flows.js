// The flows view: every flow with its state, and a flow's live output streaming in over Server-Sent Events.
import { currentDb, quote, sql } from './api.js';
import { renderTable, showError } from './table_view.js';

const $ = (id) => document.getElementById(id);
let source;
let live = { columns: [], types: [], rows: [] };

function subscribe(name) {
  if (source) source.close();
  live = { columns: [], types: [], rows: [] };
  $('flow-live-title').hidden = false;
  $('flow-live-title').textContent = `Live output of ${name} (waiting for updates…)`;
  $('flow-live').textContent = '';
  source = new EventSource(`/v1/flows/${encodeURIComponent(name)}/subscribe?db=${encodeURIComponent(currentDb())}&snapshot=true`);
  const take = (ev, label) => {
    const msg = JSON.parse(ev.data);
    // A live row is { key, values, final }: show its values, and whether its window is closed.
    const rows = (Array.isArray(msg) ? msg : msg.rows ?? []).map((r) => (r && r.values ? { ...r.values, final: r.final ?? false } : r));
    if (!rows.length) return;
    if (!live.columns.length) live.columns = Object.keys(rows[0]);
    live.types = live.columns.map((c) => (typeof rows[0][c] === 'number' ? 'Float64' : 'String'));
    live.rows = [...rows.map((r) => live.columns.map((c) => r[c] ?? null)), ...live.rows].slice(0, 500);
    renderTable($('flow-live'), live, { fresh: rows.length });
    $('flow-live-title').textContent = `Live output of ${name} (${label} ${new Date().toLocaleTimeString()}${msg.watermark !== undefined ? `, watermark ${msg.watermark}` : ''})`;
  };
  source.addEventListener('snapshot', (ev) => take(ev, 'snapshot'));
  source.addEventListener('update', (ev) => take(ev, 'update'));
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) $('flow-live-title').textContent = `Live output of ${name}: not available (a batching flow has none)`;
  });
}

export async function loadFlows() {
  const el = $('flow-list');
  try {
    const res = await sql(`SELECT * FROM information_schema.flows WHERE table_catalog = 'greptime' AND flow_schema = ${quote(currentDb())}`).catch(() => sql('SELECT * FROM information_schema.flows'));
    renderTable(el, res);
    const nameAt = res.columns.indexOf('flow_name');
    if (!res.rows.length) { el.innerHTML = '<p class="muted">&nbsp;No flows in this database.</p>'; return; }
    el.querySelectorAll('tbody tr').forEach((tr, i) => {
      tr.tabIndex = 0;
      tr.style.cursor = 'pointer';
      tr.title = 'Enter or click: subscribe to its live output';
      const go = () => subscribe(res.rows[i][nameAt]);
      tr.addEventListener('click', go);
      tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') go(); });
    });
  } catch (e) {
    showError(el, e.message);
  }
}

export function leaveFlows() { if (source) { source.close(); source = undefined; } }
