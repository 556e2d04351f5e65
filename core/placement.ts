// Pure region placement: regions stay on live owners, orphans go to the least loaded datanode (a table's regions spread), skew is evened out with bounded moves.

export interface PlacementNode {
  id: string;
  /** Load this node carries besides the regions placed here (e.g. flows); 0 when unknown. */
  load?: number;
}

export interface PlacementRegion {
  id: string;
  /** The datanode the region is routed to now, or null when it has none. */
  owner: string | null;
  /** The region's share of load (rows/s, bytes, ...); 1 when unknown. */
  weight?: number;
  /** Regions of one group (a table's partitions) are spread: an orphan goes to a node with the fewest of its group. */
  group?: string | number;
}

export interface PlacementOptions {
  /** Rebalance when the most and least loaded nodes differ by more than this; undefined never rebalances. */
  maxSkew?: number;
  /** At most this many regions with a live owner are moved by one call (orphans are not counted). Default 1. */
  maxMoves?: number;
}

export const MoveReason = {
  orphan: 'orphan',
  rebalance: 'rebalance',
} as const;
export type MoveReason = (typeof MoveReason)[keyof typeof MoveReason];

export interface Move {
  region: string;
  from: string | null;
  to: string;
  reason: MoveReason;
}

export interface PlacementPlan {
  /** Every input region -> its owner; null only when no datanode is live. */
  routes: Map<string, string | null>;
  /** Regions whose owner changes, in the order they were decided. */
  moves: Move[];
  /** Effective load per live node after the plan (base load + weights of its regions). */
  loads: Map<string, number>;
}

const weightOf = (r: PlacementRegion) => (r.weight !== undefined && Number.isFinite(r.weight) && r.weight >= 0 ? r.weight : 1);
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The least loaded node (among those with the fewest regions of a group, when given), ties broken by id so that the plan is deterministic. */
function lightest(loads: Map<string, number>, inGroup?: Map<string, number>): string {
  let best: string | null = null;
  const g = (id: string) => inGroup?.get(id) ?? 0;
  for (const [id, l] of loads) {
    if (best === null) { best = id; continue; }
    const d = g(id) - g(best) || l - loads.get(best)!;
    if (d < 0 || (d === 0 && id < best)) best = id;
  }
  return best!;
}

function heaviest(loads: Map<string, number>): string {
  let best: string | null = null;
  for (const [id, l] of loads) if (best === null || l > loads.get(best)! || (l === loads.get(best)! && id < best)) best = id;
  return best!;
}

/** Computes where every region should live. Pure and deterministic: same inputs, same plan. */
export function place(nodes: readonly PlacementNode[], regions: readonly PlacementRegion[], opts: PlacementOptions = {}): PlacementPlan {
  const loads = new Map<string, number>();
  for (const n of [...nodes].sort((a, b) => byId(a.id, b.id))) {
    if (!loads.has(n.id)) loads.set(n.id, n.load !== undefined && Number.isFinite(n.load) ? n.load : 0);
  }
  const routes = new Map<string, string | null>();
  const moves: Move[] = [];
  if (loads.size === 0) {
    for (const r of regions) routes.set(r.id, null);
    return { routes, moves, loads };
  }
  const orphans: PlacementRegion[] = [];
  const weights = new Map<string, number>();
  // Regions of each group per node, so that a group's orphans spread over the nodes.
  const groups = new Map<string | number, Map<string, number>>();
  const count = (r: PlacementRegion, node: string) => {
    if (r.group === undefined) return;
    const m = groups.get(r.group) ?? new Map<string, number>();
    m.set(node, (m.get(node) ?? 0) + 1);
    groups.set(r.group, m);
  };
  for (const r of regions) {
    weights.set(r.id, weightOf(r));
    if (r.owner !== null && loads.has(r.owner)) {
      routes.set(r.id, r.owner);
      loads.set(r.owner, loads.get(r.owner)! + weightOf(r));
      count(r, r.owner);
    } else {
      routes.set(r.id, null);
      orphans.push(r);
    }
  }
  // Heaviest first onto the lightest node (LPT): a good spread without search.
  orphans.sort((a, b) => weightOf(b) - weightOf(a) || byId(a.id, b.id));
  for (const r of orphans) {
    const to = lightest(loads, r.group === undefined ? undefined : groups.get(r.group));
    routes.set(r.id, to);
    loads.set(to, loads.get(to)! + weightOf(r));
    count(r, to);
    moves.push({ region: r.id, from: r.owner, to, reason: MoveReason.orphan });
  }
  if (opts.maxSkew !== undefined) rebalance(routes, weights, loads, moves, opts.maxSkew, opts.maxMoves ?? 1);
  return { routes, moves, loads };
}

/**
 * Moves regions from the heaviest to the lightest node while skew exceeds maxSkew and a move strictly
 * narrows the gap. Only regions that kept their owner in this plan are candidates, so a region moves at
 * most once per call and orphans never count against maxMoves.
 */
function rebalance(routes: Map<string, string | null>, weights: Map<string, number>, loads: Map<string, number>, moves: Move[], maxSkew: number, maxMoves: number): void {
  const movedNow = new Set(moves.map((m) => m.region));
  for (let moved = 0; moved < maxMoves; moved++) {
    const hi = heaviest(loads);
    const lo = lightest(loads);
    const gap = loads.get(hi)! - loads.get(lo)!;
    if (gap <= maxSkew) return;
    // The region whose weight is closest to half the gap, among those that leave both nodes under the old maximum.
    let pick: string | null = null;
    let pickScore = Infinity;
    for (const [region, owner] of routes) {
      if (owner !== hi || movedNow.has(region)) continue;
      const w = weights.get(region)!;
      if (w <= 0 || w >= gap) continue;
      const score = Math.abs(gap / 2 - w);
      if (score < pickScore || (score === pickScore && byId(region, pick!) < 0)) {
        pick = region;
        pickScore = score;
      }
    }
    if (pick === null) return;
    const w = weights.get(pick)!;
    routes.set(pick, lo);
    loads.set(hi, loads.get(hi)! - w);
    loads.set(lo, loads.get(lo)! + w);
    movedNow.add(pick);
    moves.push({ region: pick, from: hi, to: lo, reason: MoveReason.rebalance });
  }
}

/** Number of regions per node in a plan's routes (nodes with none included when listed). */
export function regionCounts(routes: Map<string, string | null>, nodes: readonly PlacementNode[] = []): Map<string, number> {
  const out = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const owner of routes.values()) if (owner !== null) out.set(owner, (out.get(owner) ?? 0) + 1);
  return out;
}
