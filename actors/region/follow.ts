// Pure: what a datanode's supervisor does next to run exactly the regions routed to it.
import { reconcile } from '../meta/route_table.ts';

export interface FollowState {
  /** Region ids the routes assign to this node. */
  routed: Iterable<string>;
  /** Open and serving here. */
  running: Iterable<string>;
  /** Being opened (WAL replay) here. */
  opening: Iterable<string>;
  /** Being flushed and closed here. */
  closing: Iterable<string>;
  /** Regions of dropped tables, never reopened. */
  dropped: ReadonlySet<string>;
}

/**
 * Opens what is routed here and neither running, opening nor still closing (a region routed away and back is
 * reopened only once its close finished, so two copies never overlap); closes what runs here but is routed elsewhere.
 * A region routed away while it opens is closed by the next decision, once it is running.
 */
export function followDecisions(s: FollowState): { open: string[]; close: string[] } {
  const busy = new Set([...s.opening, ...s.closing]);
  const routed = [...s.routed].filter((r) => !s.dropped.has(r));
  const { open, close } = reconcile(routed, [...s.running, ...s.opening]);
  return { open: open.filter((r) => !busy.has(r)), close: close.filter((r) => !busy.has(r)) };
}
