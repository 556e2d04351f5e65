// information_schema.region_peers and .cluster_info in a cluster: built from the routes and the node registry.
import type { ClusterPeer, RegionPeer } from '../../core/index.ts';
import { liveNodes, type NodeRecord } from './registry.ts';
import type { RouteRecord } from './routes.ts';

/** The numeric peer id GreptimeDB's tables expect: the node id's trailing number (eddy-2 -> 2), else a stable 31-bit hash. */
export function peerIdOf(nodeId: string): number {
  const m = /(\d{1,9})$/.exec(nodeId);
  if (m) return Number(m[1]);
  let h = 0x811c9dc5;
  for (let i = 0; i < nodeId.length; i++) h = Math.imul(h ^ nodeId.charCodeAt(i), 0x01000193);
  return (h >>> 0) & 0x7fffffff;
}

/** Pure: each routed region's peer; a region whose node stopped heartbeating is DOWNGRADED, with how long it has been down. */
export function regionPeersOf(routes: Iterable<[string, RouteRecord]>, nodes: readonly NodeRecord[], now: number): Map<string, RegionPeer> {
  const live = new Set(liveNodes(nodes, now).map((n) => n.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, RegionPeer>();
  for (const [regionId, r] of routes) {
    const n = byId.get(r.node);
    const up = live.has(r.node);
    out.set(regionId, {
      peerId: peerIdOf(r.node),
      peerAddr: n?.http ?? '',
      isLeader: true,
      status: up ? 'ALIVE' : 'DOWNGRADED',
      downSeconds: up ? null : Math.max(0, Math.round((now - (n?.heartbeatAt ?? r.at)) / 1000)),
    });
  }
  return out;
}

const PEER_TYPE: Record<string, string> = { meta: 'METASRV', datanode: 'DATANODE', frontend: 'FRONTEND', flownode: 'FLOWNODE' };

/** Pure: one row per node and role (GreptimeDB runs each role as its own process), sorted by type then id. */
export function clusterPeersOf(nodes: readonly NodeRecord[], now: number, version: string): ClusterPeer[] {
  const out: (ClusterPeer & { id: string })[] = [];
  for (const n of nodes) {
    for (const role of n.roles) {
      out.push({
        id: n.id, peerId: peerIdOf(n.id), peerType: PEER_TYPE[role] ?? role.toUpperCase(), peerAddr: n.http ?? '', version,
        startTime: n.startedAt, uptimeMs: Math.max(0, now - n.startedAt), activeTimeMs: Math.max(0, now - n.heartbeatAt),
      });
    }
  }
  out.sort((a, b) => (a.peerType < b.peerType ? -1 : a.peerType > b.peerType ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out.map(({ id: _id, ...p }) => p);
}
