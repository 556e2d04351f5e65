// The rebalancer's decision, pure: from the load of each region and datanode, which regions to move from hot to cold
// nodes now, within the concurrency and the cooldown, and only moves that narrow the gap (no ping-pong).

export interface RebalanceRegion {
  id: string;
  node: string;
  /** Rows written per second, scans per second and bytes held: what this region costs its node. */
  rowsPerSec: number;
  scansPerSec: number;
  bytes: number;
}

export interface RebalanceOptions {
  /** Migrations running at once, at most (those in flight count). */
  maxConcurrent: number;
  /** A region moved is not moved again for this long (ms), except by a drain. */
  cooldownMs: number;
  /** A node is hot once its load exceeds the mean by this fraction (0.2: 20 %). */
  threshold: number;
}

export const REBALANCE_DEFAULTS: RebalanceOptions = { maxConcurrent: 2, cooldownMs: 60_000, threshold: 0.2 };

export interface RebalanceInput {
  now: number;
  /** Live datanodes; the draining ones give every region away and take none. */
  nodes: { id: string; draining: boolean }[];
  regions: RebalanceRegion[];
  /** Regions migrating now (they count against the concurrency and are not moved). */
  inFlight: ReadonlySet<string>;
  /** When each region last moved (ms). */
  lastMoved: ReadonlyMap<string, number>;
  options: RebalanceOptions;
}

export interface RebalanceMove {
  regionId: string;
  from: string;
  to: string;
  reason: 'rebalance' | 'drain';
  /** The weights behind the decision, for region_events. */
  detail: string;
}

/**
 * One region's weight: 1 for holding it, plus its share of the cluster's mean write, scan and byte load (a region at the
 * mean of all three weighs 4). Region count alone balances an idle cluster; the shares move the busy regions apart.
 */
export function regionWeights(regions: readonly RebalanceRegion[]): Map<string, number> {
  const n = Math.max(1, regions.length);
  const mean = (f: (r: RebalanceRegion) => number) => regions.reduce((a, r) => a + Math.max(0, f(r)), 0) / n;
  const mr = mean((r) => r.rowsPerSec), ms = mean((r) => r.scansPerSec), mb = mean((r) => r.bytes);
  const share = (v: number, m: number) => (m > 0 ? Math.min(10, Math.max(0, v) / m) : 0);
  return new Map(regions.map((r) => [r.id, 1 + share(r.rowsPerSec, mr) + share(r.scansPerSec, ms) + share(r.bytes, mb)]));
}

/** Each node's load: the sum of its regions' weights (nodes with none: 0). */
export function nodeLoads(nodes: readonly { id: string }[], regions: readonly RebalanceRegion[], w: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map(nodes.map((n) => [n.id, 0]));
  for (const r of regions) if (out.has(r.node)) out.set(r.node, out.get(r.node)! + (w.get(r.id) ?? 1));
  return out;
}

export function decideRebalance(i: RebalanceInput): RebalanceMove[] {
  const { options: o } = i;
  let budget = o.maxConcurrent - i.inFlight.size;
  if (budget <= 0 || i.nodes.length === 0) return [];
  const takers = i.nodes.filter((n) => !n.draining).map((n) => n.id).sort();
  if (takers.length === 0) return [];
  const w = regionWeights(i.regions);
  const load = nodeLoads(i.nodes, i.regions, w);
  const where = new Map(i.regions.map((r) => [r.id, r.node]));
  const free = (r: RebalanceRegion) => !i.inFlight.has(r.id) && where.get(r.id) === r.node;
  const movable = (r: RebalanceRegion) => free(r) && (i.lastMoved.get(r.id) ?? -Infinity) + o.cooldownMs <= i.now;
  const coldest = () => takers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
  const moves: RebalanceMove[] = [];
  const apply = (r: RebalanceRegion, to: string, reason: RebalanceMove['reason']) => {
    const wr = w.get(r.id)!;
    moves.push({ regionId: r.id, from: r.node, to, reason, detail: `weight ${wr.toFixed(2)}; ${r.node} ${load.get(r.node)!.toFixed(2)} -> ${to} ${load.get(to)!.toFixed(2)}` });
    load.set(r.node, load.get(r.node)! - wr);
    load.set(to, load.get(to)! + wr);
    where.set(r.id, to);
    budget--;
  };
  // Draining nodes first: every region goes, heaviest first, each to the coldest taker. A drain is the operator's
  // order and a draining node takes nothing back, so it cannot ping-pong: the cooldown does not hold it back.
  const draining = new Set(i.nodes.filter((n) => n.draining).map((n) => n.id));
  for (const r of [...i.regions].filter((x) => draining.has(x.node)).sort((a, b) => w.get(b.id)! - w.get(a.id)! || (a.id < b.id ? -1 : 1))) {
    if (budget <= 0) return moves;
    if (free(r)) apply(r, coldest(), 'drain');
  }
  // Then hot to cold, while the hottest taker is over the threshold and a move narrows its gap with the coldest.
  const total = takers.reduce((a, n) => a + load.get(n)!, 0);
  const mean = total / takers.length;
  while (budget > 0) {
    const hot = takers.reduce((a, b) => (load.get(b)! > load.get(a)! ? b : a));
    const cold = coldest();
    const lh = load.get(hot)!, lc = load.get(cold)!;
    if (hot === cold || lh <= mean * (1 + o.threshold)) break;
    // The region whose move leaves the two closest, and only if the cold one stays below where the hot one was.
    let best: RebalanceRegion | null = null;
    let bestGap = lh - lc;
    for (const r of i.regions) {
      if (where.get(r.id) !== hot || r.node !== hot || !movable(r)) continue;
      const wr = w.get(r.id)!;
      const gap = Math.abs(lh - wr - (lc + wr));
      if (gap < bestGap - 1e-9 || (best && Math.abs(gap - bestGap) <= 1e-9 && r.id < best.id)) {
        best = r;
        bestGap = gap;
      }
    }
    if (!best) break;
    apply(best, cold, 'rebalance');
  }
  return moves;
}
