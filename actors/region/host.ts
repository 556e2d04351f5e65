// Hosts one Region actor: wires its machine to the WAL (JetStream), the RegionStore (storage/) and its NATS subjects.
import { rm } from 'node:fs/promises';
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import type { Subscription } from '@nats-io/transport-node';
import {
  EddyError, StatusCode, Subjects, encodeBatches, withIndexReport,
  type TableSchema, type WriteBatch,
} from '../../core/index.ts';
import { ManifestConflictError, RegionStore, type IndexStatus, type ScanRequest, type SegmentMirror } from '../../storage/index.ts';
import type { WireRel } from '../../core/query/index.ts';
import type { RecordBatch } from 'apache-arrow';
import { regionMachine, ACCEPTING, READABLE } from './machine.ts';
import { Wal } from '../runtime/wal.ts';
import { SHARED_WAL, type WalStreams } from '../runtime/wal_streams.ts';
import { RegionFencedError, WalTerm } from '../runtime/wal_fence.ts';
import { natsLinkOf } from '../runtime/nats_link.ts';
import { WriteRepeats } from './write_repeats.ts';
import { workloadStats } from '../index/workload_wire.ts';
import { IndexBuilder } from '../index/builder.ts';
import { aggregateRegion, answerRegionOp } from './handle_ops.ts';
import { RowCounter } from './row_count.ts';
import type { RegionHostDeps } from './host_deps.ts';
import { CacheWarmer } from './cache_warmer.ts';
import { AckedSeqs } from './acked_seqs.ts';
import { RegionFlushes } from './host_flush.ts';

export type { RegionHostDeps } from './host_deps.ts';

export class RegionHost {
  readonly regionId: string;
  private store: RegionStore | null = null;
  private readonly wal: Wal;
  private readonly walStreams: WalStreams;
  /** Cluster: this leader's term on the WAL (null standalone). */
  private readonly term: WalTerm | null;
  private fencedFlag = false;
  private readonly repeats: WriteRepeats;
  private readonly actor: Actor<typeof regionMachine>;
  private applyChain: Promise<void> = Promise.resolve();
  /** Acknowledged, unapplied WAL sequences: a flush waits while one is below the applied one (acked_seqs.ts). */
  private readonly ackedUnapplied = new AckedSeqs();
  private sub: Subscription | null = null;
  /** Flushes, their failure and the memtable's age. */
  private readonly flushes: RegionFlushes;
  private schemaNow: TableSchema;
  private timers: NodeJS.Timeout[] = [];

  private readonly mirror: SegmentMirror | undefined;
  /** Decodes new segments into the decoded cache ahead of the queries (null: `--cache-warm=false`). */
  private readonly warmer: CacheWarmer | null;
  /** Builds the segments' index files after open, flush, compaction and index DDL (actors/index/). */
  private indexBuilder: IndexBuilder | null = null;

