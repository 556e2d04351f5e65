// The cluster view: nodes and roles, regions per node, running migrations and the rebalancer's decisions.
import { sql } from './api.js';
import { renderTable, showError } from './table_view.js';

const $ = (id) => document.getElementById(id);

async function fill(id, query, absent) {
  try { renderTable($(id), await sql(query)); } catch (e) {
    // Tables a node version does not have yet read as a note, not an error.
    if (/not found|unknown|no table/i.test(e.message)) $(id).innerHTML = `<p class="muted">&nbsp;${absent}</p>`;
    else showError($(id), e.message);
  }
}

export async function loadCluster() {
  await Promise.all([
    fill('cluster-nodes', 'SELECT peer_id, peer_type, peer_addr, version, uptime, active_time FROM information_schema.cluster_info ORDER BY peer_id', 'no cluster information'),
    fill('cluster-regions', "SELECT peer_id, peer_addr, count(*) AS regions, sum(CASE WHEN is_leader = 'Yes' THEN 1 ELSE 0 END) AS leaders FROM information_schema.region_peers GROUP BY peer_id, peer_addr ORDER BY peer_id", 'no regions'),
    fill('cluster-procs', 'SELECT * FROM information_schema.procedure_info', 'no procedures on this node version'),
    fill('cluster-events', 'SELECT * FROM information_schema.region_events', 'no rebalancer events on this node version'),
  ]);
}
