// A region's row count for count(*): exact by a key-only scan when writes pause, cheap (applied rows) while they stream in.
import type { RecordBatch } from 'apache-arrow';
import type { RegionStore, ScanRequest } from '../../storage/index.ts';

export class RowCounter {
  private pending = 0;
  private lastWriteAt = 0;
  private counted: { key: string; rows: number; at: number } | null = null;

  /** A write began; `ended` once it settled (answered or failed). */
  began(): void {
    this.pending++;
  }

  ended(now: number): void {
    this.pending--;
    this.lastWriteAt = now;
  }

  /**
   * Rows visible to scans. Exact when asked, or when writes have paused (a scan, cached until the
   * region changes); while writes stream in (one in flight or one in the last 250 ms), the rows applied so far (cheap, but an overwritten or
   * deleted row counts until a flush dedups it), marked exact: false.
   */
  async count(store: RegionStore, scan: (req: ScanRequest) => Promise<RecordBatch[]>, now: number, exact: boolean): Promise<{ rows: number; exact: boolean }> {
    const st = store.stats();
    const key = `${st.lastSeq}/${st.flushedSeq}/${st.memRows}/${st.flushingRows}/${st.segments}/${st.segmentRows}`;
    // Bounded age: TTL expiry changes the count without any write.
    if (this.counted !== null && this.counted.key === key && now - this.counted.at < 1000) return { rows: this.counted.rows, exact: true };
    if (!exact && (this.pending > 0 || now - this.lastWriteAt < 250)) return { rows: st.memRows + st.flushingRows + st.segmentRows, exact: false };
    let rows = 0;
    for (const b of await scan({ columns: [] })) rows += b.numRows;
    const after = store.stats();
    if (after.lastSeq === st.lastSeq) this.counted = { key, rows, at: now };
    return { rows, exact: true };
  }
}
