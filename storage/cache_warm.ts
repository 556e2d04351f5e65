// Fills the decoded-column cache with the newest segments ahead of the queries, so the first ones after a restart or
// a flush read decoded columns instead of decompressing and decoding pages (60-280 ms of a restarted node's first
// queries; a cold single-host query paid ~1.5-2 ms more CPU than a warm one).
import { OP_COLUMN } from './ops.ts';
import type { RegionStore } from './region_store.ts';

export interface WarmOptions {
  /** Stop once the cache holds this many bytes (the node gives an eighth of its budget: warming never evicts what scans use). */
  upToBytes: number;
  /** Awaited after each row group: the caller yields the event loop there, so queries run between the decodes. */
  between: () => Promise<void>;
  /** Only these segment files (a flush's new one); default every segment. */
  files?: readonly string[];
  /** Stops the warm-up (the region closes). */
  stopped?: () => boolean;
}

/** Decodes row groups, the newest segment (highest WAL sequence) first, while the cache has room; answers how many. */
export async function warmCache(store: RegionStore, o: WarmOptions): Promise<number> {
  const cache = store.cache;
  if (cache.budgetBytes === 0) return 0;
  const wanted = o.files ? new Set(o.files) : null;
  const newest = store.segments.filter((s) => !wanted || wanted.has(s.file)).sort((a, b) => b.maxSeq - a.maxSeq);
  let warmed = 0;
  for (const seg of newest) {
    // a segment written as one record batch by older builds has no group list: one group
    const groups = seg.groups?.length ?? 1;
    for (let g = 0; g < groups; g++) {
      if (o.stopped?.() || cache.bytes >= o.upToBytes) return warmed;
      // compacted or expired meanwhile: its file is going, and its rows are in a newer segment
      if (!store.segments.some((s) => s.file === seg.file)) break;
      // every column, as a scan of the group keeps it (a query's projection then finds its columns whatever it is)
      const names = [...store.schema.columns.map((c) => c.name), OP_COLUMN];
      await store.pinned([seg], () => store.readSegment(seg, names, [g]));
      warmed++;
      await o.between();
    }
  }
  return warmed;
}