  constructor(private readonly deps: RegionHostDeps) {
    this.regionId = deps.regionId;
    this.mirror = deps.shared?.forRegion(deps.regionId);
    this.schemaNow = deps.schema;
    this.walStreams = deps.walStreams ?? SHARED_WAL;
    const stream = this.walStreams.name(deps.regionId);
    this.term = deps.fencing ? new WalTerm(deps.js, deps.jsm, deps.regionId, stream) : null;
    this.wal = new Wal(deps.js, deps.jsm, deps.regionId, natsLinkOf(deps.nc), this.term ?? undefined, stream);
    this.repeats = new WriteRepeats(deps.regionId, this.wal, deps.log);
    this.warmer = deps.cacheWarm === false ? null : new CacheWarmer(() => this.store, (m) => deps.log(`region ${deps.regionId}: ${m}`));
    this.flushes = new RegionFlushes({
      deps, wal: this.wal, term: this.term, store: () => this.store!, fenced: (e) => this.fenced(e),
      outOfOrder: () => this.ackedUnapplied.below(this.store!.appliedSeq),
      applied: () => this.applyChain,
      flushed: () => { this.indexBuilder?.notify(); this.warmer?.kick(); }, freed: () => this.freed(),
    });
    const machine = regionMachine.provide({
      actors: {
        open: fromPromise(async () => {
          // A cluster region's own WAL stream exists before its first mark or record (a candidate finds it made).
          await this.walStreams.ensure(deps.regionId);
          // A leader's term starts before it reads the shared files: an older leader cannot commit a flush after that.
          if (this.term && !deps.candidate) await this.term.claim();
          this.store = await RegionStore.open({
            dir: deps.dir, regionId: deps.regionId, schema: this.schemaNow, clock: deps.clock, compression: 'zstd', mirror: this.mirror, readOnlyMirror: deps.candidate === true,
            ...(deps.memory ? { compactionJobBytes: deps.memory.compactionJobBytes } : {}),
          });
          this.indexBuilder = new IndexBuilder(deps.regionId, () => this.store!, deps.log);
          // A candidate builds no index files until it owns the region: the leader may still be writing the shared store.
          if (!deps.candidate) this.indexBuilder.notify();
        }),
        replay: fromPromise(async () => this.replay()),
        flush: fromPromise(async () => this.flushes.run()),
        compact: fromPromise(async () => {
          try {
            await this.store!.compact().catch((e) => this.fenced(e));
          } finally {
            this.freed();
          }
          deps.metrics.compactions++;
          this.indexBuilder?.notify();
        }),
        close: fromPromise(async () => {
          await this.applyChain;
          await this.flushes.settled();
          await this.warmer?.stop();
          await this.indexBuilder?.stop();
          await this.store?.close();
        }),
      },
    });
    this.actor = createActor(machine, { input: { regionId: deps.regionId, candidate: deps.candidate === true } });
  }

  get schema(): TableSchema { return this.schemaNow; }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  /** Opens the store, replays the WAL, subscribes to the region's subjects; resolves when serving (a candidate: when caught up to the WAL). */
  async start(): Promise<void> {
    this.actor.start();
    const snap = await waitFor(this.actor, (s) => s.matches('serving') || s.matches('candidate') || s.matches('failed'), { timeout: 600_000 });
    if (snap.matches('failed')) throw new EddyError(StatusCode.StorageUnavailable, `region ${this.regionId} failed to open: ${snap.context.lastError}`);
    if (snap.matches('serving')) this.serve();
  }

  /** Answers the region's subjects and starts the flush and compaction timers. */
  private serve(): void {
    this.sub = this.deps.nc.subscribe(Subjects.regionAll(this.regionId), { callback: (err, msg) => { if (!err) void answerRegionOp(this, msg, this.deps.maxChunkBytes); } });
    if (this.store!.memRows > 0) this.flushes.dirtySince = this.deps.clock.now();
    this.warmer?.kick();
    const every = (ms: number | undefined, fn: () => void) => {
      if (ms && ms > 0) {
        const t = setInterval(fn, Math.max(1000, Math.min(ms, 60_000)));
        t.unref();
        this.timers.push(t);
      }
    };
    every(this.deps.flushIntervalMs, () => this.flushIfOld());
    let lastCompact = this.deps.clock.now();
    every(this.deps.compactIntervalMs, () => {
      if (this.deps.clock.now() - lastCompact < this.deps.compactIntervalMs!) return;
      lastCompact = this.deps.clock.now();
      if (this.held) return;
      if (this.actor.getSnapshot().matches('serving')) this.actor.send({ type: 'region.compact.requested' });
    });
  }

  /** Time-based flush: a memtable older than flushIntervalMs goes to a segment (and the WAL is purged). */
  private flushIfOld(): void {
    if (this.held || !this.flushes.old) return;
    if (this.actor.getSnapshot().matches('serving')) this.actor.send({ type: 'region.flush.requested' });
  }

  private async replay(): Promise<number> {
    const rows = await this.applyWal(this.store!.flushedSeq);
    if (rows > 0) this.deps.log(`region ${this.regionId}: replayed ${rows} rows from the WAL`);
    return rows;
  }

  private accepting(): boolean {
    if (this.fencedFlag) return false;
    const s = this.actor.getSnapshot();
    return ACCEPTING.some((st) => s.matches(st));
  }

