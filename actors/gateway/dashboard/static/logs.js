// The logs view: term search over a table's message column (matches_term), newest first, and live tail over SSE.
import { currentDb, ident, quote, sql } from './api.js';
import { renderTable, showError } from './table_view.js';

const $ = (id) => document.getElementById(id);
let tail;
let tailed = { columns: [], types: [], rows: [] };

async function columnsOf(table) {
  const res = await sql(`SELECT column_name, data_type, semantic_type FROM information_schema.columns WHERE table_schema = ${quote(currentDb())} AND table_name = ${quote(table)}`);
  return res.rows.map(([name, type, semantic]) => ({ name, type, semantic }));
}

async function tableChanged() {
  const cols = await columnsOf($('log-table').value).catch(() => []);
  const sel = $('log-column');
  sel.textContent = '';
  // Message-like columns first: strings that are fields (not tags), then the rest.
  const strings = cols.filter((c) => /string/i.test(c.type));
  strings.sort((a, b) => (a.semantic === 'FIELD' ? 0 : 1) - (b.semantic === 'FIELD' ? 0 : 1));
  for (const c of strings) sel.add(new Option(c.name, c.name));
  sel.dataset.time = cols.find((c) => c.semantic === 'TIMESTAMP')?.name ?? '';
}

async function search() {
  stopTail();
  const table = $('log-table').value;
  const col = $('log-column').value;
  const term = $('log-term').value.trim();
  if (!table) return;
  const time = $('log-column').dataset.time;
  const where = term && col ? `WHERE matches_term(${ident(col)}, ${quote(term)})` : '';
  const order = time ? `ORDER BY ${ident(time)} DESC` : '';
  $('log-status').textContent = 'searching…';
  try {
    const res = await sql(`SELECT * FROM ${ident(table)} ${where} ${order} LIMIT 200`);
    renderTable($('log-result'), res);
    $('log-status').textContent = `${res.rows.length} line${res.rows.length === 1 ? '' : 's'} (newest first)`;
  } catch (e) {
    showError($('log-result'), e.message);
    $('log-status').textContent = 'error';
  }
}

function stopTail() {
  if (tail) { tail.close(); tail = undefined; $('log-tail').textContent = 'Live tail'; }
}

function startTail() {
  if (tail) { stopTail(); return; }
  const table = $('log-table').value;
  if (!table) return;
  const term = $('log-term').value.trim();
  const q = new URLSearchParams({ db: currentDb(), table });
  if (term) q.set('where', `matches_term(${ident($('log-column').value)}, ${quote(term)})`);
  tailed = { columns: [], types: [], rows: [] };
  $('log-result').textContent = '';
  $('log-tail').textContent = 'Stop tail';
  $('log-status').textContent = 'tailing…';
  tail = new EventSource(`/v1/logs/tail?${q}`);
  const take = (ev) => {
    const msg = JSON.parse(ev.data);
    const rows = Array.isArray(msg) ? msg : msg.rows ?? [msg];
    if (!rows.length) return;
    if (!tailed.columns.length) { tailed.columns = Object.keys(rows[0]); tailed.types = tailed.columns.map(() => 'String'); }
    tailed.rows = [...rows.map((r) => tailed.columns.map((c) => r[c] ?? null)), ...tailed.rows].slice(0, 1000);
    renderTable($('log-result'), tailed, { fresh: rows.length });
    $('log-status').textContent = `tailing: ${tailed.rows.length} lines`;
  };
  tail.addEventListener('message', take);
  tail.addEventListener('line', take);
  tail.addEventListener('rows', take);
  tail.addEventListener('error', () => { if (tail?.readyState === EventSource.CLOSED) { $('log-status').textContent = 'live tail unavailable'; stopTail(); } });
}

export async function loadLogs() {
  const sel = $('log-table');
  const keep = sel.value;
  try {
    const res = await sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = ${quote(currentDb())} AND table_type = 'BASE TABLE' ORDER BY table_name`);
    sel.textContent = '';
    for (const [name] of res.rows) sel.add(new Option(name, name));
    if (keep && res.rows.some(([n]) => n === keep)) sel.value = keep;
    await tableChanged();
  } catch (e) {
    showError($('log-result'), e.message);
  }
}

export function initLogs() {
  $('log-table').addEventListener('change', tableChanged);
  $('log-search').addEventListener('click', search);
  $('log-tail').addEventListener('click', startTail);
  $('log-term').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') search(); });
}

export const leaveLogs = stopTail;
