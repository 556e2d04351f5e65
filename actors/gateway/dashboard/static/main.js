// The dashboard's entry: tabs (Alt+1..5), the database box, and loading each view when it is shown.
import { initConsole } from './console.js';
import { loadTables } from './tables.js';
import { leaveFlows, loadFlows } from './flows.js';
import { initLogs, leaveLogs, loadLogs } from './logs.js';
import { loadCluster } from './cluster.js';

const TABS = ['console', 'tables', 'flows', 'logs', 'cluster'];
const LOAD = { tables: loadTables, flows: loadFlows, logs: loadLogs, cluster: loadCluster };
const LEAVE = { flows: leaveFlows, logs: leaveLogs };
let current;

function show(tab) {
  if (!TABS.includes(tab)) tab = 'console';
  if (current && current !== tab) LEAVE[current]?.();
  current = tab;
  for (const t of TABS) document.getElementById(t).hidden = t !== tab;
  for (const b of document.querySelectorAll('#tabs button')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
  LOAD[tab]?.();
  if (tab === 'console') document.getElementById('query').focus();
}

document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => show(b.dataset.tab)));
document.addEventListener('keydown', (ev) => {
  if (ev.altKey && ev.key >= '1' && ev.key <= String(TABS.length)) { ev.preventDefault(); show(TABS[Number(ev.key) - 1]); }
  if (ev.key === '/' && current === 'logs' && document.activeElement?.tagName !== 'INPUT') { ev.preventDefault(); document.getElementById('log-term').focus(); }
});
document.getElementById('db').addEventListener('change', () => { localStorage.setItem('eddy.db', document.getElementById('db').value); show(current); });
const savedDb = localStorage.getItem('eddy.db');
if (savedDb) document.getElementById('db').value = savedDb;

initConsole();
initLogs();
show(location.hash.slice(1));
document.body.dataset.ready = 'true';