  /** Adopts a newer schema (added columns) before a write that uses it. */
  ensureSchema(schema: TableSchema): void {
    if (schema.version > this.schemaNow.version) {
      this.schemaNow = schema;
      this.store?.alterSchema(schema);
      this.indexBuilder?.notify();
    }
  }

  /**
   * Appends the batches to the WAL and applies them to the memtable in WAL order. Returns the rows
   * written once they are durable. The WAL publish is issued synchronously so that callers'
   * order is kept; several writes are in flight at once. `sourceId` (the source message's identity, e.g. a buffered
   * ingest message's stream and sequence) makes the write idempotent: a repeat that JetStream recognises as already in
   * the WAL (redelivered after a crash, its rows applied then or by replay) is answered without applying it again.
   */
  write(batches: WriteBatch[], sourceId?: string, encoded?: Uint8Array): Promise<number> {
    if (!this.accepting()) {
      return Promise.reject(new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is ${this.state}, not taking writes`));
    }
    // The memtable cannot reach disk: take nothing more into it, and try the flush again (at most once a second).
    const refused = this.flushes.refusal(() => {
      if (!this.actor.getSnapshot().matches('serving')) return false;
      this.actor.send({ type: 'region.flush.requested' });
      return true;
    });
    if (refused) return Promise.reject(refused);
    const rows = batches.reduce((n, b) => n + b.rows, 0);
    // A repeat of a keyed write a flush already took (its WAL record purged, and with it JetStream's memory of the key):
    // answered, not appended and applied a second time (storage/sourced.ts).
    if (sourceId !== undefined && this.store!.sourced.has(sourceId)) {
      this.deps.log?.(`region ${this.regionId}: write ${sourceId} is already in a segment; not applied again`);
      return Promise.resolve(rows);
    }
    const record = encoded ?? encodeBatches(batches); // a remote write's bytes are its WAL record as received
    const issuedAt = this.store!.appliedSeq;
    const acked = this.wal.append(record, 'put', sourceId);
    acked.catch(() => undefined); // awaited in the chain, maybe after it failed (the connection dropped)
    const forget = this.ackedUnapplied.track(acked);
    // Confirmed as soon as acked, outside the chain: confirmations of writes acked together share one read.
    const confirmed = this.term ? acked.then((a) => (a.duplicate ? undefined : this.term!.confirm(a.seq))) : null;
    confirmed?.catch(() => undefined);
    this.counter.began();
    const applied = this.applyChain.then(() => applyAcked().finally(forget));
    const applyAcked = async (): Promise<number> => {
      let { seq, duplicate, resent } = await this.repeats.outcome(acked, sourceId);
      if (resent) this.repeats.resent(sourceId!, seq, issuedAt);
      if (duplicate && (await this.staleRepeat(seq))) {
        // The key's first append was a stale leader's, refused then: this term writes it for real, under its own key.
        ({ seq, duplicate } = await this.wal.append(record, 'put', `${sourceId!}#${this.term!.term}`));
        if (!duplicate) await this.term!.confirm(seq).catch((e) => this.fenced(e));
      } else if (confirmed) await this.repeats.outcome(confirmed, sourceId).catch((e) => this.fenced(e));
      if (duplicate) {
        await this.repeats.applyRepeat(this.store!, sourceId!, seq);
        if (seq > this.store!.flushedSeq) this.store!.sourced.note(sourceId!, seq, this.deps.clock.now());
        return rows;
      }
      const before = this.store!.memBytes;
      for (const b of batches) this.store!.apply(b, seq);
      if (sourceId !== undefined) this.store!.sourced.note(sourceId, seq, this.deps.clock.now());
      this.deps.memory?.applied(this.store!.memBytes - before);
      if (this.deps.publishChanges) {
        for (const b of batches) if (this.deps.publishChanges === true || this.deps.publishChanges(this.schemaNow.db, b.table)) this.deps.nc.publish(Subjects.changes(this.schemaNow.db, b.table), batches.length === 1 ? record : encodeBatches([b]));
      }
      this.deps.metrics.rowsWritten += rows;
      this.rowsTotal += rows;
      this.flushes.dirtied();
      this.maybeFlush();
      return rows;
    };
    this.applyChain = applied.then(() => undefined, () => undefined);
    void this.applyChain.then(() => this.counter.ended(this.deps.clock.now()));
    return applied;
  }

