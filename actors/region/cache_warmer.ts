// Warms the decoded-column cache with a region's new segments in the background (storage/cache_warm.ts): once the
// region serves (a restart's segments) and after each flush (the new one), one run at a time, never during a query's
// turn of the event loop for more than one row group.
import { warmCache, type RegionStore } from '../../storage/index.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CacheWarmer {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Segments warmed (or passed over once the cache held an eighth of its budget): a later run takes only newer ones. */
  private readonly seen = new Set<string>();

  constructor(private readonly store: () => RegionStore | null, private readonly log: (msg: string) => void) {}

  /** New segments may be there: warm them after the run in progress, if any. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.running = this.run().catch((e) => this.log(`cache warm-up failed: ${(e as Error).message}`)).finally(() => { this.running = null; });
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      const s = this.store();
      if (!s) return;
      const files = s.segments.map((m) => m.file).filter((f) => !this.seen.has(f));
      if (files.length === 0) continue;
      for (const f of files) this.seen.add(f);
      // an eighth of the cache at most (64 MiB of the default 512): what queries put there is never evicted for a
      // guess at what they will read, and the node's resident memory after a flush stays near what ingest needs
      await warmCache(s, { upToBytes: s.cache.budgetBytes / 8, between: turn, files, stopped: () => this.stopped });
    } while (this.again && !this.stopped);
  }

  /** Ends the warm-up (the region closes): resolves once the row group in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
