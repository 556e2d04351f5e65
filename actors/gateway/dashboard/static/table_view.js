// Result tables and CSV export: one place that turns { columns, types, rows } into DOM or text.
const NUMERIC = /^(U?Int|Float|Decimal)/;

export function renderTable(el, res, { maxRows = 2000, fresh = 0 } = {}) {
  el.textContent = '';
  if (!res.columns.length) return;
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const c of res.columns) { const th = document.createElement('th'); th.textContent = c; head.appendChild(th); }
  const body = table.createTBody();
  const n = Math.min(res.rows.length, maxRows);
  for (let i = 0; i < n; i++) {
    const tr = body.insertRow();
    if (i < fresh) tr.className = 'fresh';
    res.rows[i].forEach((v, j) => {
      const td = tr.insertCell();
      td.textContent = v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (NUMERIC.test(res.types[j] ?? '')) td.className = 'num';
    });
  }
  el.appendChild(table);
  if (res.rows.length > n) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = `showing ${n} of ${res.rows.length} rows (export gives all)`;
    el.appendChild(p);
  }
}

export function showError(el, message) {
  el.textContent = '';
  const pre = document.createElement('pre');
  pre.className = 'error';
  pre.textContent = message;
  el.appendChild(pre);
}

function csvCell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(res) {
  return [res.columns.map(csvCell).join(','), ...res.rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

export function download(name, text, type = 'text/csv') {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}