  private readonly counter = new RowCounter();

  /** Rows visible to scans (see RowCounter.count). */
  rowCount(exact = false): Promise<{ rows: number; exact: boolean }> {
    return this.counter.count(this.store!, (req) => this.scan(req), this.deps.clock.now(), exact);
  }

  /** Deletes rows by key (tag columns + time index): a WAL record, then tombstones in the memtable. */
  delete(batch: WriteBatch): Promise<number> {
    if (!this.accepting()) {
      return Promise.reject(new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is ${this.state}, not taking deletes`));
    }
    if (this.schemaNow.options.appendMode) {
      return Promise.reject(new EddyError(StatusCode.InvalidArguments, `DELETE is not allowed on append-mode table ${this.schemaNow.name}`));
    }
    const acked = this.wal.append(encodeBatches([batch]), 'delete');
    acked.catch(() => undefined);
    const confirmed = this.term ? acked.then((a) => this.term!.confirm(a.seq)) : null;
    confirmed?.catch(() => undefined);
    const applied = this.applyChain.then(async () => {
      const { seq } = await acked;
      if (confirmed) await confirmed.catch((e) => this.fenced(e));
      this.store!.delete(batch, seq);
      this.flushes.dirtied();
      return batch.rows;
    });
    this.applyChain = applied.then(() => undefined, () => undefined);
    return applied;
  }

  /** A repeat whose WAL record a stale leader appended (after a newer term began): it is not in any memtable. */
  private async staleRepeat(seq: number): Promise<boolean> {
    const rec = this.term ? await this.wal.read(seq) : null;
    return rec !== null && (await this.term!.staleRecord(rec.term, seq));
  }

  /** A newer leader ended this term: stop answering, take nothing more, let the supervisor close the region (unflushed). */
  private fenced(e: unknown): never {
    if ((e instanceof RegionFencedError || e instanceof ManifestConflictError) && !this.fencedFlag) {
      this.fencedFlag = true;
      this.deps.log(`region ${this.regionId}: ${e.message}; this node stops serving it`);
      void this.retire();
      this.deps.onFenced?.(this.regionId);
    }
    throw e;
  }

  /** True once a newer leader ended this node's term for the region. */
  get isFenced(): boolean {
    return this.fencedFlag;
  }

  /** The region's own bound (--flush-bytes); the node's memory budget may ask for a flush sooner (requestFlush). */
  private maybeFlush(): void {
    if (this.store!.memBytes >= this.deps.flushBytes) this.requestFlush();
  }

  /** Bytes of the memtable taking writes, and of memtables being flushed (the memory budget's view). */
  get memBytes(): number { return this.store?.memBytes ?? 0; }
  get flushingBytes(): number { return this.store?.flushingBytes ?? 0; }

  /** The memory budget asks for a flush (largest memtable first); false when the region cannot take it now. */
  requestFlush(): boolean {
    if (this.held || !this.store || this.store.memRows === 0 || !this.actor.getSnapshot().matches('serving')) return false;
    this.actor.send({ type: 'region.flush.requested' });
    return true;
  }

  /** A flush or compaction ended (memory was freed, and a flush the budget asked for meanwhile may run now); after the state settles. */
  private freed(): void { if (this.deps.memory) setImmediate(() => this.deps.memory?.released()); }

  /** Flushes the memtable to a segment and waits for it (including a flush already running). */
  async flush(): Promise<void> {
    if (this.held) throw new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is migrating: its files stay as they are until the move ends`);
    await this.applyChain;
    for (;;) {
      const s = this.actor.getSnapshot();
      if (s.matches('serving')) break;
      if (!ACCEPTING.some((st) => s.matches(st))) throw new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is ${this.state}`);
      await waitFor(this.actor, (x) => !x.matches('flushing') && !x.matches('compacting'));
    }
    const before = this.actor.getSnapshot().context.flushes;
    this.actor.send({ type: 'region.flush.requested' });
    const after = await waitFor(this.actor, (x) => !x.matches('flushing'));
    if (after.context.flushes === before && after.context.lastError) throw new EddyError(StatusCode.StorageUnavailable, `flush failed: ${after.context.lastError}`);
  }

  async compact(): Promise<void> {
    if (this.held) throw new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is migrating: its files stay as they are until the move ends`);
    await waitFor(this.actor, (x) => x.matches('serving'));
    this.actor.send({ type: 'region.compact.requested' });
    await waitFor(this.actor, (x) => !x.matches('compacting'));
  }

  /** Rows written and scans served since open, and bytes held: the load this region reports in its node's heartbeat. */
  loadTotals(): { rows: number; scans: number; bytes: number } {
    const st = this.store?.stats() as { memBytes?: number; diskBytes?: number } | undefined;
    return { rows: this.rowsTotal, scans: this.scansTotal, bytes: (st?.memBytes ?? 0) + (st?.diskBytes ?? 0) };
  }

  private rowsTotal = 0; private scansTotal = 0;

  async scan(req: ScanRequest): Promise<RecordBatch[]> {
    this.scansTotal++;
    if (!READABLE.some((st) => this.actor.getSnapshot().matches(st))) throw new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is ${this.state}`);
    await this.applyChain;
    if (!req.analyze && !req.predicates?.length) return this.store!.scan(req);
    const stats = workloadStats();
    const out = await this.store!.scan(req, stats);
    const s = this.schemaNow;
    this.deps.workload.report({ db: s.db, table: s.name, regionId: this.regionId, at: this.deps.clock.now(), rowsRead: stats.rowsRead!, rowsOut: stats.rowsOut! }, req.predicates);
    return req.analyze ? withIndexReport(out, stats) : out;
  }

  /** Runs a partial aggregate (one SELECT over this region's table) over this region's rows only. */
  aggregate(sql: string): Promise<WireRel> {
    return aggregateRegion(() => this.schemaNow, this.deps.clock, (spec) => this.scan(spec), sql);
  }

  stats(): Record<string, unknown> {
    return { regionId: this.regionId, state: this.state, ...(this.store ? this.store.stats() : {}), ...(this.store ? { indexes: this.indexStatus() } : {}) };
  }

  /** Each index of the region: state, size, segments covered (information_schema.index_status). */
  indexStatus(): (IndexStatus & { builder: string })[] {
    const builder = this.indexBuilder?.state ?? 'stopped';
    return this.store!.indexes.status().map((s) => ({ ...s, builder, lastError: s.lastError ?? this.indexBuilder?.lastError ?? null }));
  }

  /** Resolves once the IndexBuilder has nothing pending (after a flush, compaction or index DDL). */
  /** Index lookups this region's scans computed (a query's repeated ones are answered from its memo). */
  indexLookups(): number {
    return this.store?.indexes.selections.computed ?? 0;
  }

  async indexesIdle(): Promise<void> {
    await this.indexBuilder?.idle();
  }

  async truncate(): Promise<void> {
    await this.applyChain;
    await this.wal.purgeAll();
    await this.store!.truncate();
  }

  /** Migration in progress on this leader: no flush, compaction or WAL purge, so the candidate's view of the files stays true. */
  private held = false;

  /** The last WAL sequence applied to the memtable. */
  get lastSeq(): number {
    return this.store?.appliedSeq ?? 0;
  }

  /**
   * Migration, leader: flushes what the memtable holds (so the candidate replays a short WAL), then keeps its files
   * as they are (no flush, compaction or purge) until the migration ends. Idempotent.
   */
  async hold(): Promise<void> {
    if (this.held) return;
    if (this.actor.getSnapshot().matches('serving') && this.store!.memRows > 0) await this.flush();
    this.held = true;
    // Index builds commit the manifest too: the candidate must not read it while it is being rewritten.
    await this.indexBuilder?.idle();
    await waitFor(this.actor, (x) => !x.matches('flushing') && !x.matches('compacting'));
    await this.flushes.settled();
  }

  /** Migration, leader: stops taking writes (they fail as RegionReadonly and the router retries), waits for those in flight; the last WAL sequence. */
  async downgrade(): Promise<number> {
    await this.hold();
    const s = this.actor.getSnapshot();
    if (s.matches('serving')) this.actor.send({ type: 'region.downgrade.requested' });
    else if (!s.matches('downgraded')) throw new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is ${this.state}, cannot downgrade`);
    await this.applyChain;
    return this.lastSeq;
  }

