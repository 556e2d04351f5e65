// Group commit for Prometheus remote write: requests that arrive while earlier groups' region writes are in flight are
// built into one batch, written with one WAL append per region and one memtable apply, and each answered when that
// shared write is durable (or failed with it).
import type { PromBatch } from '../../core/codec/prometheus/physical_batch.ts';
import type { ReadRequest } from '../../core/codec/prometheus/request_decoder.ts';

/**
 * Groups whose writes are not done yet; the next group waits (gathering requests) while this many are. One in flight
 * made the biggest groups, but on a CPU-starved machine (load ~29) the node then sat out each ack it was scheduled
 * late for (fewer samples/s than main in 4 of 4 alternations); two keep the WAL pipelined.
 */
export const GROUPS_IN_FLIGHT = 2;
/** A group is sealed once it holds this many samples (a WAL record of a few hundred KB). */
export const GROUP_MAX_SAMPLES = 32_768;

/** A group ready to be written: its batch, and each request's payload and samples in arrival order. */
export interface SealedGroup {
  db: string;
  physicalTable: string;
  batch: PromBatch;
  /** The requests' payloads (a group that cannot take the fast path is written request by request from them). */
  payloads: Uint8Array[];
  samples: number[];
}

export interface PromGroupIO {
  /** Reads a request (throws a 400-class error on bad input); `beforeClear` runs first when the read voids earlier ones. */
  read(data: Uint8Array, beforeClear: () => void): ReadRequest;
  build(reqs: readonly ReadRequest[]): PromBatch;
  /** Takes the group's place in the write path's order now; one promise per request (its samples once durable). */
  write(g: SealedGroup): Promise<number>[];
}

interface Waiter {
  resolve: (n: number) => void;
  reject: (e: unknown) => void;
}

interface OpenGroup {
  key: string;
  db: string;
  physicalTable: string;
  reqs: ReadRequest[];
  payloads: Uint8Array[];
  waiters: Waiter[];
  samples: number;
}

interface Ready {
  group: SealedGroup | null;
  error: unknown;
  waiters: Waiter[];
}

/**
 * While fewer than `maxInFlight` groups are being written, a request is written at once (alone: no wait at low load);
 * otherwise it joins the open group, which is written, in arrival order, when a group in flight is done. One group
 * holds requests of one database and physical table, of one series-table generation, up to `maxSamples`.
 */
export class PromGroups {
  private open: OpenGroup | null = null;
  private readonly ready: Ready[] = [];
  private inFlight = 0;

  constructor(
    private readonly io: PromGroupIO,
    private readonly maxInFlight = GROUPS_IN_FLIGHT,
    private readonly maxSamples = GROUP_MAX_SAMPLES,
  ) {}

  /** Reads the request now (a bad one is refused alone) and answers it once its group's write is durable. */
  add(db: string, physicalTable: string, data: Uint8Array): Promise<number> {
    const key = `${db}\u0000${physicalTable}`;
    if (this.open && this.open.key !== key) this.seal();
    let r: ReadRequest;
    try {
      r = this.io.read(data, () => this.seal());
    } catch (e) {
      return Promise.reject(e);
    }
    if (r.dec.samples === 0) return Promise.resolve(0);
    const g = (this.open ??= { key, db, physicalTable, reqs: [], payloads: [], waiters: [], samples: 0 });
    const answer = new Promise<number>((resolve, reject) => g.waiters.push({ resolve, reject }));
    g.reqs.push(r);
    g.payloads.push(data);
    g.samples += r.dec.samples;
    if (g.samples >= this.maxSamples) this.seal();
    this.pump();
    return answer;
  }

  /** Builds the open group's batch now (before the series table is cleared, or when it is full or another table's). */
  private seal(): void {
    const g = this.open;
    if (!g) return;
    this.open = null;
    try {
      const batch = this.io.build(g.reqs);
      this.ready.push({ group: { db: g.db, physicalTable: g.physicalTable, batch, payloads: g.payloads, samples: g.reqs.map((r) => r.dec.samples) }, error: undefined, waiters: g.waiters });
    } catch (e) {
      this.ready.push({ group: null, error: e, waiters: g.waiters });
    }
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight) {
      if (this.ready.length === 0) {
        if (!this.open) return;
        this.seal();
      }
      const { group, error, waiters } = this.ready.shift()!;
      if (!group) {
        for (const w of waiters) w.reject(error);
        continue;
      }
      this.inFlight++;
      let results: Promise<number>[];
      try {
        results = this.io.write(group);
      } catch (e) {
        results = waiters.map(() => Promise.reject(e));
      }
      results.forEach((p, k) => p.then(waiters[k]!.resolve, waiters[k]!.reject));
      void Promise.allSettled(results).then(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }
}
