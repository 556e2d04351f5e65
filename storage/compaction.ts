// Picks compaction jobs: small segments of one time window, contiguous in write order among the segments they overlap.
import type { SegmentMeta } from './types.ts';

function overlaps(a: { minTs: string; maxTs: string }, lo: bigint, hi: bigint): boolean {
  return BigInt(a.minTs) <= hi && BigInt(a.maxTs) >= lo;
}

/**
 * Groups segments by the window of their first timestamp. A merged segment takes the newest input's sequence,
 * so a segment left out of a job must not be newer than some inputs and older than others while sharing time
 * with them: that would flip which version of a row wins. Such a job is cut down to the inputs newer than it.
 */
/** What a segment holds once decoded: 8 bytes a value of each column (strings as dictionary codes and their text), and the op column. */
export function decodedBytesOf(s: SegmentMeta): number {
  return s.rows * (Object.keys(s.columns).length * 8 + 1);
}

/**
 * Cuts a job into consecutive runs (in write order) of at most jobBytes decoded each, so that no job holds more than
 * that in memory; a run of one segment merges nothing and is left out. A consecutive part of a valid job is valid:
 * no segment outside it lies between its first and last in write order.
 */
function cutBySize(job: SegmentMeta[], jobBytes: number): SegmentMeta[][] {
  const out: SegmentMeta[][] = [];
  let cur: SegmentMeta[] = [], bytes = 0;
  for (const s of job) {
    const b = decodedBytesOf(s);
    if (cur.length > 0 && bytes + b > jobBytes) {
      if (cur.length >= 2) out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += b;
  }
  if (cur.length >= 2) out.push(cur);
  return out;
}

export function pickCompactions(segments: SegmentMeta[], windowNs: bigint, maxBytes: number, jobBytes = Infinity): SegmentMeta[][] {
  const groups = new Map<bigint, SegmentMeta[]>();
  for (const s of segments) {
    if (s.bytes > maxBytes) continue;
    const w = BigInt(s.minTs) / windowNs;
    const g = groups.get(w) ?? [];
    g.push(s);
    groups.set(w, g);
  }
  const jobs: SegmentMeta[][] = [];
  for (const group of groups.values()) {
    let set = group.sort((a, b) => a.maxSeq - b.maxSeq);
    while (set.length >= 2) {
      const lo = set.reduce((m, s) => (BigInt(s.minTs) < m ? BigInt(s.minTs) : m), BigInt(set[0]!.minTs));
      const hi = set.reduce((m, s) => (BigInt(s.maxTs) > m ? BigInt(s.maxTs) : m), BigInt(set[0]!.maxTs));
      const first = set[0]!.maxSeq, last = set[set.length - 1]!.maxSeq;
      const inSet = new Set(set);
      let cut = -1;
      for (const s of segments) {
        if (!inSet.has(s) && s.maxSeq > first && s.maxSeq < last && overlaps(s, lo, hi)) cut = Math.max(cut, s.maxSeq);
      }
      if (cut < 0) break;
      set = set.filter((s) => s.maxSeq > cut);
    }
    if (set.length >= 2) jobs.push(...cutBySize(set, jobBytes));
  }
  return jobs;
}