  /** Migration rolled back, leader: takes writes again, after replaying what a candidate may have written meanwhile. */
  async release(): Promise<void> {
    this.retiredFlag = false;
    if (this.actor.getSnapshot().matches('downgraded')) {
      // A candidate may have been upgraded meanwhile: this node's new term ends the candidate's.
      await this.term?.claim();
      await this.store!.claimMirror();
      await this.catchUp();
      this.actor.send({ type: 'region.upgrade.requested' });
    }
    this.held = false;
    if (!this.sub && this.actor.getSnapshot().matches('serving')) this.serve();
  }

  /** Migration, old leader: stops answering its subjects (the candidate answers them next); it stays open, downgraded, until closed. */
  async retire(): Promise<void> {
    this.retiredFlag = true;
    const sub = this.sub;
    this.sub = null;
    // Drained, not dropped: a request the server already handed this connection gets its answer (RegionReadonly: the
    // router retries it); dropped, it would time out, and a timed-out append-mode write cannot be retried.
    await sub?.drain().catch(() => undefined);
  }

  private retiredFlag = false;
  get retired(): boolean {
    return this.retiredFlag;
  }

  /** Migration, candidate (or a leader being released): applies the WAL records after the memtable's last sequence; the new last sequence. */
  async catchUp(): Promise<number> {
    await this.applyChain;
    await this.applyWal(this.lastSeq);
    return this.lastSeq;
  }

