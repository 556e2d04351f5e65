// WAL sequences acknowledged but not applied yet. A region applies writes in the order they were called, each with the
// sequence its append got, and an append sent again (no responders while JetStream recovers) gets a later sequence
// than writes issued after it. A flush must not freeze the memtable while such a write waits at or below the applied
// sequence, or the manifest's flushedSeq would pass a record no segment holds (dropped as flushed, skipped by replay).

export class AckedSeqs {
  /** sequence -> writes holding it (a repeated key's append answers its first sequence) */
  private readonly seqs = new Map<number, number>();

  /** Notes `acked`'s sequence once it resolves; the function returned forgets it (call it once the write applied or failed). */
  track(acked: Promise<{ seq: number }>): () => void {
    let seq: number | null = null;
    acked.then((a) => { seq = a.seq; this.seqs.set(a.seq, (this.seqs.get(a.seq) ?? 0) + 1); }, () => undefined);
    return () => {
      if (seq === null) return;
      const n = (this.seqs.get(seq) ?? 1) - 1;
      if (n > 0) this.seqs.set(seq, n);
      else this.seqs.delete(seq);
      seq = null;
    };
  }

  /** True when some acknowledged, unapplied write holds a sequence at or below `applied`. */
  below(applied: number): boolean {
    for (const s of this.seqs.keys()) if (s <= applied) return true;
    return false;
  }
}
