// The query console: SQL or PromQL, result table and chart, history kept in localStorage, CSV export.
import { promRange, sql, currentDb } from './api.js';
import { drawChart, seriesFromSql } from './chart.js';
import { download, renderTable, showError, toCsv } from './table_view.js';

const HISTORY_KEY = 'eddy.history';
const $ = (id) => document.getElementById(id);
let last;

function history() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]'); } catch { return []; }
}

function remember(lang, q) {
  const h = history().filter((e) => !(e.lang === lang && e.q === q));
  h.unshift({ lang, q, at: Date.now() });
  localStorage.setItem(HISTORY_KEY, JSON.stringify(h.slice(0, 100)));
  showHistory();
}

function showHistory() {
  const ol = $('history');
  ol.textContent = '';
  for (const e of history()) {
    const li = document.createElement('li');
    li.textContent = `${e.lang === 'promql' ? '⌁ ' : ''}${e.q}`;
    li.title = `${e.q}\n${new Date(e.at).toLocaleString()}`;
    li.tabIndex = 0;
    const use = () => { $('lang').value = e.lang; langChanged(); $('query').value = e.q; $('query').focus(); };
    li.addEventListener('click', use);
    li.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') use(); });
    ol.appendChild(li);
  }
}

function langChanged() {
  const prom = $('lang').value === 'promql';
  $('promrange').hidden = !prom;
  $('query').placeholder = prom ? 'rate(http_requests_total[5m])   (Ctrl+Enter runs)' : 'SELECT * FROM information_schema.tables   (Ctrl+Enter runs)';
}

export async function runQuery() {
  const q = $('query').value.trim();
  if (!q) return;
  const lang = $('lang').value;
  $('status').textContent = 'running…';
  $('run').disabled = true;
  const t0 = performance.now();
  try {
    const res = lang === 'promql' ? await promRange(q, Number($('range').value)) : await sql(q);
    last = res;
    renderTable($('result'), res);
    const charted = drawChart($('chart'), res.series ?? seriesFromSql(res));
    $('chart').hidden = !charted;
    $('status').textContent = `${res.rows.length} row${res.rows.length === 1 ? '' : 's'} in ${Math.round(performance.now() - t0)} ms`;
    $('export').disabled = false;
    remember(lang, q);
  } catch (e) {
    last = undefined;
    $('export').disabled = true;
    drawChart($('chart'), []);
    showError($('result'), e.message);
    $('status').textContent = 'error';
  } finally {
    $('run').disabled = false;
  }
}

export function initConsole() {
  $('lang').addEventListener('change', langChanged);
  $('run').addEventListener('click', runQuery);
  $('query').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runQuery(); }
  });
  $('export').addEventListener('click', () => { if (last) download(`eddy-${currentDb()}-${Date.now()}.csv`, toCsv(last)); });
  langChanged();
  showHistory();
}
