// Ingest back-pressure: bytes of writes in flight on this node (--max-inflight-write-bytes) and the memory budget's room.
import { MemoryBackPressureError, WriteBackPressureError, type WriteBatch } from '../../core/index.ts';

/** Releases what an admission took; calling it twice releases once. */
export type Release = () => void;

/** The memory budget as the gate sees it (actors/runtime/memory_budget.ts). */
export interface GateMemory {
  /** Bytes left in the writes' share once memtables (taking writes and being flushed) are counted. */
  room(): number;
  readonly writeLimitBytes: number;
  /** Flushes the largest memtables when they hold more than their share. */
  relieve(): void;
  /** Calls fn when memory may have been freed (a flush ended). */
  onFreed(fn: () => void): () => void;
}

/** While writes wait on memory, the budget is asked again this often (a flush a busy region could not take then). */
const MEMORY_RECHECK_MS = 250;

/**
 * Admits a write of n bytes while the bytes in flight stay under the limit and, with a memory budget, while the
 * memtables leave room for them (one write is always admitted when none is in flight and the memtables are under
 * their share, so a single write larger than the limit is not refused forever). HTTP refuses at once (tryAcquire:
 * 503 with Retry-After); NATS waits its turn (acquire: the request's reply and the buffered consumer wait), first
 * come first served; waiting is bounded too: past `maxWaitingBytes` of waiting payloads a NATS write is refused.
 */
export class WriteGate {
  private inflightBytes = 0;
  private waitingBytes = 0;
  private readonly waiters: { n: number; resolve: (r: Release) => void }[] = [];
  private recheck: NodeJS.Timeout | null = null;
  /** `limit` 0: no limit. `counters` (the node's Metrics) count writes refused and made to wait. */
  constructor(
    readonly limit: number,
    private readonly counters: { writesRefused: number; writesWaited: number } = { writesRefused: 0, writesWaited: 0 },
    private readonly memory: GateMemory | null = null,
  ) {
    memory?.onFreed(() => this.wake());
  }

  get inflight(): number {
    return this.inflightBytes;
  }

  /** Payload bytes of the writes waiting for room. */
  get waiting(): number {
    return this.waitingBytes;
  }

  /** Most payload bytes that may wait for room (a NATS write past it is refused): a quarter of the writes' memory share. */
  get maxWaitingBytes(): number {
    return this.memory ? Math.floor(this.memory.writeLimitBytes / 4) : Infinity;
  }

  private fitsMemory(n: number): boolean {
    if (!this.memory) return true;
    const room = this.memory.room();
    return room > 0 && (this.inflightBytes === 0 || this.inflightBytes + n <= room);
  }

  private fits(n: number): boolean {
    const inflightOk = this.limit <= 0 || this.inflightBytes === 0 || this.inflightBytes + n <= this.limit;
    return inflightOk && this.fitsMemory(n);
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
      this.waitingBytes -= w.n;
      w.resolve(this.take(w.n));
    }
    this.watch();
  }

  /** Writes waiting on memory: ask the budget to flush now and then, until they are admitted (a flush wakes them). */
  private watch(): void {
    if (this.waiters.length === 0 || !this.memory) {
      if (this.recheck) clearInterval(this.recheck);
      this.recheck = null;
      return;
    }
    if (this.recheck) return;
    this.recheck = setInterval(() => {
      this.memory!.relieve();
      this.wake();
    }, MEMORY_RECHECK_MS);
    this.recheck.unref();
  }

  private refusal(n: number): Error {
    this.counters.writesRefused++;
    if (this.memory && !this.fitsMemory(n)) {
      return new MemoryBackPressureError(this.memory.writeLimitBytes - this.memory.room() + this.inflightBytes, this.memory.writeLimitBytes);
    }
    return new WriteBackPressureError(this.inflightBytes, this.limit);
  }

  /** Admits now or throws WriteBackPressureError / MemoryBackPressureError (RateLimited: HTTP 503 with Retry-After). */
  tryAcquire(n: number): Release {
    const r = this.admitNow(n);
    if (r) return r;
    throw this.refusal(n);
  }

  /** True when a small write would be admitted now (nothing waits and memory has room). */
  hasRoom(): boolean {
    return this.waiters.length === 0 && this.fits(1);
  }

  /** Admits now, or null (nothing counted) when the write would have to wait: the caller stops its producer, then acquire()s. */
  admitNow(n: number): Release | null {
    if (this.waiters.length === 0 && this.fits(n)) return this.take(n);
    this.memory?.relieve();
    return null;
  }

  /**
   * Admits when there is room, after the writes already waiting. When the payloads already waiting reach
   * maxWaitingBytes, the write is refused at once (same errors as tryAcquire): waiting must not grow memory either.
   * `mayRefuse: false` (the buffered consumer, whose pulls are bounded already) always waits.
   */
  acquire(n: number, opts: { mayRefuse?: boolean } = {}): Promise<Release> {
    if (this.waiters.length === 0 && this.fits(n)) return Promise.resolve(this.take(n));
    this.memory?.relieve();
    if (opts.mayRefuse !== false && this.memory && this.waitingBytes > 0 && this.waitingBytes + n > this.maxWaitingBytes) {
      // refused for the memory the waiting payloads hold (the in-flight limit may not be what stopped them)
      this.counters.writesRefused++;
      const m = this.memory;
      return Promise.reject(new MemoryBackPressureError(m.writeLimitBytes - m.room() + this.inflightBytes + this.waitingBytes, m.writeLimitBytes));
    }
    this.counters.writesWaited++;
    this.waitingBytes += n;
    const p = new Promise<Release>((resolve) => this.waiters.push({ n, resolve }));
    this.watch();
    return p;
  }

  /** acquire(), or null once `cancel` resolves first (the caller stops): an admission that comes later is given back at once. */
  async acquireUntil(n: number, cancel: Promise<unknown>, opts: { mayRefuse?: boolean } = {}): Promise<Release | null> {
    const p = this.acquire(n, opts);
    const r = await Promise.race([p, cancel.then(() => null)]);
    if (r === null) p.then((release) => release(), () => undefined);
    return r;
  }

  /** Stops the memory recheck (the node stops). */
  close(): void {
    if (this.recheck) clearInterval(this.recheck);
    this.recheck = null;
  }
}

/** Rough bytes a batch holds (typed arrays, strings at 2 bytes a character plus a slot): what a write without a payload is admitted for. */
export function batchBytes(batches: readonly WriteBatch[]): number {
  let n = 0;
  for (const b of batches) {
    for (const c of b.columns) {
      n += c.valid?.byteLength ?? 0;
      if (Array.isArray(c.values)) for (const v of c.values) n += 8 + (v === null ? 0 : 2 * v.length);
      else n += c.values.byteLength;
      if (c.dict) for (const v of c.dict) n += 8 + 2 * v.length;
    }
  }
  return n;
}

/**
 * A writer of whole batches (a flow's sink) admitted through the gate: it waits for room as the buffered consumer does
 * (never refused; the flow's WAL consumer is what falls behind, and catches up once a flush frees memory).
 */
export function gatedWriter<W extends { write(db: string, batches: WriteBatch[]): Promise<number> }>(w: W, gate: WriteGate): { write(db: string, batches: WriteBatch[]): Promise<number> } {
  return {
    async write(db, batches) {
      const release = await gate.acquire(batchBytes(batches), { mayRefuse: false });
      try {
        return await w.write(db, batches);
      } finally {
        release();
      }
    },
  };
}
