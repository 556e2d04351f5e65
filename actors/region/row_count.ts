// A region's row count for stats: exact (a scan, cached while the region is unchanged) or, while writes stream in, cheap.
import type { RegionStats } from '../../storage/index.ts';

export class RowCounter {
  /** Writes submitted and not yet applied, and when the last one was. */
  pending = 0;
  lastWriteAt = 0;
  private counted: { key: string; rows: number; at: number } | null = null;

  /**
   * Rows visible to scans. Exact when asked, or when writes have paused (a scan, cached until the region changes);
   * while writes stream in (one in flight or one in the last 250 ms), the rows applied so far (cheap, but an
   * overwritten or deleted row counts until a flush dedups it), marked exact: false.
   */
  async count(exact: boolean, now: number, stats: () => RegionStats, scanRows: () => Promise<number>): Promise<{ rows: number; exact: boolean }> {
    const st = stats();
    const key = `${st.lastSeq}/${st.flushedSeq}/${st.memRows}/${st.flushingRows}/${st.segments}/${st.segmentRows}`;
    // Bounded age: TTL expiry changes the count without any write.
    if (this.counted !== null && this.counted.key === key && now - this.counted.at < 1000) return { rows: this.counted.rows, exact: true };
    if (!exact && (this.pending > 0 || now - this.lastWriteAt < 250)) return { rows: st.memRows + st.flushingRows + st.segmentRows, exact: false };
    const rows = await scanRows();
    if (stats().lastSeq === st.lastSeq) this.counted = { key, rows, at: now };
    return { rows, exact: true };
  }
}
