// Ingest back-pressure: bytes of writes in flight on this node, bounded by --max-inflight-write-bytes.
import { WriteBackPressureError } from '../../core/index.ts';

/** Releases what an admission took; calling it twice releases once. */
export type Release = () => void;

/**
 * Admits a write of n bytes while the bytes in flight stay under the limit (one write is always admitted when none is
 * in flight, so a single write larger than the limit is not refused forever). HTTP refuses at once (tryAcquire: 503
 * with Retry-After); NATS waits its turn (acquire: the request's reply and the buffered consumer wait), first come
 * first served.
 */
export class WriteGate {
  private inflightBytes = 0;
  private readonly waiters: { n: number; resolve: (r: Release) => void }[] = [];
  /** `limit` 0: no limit. `counters` (the node's Metrics) count writes refused and made to wait. */
  constructor(readonly limit: number, private readonly counters: { writesRefused: number; writesWaited: number } = { writesRefused: 0, writesWaited: 0 }) {}

  get inflight(): number {
    return this.inflightBytes;
  }

  private fits(n: number): boolean {
    return this.limit <= 0 || this.inflightBytes === 0 || this.inflightBytes + n <= this.limit;
  }

  private take(n: number): Release {
    this.inflightBytes += n;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inflightBytes -= n;
      this.wake();
    };
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.n)) {
      const w = this.waiters.shift()!;
      w.resolve(this.take(w.n));
    }
  }

  /** Admits now or throws WriteBackPressureError (RateLimited: HTTP 503 with Retry-After). */
  tryAcquire(n: number): Release {
    if (this.waiters.length === 0 && this.fits(n)) return this.take(n);
    this.counters.writesRefused++;
    throw new WriteBackPressureError(this.inflightBytes, this.limit);
  }

  /** Admits when there is room, after the writes already waiting. */
  acquire(n: number): Promise<Release> {
    if (this.waiters.length === 0 && this.fits(n)) return Promise.resolve(this.take(n));
    this.counters.writesWaited++;
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}
