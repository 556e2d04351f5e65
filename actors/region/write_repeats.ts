// A region's idempotent writes: which keys' appends went unanswered, and a repeat found in the WAL applied if it is not in the memtable.
import { EddyError, StatusCode, decodeBatches } from '../../core/index.ts';
import type { RegionStore } from '../../storage/index.ts';
import type { Wal } from '../runtime/wal.ts';

/** Unanswered keys kept: a resend comes within the router's deadline or the WAL's duplicate window, or not at all. */
const MAX_UNSURE = 10_000;

export class WriteRepeats {
  /** Idempotency keys whose append failed here without an answer: stored or not, their rows are not in the memtable. */
  private readonly unsure = new Set<string>();

  constructor(private readonly regionId: string, private readonly wal: Wal, private readonly log: (m: string) => void) {}

  /**
   * The append's outcome (or its confirmation's); one that fails (no PubAck: stored or not, unknown; or stored but not
   * confirmed) leaves its key marked for a resend: its rows are not in the memtable.
   */
  async outcome<T>(acked: Promise<T>, key: string | undefined): Promise<T> {
    try {
      return await acked;
    } catch (e) {
      if (key !== undefined) {
        this.unsure.add(key);
        if (this.unsure.size > MAX_UNSURE) this.unsure.delete(this.unsure.values().next().value!);
      }
      throw e;
    }
  }

  /**
   * An append resent after an unanswered attempt found its key stored at `seq`: past `issuedAt` (the store's last
   * applied sequence when the write was issued) it is that attempt's record, in no memtable yet.
   */
  resent(key: string, seq: number, issuedAt: number): void {
    if (seq > issuedAt) this.unsure.add(key);
  }

  /**
   * A repeat of a write the WAL already holds at `seq`. Its rows are in the memtable already (applied by this host, or
   * by the replay or catch-up that read it) unless its sequence is past what the store applied or its first append
   * failed here without an answer: then the record is read back and applied now, so an acknowledged write is never in
   * the WAL only.
   */
  async applyRepeat(store: RegionStore, key: string, seq: number): Promise<void> {
    const missed = this.unsure.delete(key);
    if (!missed && seq <= store.appliedSeq) {
      this.log(`region ${this.regionId}: write ${key} is already in the WAL (seq ${seq}); not applied again`);
      return;
    }
    const rec = seq > store.flushedSeq ? await this.wal.read(seq) : null;
    if (!rec) throw new EddyError(StatusCode.StorageUnavailable, `region ${this.regionId}: write ${key} is in the WAL at sequence ${seq} but not in the memtable, and its record is gone; write it again`);
    for (const b of decodeBatches(rec.data)) {
      if (rec.op === 'delete') store.delete(b, seq);
      else store.apply(b, seq);
    }
    this.log(`region ${this.regionId}: write ${key} found in the WAL (seq ${seq}) after its first answer was lost; applied from there`);
  }
}