  /** Applies the WAL records after `afterSeq` to the memtable; the rows put. */
  private applyWal(afterSeq: number): Promise<number> {
    // replayed keyed records keep their keys past the next flush's purge, as written ones do
    return this.wal.applyTo(this.store!, afterSeq, (key, seq) => this.store!.sourced.note(key, seq, this.deps.clock.now()));
  }

  /** Migration, candidate: caught up with the WAL, it becomes the region's writer and answers its subjects. */
  async upgrade(): Promise<number> {
    const s = this.actor.getSnapshot();
    if (s.matches('serving')) return this.lastSeq;
    if (!s.matches('candidate')) throw new EddyError(StatusCode.RegionReadonly, `region ${this.regionId} is ${this.state}, not a candidate`);
    // The term starts before the last catch-up: anything the old leader appends after it is stale, so none is missed.
    await this.term?.claim();
    // ...and its files: the old leader can commit no manifest from now on (SegmentMirror.putManifest).
    await this.store!.claimMirror();
    const seq = await this.catchUp();
    this.actor.send({ type: 'region.upgrade.requested' });
    if (this.store!.memRows > 0) this.flushes.dirtySince = this.deps.clock.now();
    this.indexBuilder?.notify();
    this.serve();
    return seq;
  }

  /** Closes the region (flushing first when asked), unsubscribes. */
  async close(opts: { flush?: boolean } = {}): Promise<void> {
    // Still opening (a migration candidate dropped by a rollback): the machine takes the close once it is open.
    if (this.actor.getSnapshot().matches('opening') || this.actor.getSnapshot().matches('replaying')) {
      await waitFor(this.actor, (s) => !s.matches('opening') && !s.matches('replaying'), { timeout: 600_000 }).catch(() => undefined);
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const sub = this.sub;
    this.sub = null;
    await sub?.drain().catch(() => undefined);
    if (opts.flush && !this.fencedFlag && this.actor.getSnapshot().matches('serving') && this.store && this.store.memRows > 0) {
      await this.flush().catch((e) => this.deps.log(`region ${this.regionId}: flush on close failed: ${e}`));
    }
    this.actor.send({ type: 'region.close.requested' });
    await waitFor(this.actor, (s) => s.matches('closed'), { timeout: 600_000 });
    this.actor.stop();
  }

  /** Drops the region's WAL and files (table dropped). */
  async destroy(): Promise<void> {
    await this.close();
    await (this.walStreams.perRegion ? this.walStreams.drop(this.regionId) : this.wal.purgeAll().then(() => this.wal.purgeFences()));
    await this.mirror?.destroy();
    await rm(this.deps.dir, { recursive: true, force: true });
  }
}
