// The table browser: databases' tables with engine and rows, then a table's columns, indexes and regions.
import { currentDb, ident, quote, sql } from './api.js';
import { renderTable, showError } from './table_view.js';

const $ = (id) => document.getElementById(id);

async function section(parent, title, query) {
  const h = document.createElement('h3');
  h.textContent = title;
  const box = document.createElement('div');
  box.className = 'table-wrap';
  parent.append(h, box);
  try { renderTable(box, await sql(query)); } catch (e) { showError(box, e.message); }
}

async function showTable(name) {
  for (const li of $('table-list').children) li.classList.toggle('on', li.dataset.name === name);
  const el = $('table-detail');
  el.textContent = '';
  const db = currentDb();
  await section(el, 'Columns', `SELECT column_name, data_type, semantic_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = ${quote(db)} AND table_name = ${quote(name)}`);
  await section(el, 'Indexes', `SHOW INDEX FROM ${ident(name)}`);
  await section(el, 'Regions', `SELECT region_id, peer_id, peer_addr, is_leader, status FROM information_schema.region_peers WHERE table_schema = ${quote(db)} AND table_name = ${quote(name)}`);
  await section(el, 'Size', `SELECT count(*) AS total_rows FROM ${ident(name)}`);
}

export async function loadTables() {
  const ul = $('table-list');
  ul.textContent = '';
  try {
    const res = await sql(`SELECT table_name, engine, table_type FROM information_schema.tables WHERE table_schema = ${quote(currentDb())} ORDER BY table_name`);
    for (const [name, engine] of res.rows) {
      const li = document.createElement('li');
      li.dataset.name = name;
      li.textContent = `${name}${engine && engine !== 'mito' ? `  (${engine})` : ''}`;
      li.tabIndex = 0;
      li.addEventListener('click', () => showTable(name));
      li.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') showTable(name); });
      ul.appendChild(li);
    }
    if (!res.rows.length) ul.innerHTML = '<li class="muted">no tables</li>';
  } catch (e) {
    showError($('table-detail'), e.message);
  }
}
