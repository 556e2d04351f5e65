// Hosts one FlowTask: reads the source regions' WAL (JetStream pull consumers), feeds the RxJS flow, writes the sink
// table, publishes live output on eddy.flow.<db>.<flow>, and checkpoints state + WAL positions in KV.
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import { RetentionPolicy, DiscardPolicy } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { EddyError, KvKeys, StatusCode, Subjects, decodeBatches, fromPhysicalBatch, physicalOf, regionIdOf, type TableSchema, type WriteBatch } from '../../core/index.ts';
import type { FlowInfo } from '../../core/query/index.ts';
import { exactJson, nsAsMs } from '../../core/query/index.ts';
import { createFlow } from '../../streams/index.ts';
import { FlowCheckpointStore } from './checkpoint_store.ts';
import type { Flow, FlowEmission, FlowPlan, FlowRow, FlowValue } from '../../streams/index.ts';
import { flowTaskMachine, FlowTaskEvents, type RestoreResult } from './machine.ts';
import { recordBatchToWriteBatch } from '../../core/codec/arrow_rows.ts';
import { sinkBatches, sinkMapping } from '../../streams/sink_table.ts';
import { compileDef, durationMs, outputStreamName, type FlowDef, type FlowHostDeps } from './def.ts';
import { kvKeys } from '../runtime/kv_keys.ts';
import { followWal, type FollowedRecord } from '../runtime/wal_follow.ts';
import { SHARED_WAL, type WalStreams } from '../runtime/wal_streams.ts';

export { compileDef, durationMs, outputStreamName };
export type { FlowDef, FlowHostDeps, SinkWriter } from './def.ts';


/** bigint timestamps (ns) become ms numbers with their exact fraction (written by exactJson, never through a double). */
function jsonValue(v: FlowValue): unknown {
  return typeof v === 'bigint' ? nsAsMs(v) : v;
}
export function rowJson(r: FlowRow): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.values)) values[k] = jsonValue(v);
  return { key: r.key, window_start: jsonValue(r.windowStart), window_end: jsonValue(r.windowEnd), final: r.final, deleted: r.deleted, values };
}


export class FlowHost {
  /** Emissions go out live on eddy.flow.<db>.<flow> (and SSE). */
  readonly live = true;
  readonly plan: FlowPlan;
  private flow: Flow;
  private readonly actor: Actor<typeof flowTaskMachine>;
  private readonly positions = new Map<string, number>();
  private readonly waiters: { region: string; seq: number; resolve: () => void }[] = [];
  private sinkChain: Promise<void> = Promise.resolve();
  private readers: Promise<void>[] = [];
  /** The WAL pulls open now: a stop ends them rather than waiting for them to expire. */
  private readonly pulls = new Set<{ stop(): void }>();
  private stopping = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private lastCheckpointAt = 0;
  private readonly checkpoints: FlowCheckpointStore;
  private sinkErrors = 0;
  private lastError: string | null = null;
  private lastExecutionTime: number | null = null;
  private liveSeq = 0;
  private readonly listeners = new Set<(e: FlowEmission) => void>();
  private source: TableSchema | null = null;
  /** A logical metric source's physical table: its regions' WAL carries the source's rows (those with its __table_id). */
  private physical: TableSchema | null = null;
  /** The source's latest time when the first window was loaded (undefined: not taken yet; null: the source was empty). */
  private priorMaxTs: bigint | null | undefined = undefined;

  constructor(readonly def: FlowDef, private readonly deps: FlowHostDeps, source: TableSchema | null = null) {
    this.plan = compileDef(def, source);
    this.flow = this.newFlow();
    this.checkpoints = new FlowCheckpointStore(deps.state, KvKeys.flowCheckpoint(def.db, def.name), def.name);
    const machine = flowTaskMachine.provide({
      actors: {
        restore: fromPromise(async () => this.restore()),
        backfill: fromPromise(async () => this.backfill()),
        checkpoint: fromPromise(async () => this.checkpoint()),
        stop: fromPromise(async () => this.shutdown(true)),
      },
    });
    this.actor = createActor(machine, { input: { flow: def.name } });
    this.actor.subscribe((s) => {
      if (s.matches('running') && this.readers.length === 0 && !this.stopping) this.startReaders();
      if (s.matches('failed')) this.deps.log(`flow ${def.db}.${def.name} failed: ${s.context.lastError}`);
    });
  }

  private newFlow(): Flow {
    const o = this.def.options;
    const flow = createFlow(this.plan, {
      onError: (e) => { this.lastError = e.message; },
      ...(o.idle_advance ? { idleAdvanceMs: durationMs(o.idle_advance, 'idle_advance') } : {}),
    });
    flow.output$.subscribe({ next: (e) => this.onEmission(e), error: (e) => this.actor.send({ type: FlowTaskEvents.failed, error: String(e) }) });
    return flow;
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  /** The last look for the source table found none (a flow that failed to start for that may be relaunched). */
  sourceMissing = false;

  /** The id of the source table the flow was started on (a re-created table has a new one); null before restore. */
  get sourceId(): number | null {
    return this.source?.id ?? null;
  }

  /** The source table was dropped: pause with the reason (information_schema.flows shows it). */
  sourceLost(): void {
    this.actor.send({ type: FlowTaskEvents.sourceLost, error: `source table ${this.def.db}.${this.def.sourceTable} was dropped; the flow reads that table only (a table created again under its name is a new table): drop the flow, or create it again to read the new table` });
  }

  /** Starts the task; resolves once it runs (restored or back-filled) or failed. */
  async start(): Promise<void> {
    this.actor.start();
    await waitFor(this.actor, (s) => s.matches('running') || s.matches('failed') || s.status === 'done', { timeout: 600_000 });
  }

  /** Clean stop: a last checkpoint, readers stopped. */
  async stop(): Promise<void> {
    if (this.actor.getSnapshot().status === 'done') return;
    if (this.actor.getSnapshot().matches('paused')) this.stopping = true; // no last checkpoint of a paused flow
    this.actor.send({ type: FlowTaskEvents.stopRequested });
    await waitFor(this.actor, (s) => s.status === 'done', { timeout: 120_000 }).catch(() => undefined);
    await this.shutdown(false);
  }

  /** Stops without a checkpoint and deletes the flow's state, WAL floors and output stream (DROP FLOW). */
  async destroy(): Promise<void> {
    this.stopping = true;
    this.actor.stop();
    await this.shutdown(false);
    const kv = this.deps.state;
    const keys: string[] = [];
    keys.push(...(await kvKeys(kv, `${KvKeys.flowCheckpoint(this.def.db, this.def.name)}.>`)));
    keys.push(KvKeys.flowCheckpoint(this.def.db, this.def.name));
    for (const r of this.positions.keys()) keys.push(KvKeys.flowFloor(r, this.def.db, this.def.name));
    for (const k of keys) await kv.purge(k).catch(() => undefined);
    await this.deps.jsm.streams.delete(outputStreamName(this.def.db, this.def.name)).catch(() => undefined);
  }

  private async sourceSchema(): Promise<TableSchema> {
    const s = await this.deps.catalog.getTable(this.def.db, this.def.sourceTable);
    this.sourceMissing = !s;
    if (!s) throw new EddyError(StatusCode.TableNotFound, `source table ${this.def.db}.${this.def.sourceTable} of flow ${this.def.name} does not exist`);
    this.source = s;
    const phyName = physicalOf(s);
    if (phyName !== undefined) this.physical = await this.deps.catalog.getTable(this.def.db, phyName);
    return s;
  }

  private regions(s: TableSchema): string[] {
    const r = physicalOf(s) !== undefined && this.physical ? this.physical : s;
    return Array.from({ length: r.regions }, (_, n) => regionIdOf(r.id, n));
  }

  /** A WAL batch as the flow reads it: a physical region's batch narrowed to the logical source's rows. */
  private sourceRows(b: WriteBatch): WriteBatch | null {
    if (!this.physical || !this.source) return b;
    return fromPhysicalBatch(this.source, this.physical, b);
  }

  private async ensureOutputStream(): Promise<void> {
    const name = outputStreamName(this.def.db, this.def.name);
    const maxAgeMs = durationMs(this.def.options.output_retention ?? '24h', 'output_retention');
    const cfg = { name, subjects: [Subjects.flow(this.def.db, this.def.name)], max_age: Math.round(maxAgeMs * 1e6), retention: RetentionPolicy.Limits, discard: DiscardPolicy.Old, max_msg_size: -1 };
    try {
      const info = await this.deps.jsm.streams.info(name);
      if (info.config.max_age !== cfg.max_age) await this.deps.jsm.streams.update(name, { ...info.config, max_age: cfg.max_age });
    } catch {
      await this.deps.jsm.streams.add(cfg);
    }
  }

  // --- restore / back-fill / checkpoint: the FlowTask's invoked actors ---

  private get walStreams(): WalStreams {
    return this.deps.walStreams ?? SHARED_WAL;
  }

  /** The stream holding a source region's WAL. */
  private walStream(regionId: string): string {
    return this.walStreams.name(regionId);
  }

  private async restore(): Promise<RestoreResult> {
    const s = await this.sourceSchema();
    await this.ensureOutputStream();
    const restored = await this.checkpoints.load(this.flow);
    if (restored) {
      for (const [r, seq] of Object.entries(restored)) this.positions.set(r, seq);
      for (const r of this.regions(s)) if (!this.positions.has(r)) this.positions.set(r, 0);
      return { restored: true, backfill: false };
    }
    // A new flow: the WAL from here on is kept for it (floors), then the table's current contents are back-filled.
    // A region whose own WAL stream is not made yet has appended nothing: the flow reads it from its start.
    for (const r of this.regions(s)) {
      const last = await this.deps.jsm.streams.info(this.walStream(r)).then((i) => i.state.last_seq, (e: unknown) => {
        if (this.walStreams.perRegion && /not found|10059/i.test(String((e as Error)?.message ?? e))) return 0;
        throw e;
      });
      this.positions.set(r, last);
      await this.deps.state.put(KvKeys.flowFloor(r, this.def.db, this.def.name), String(last));
    }
    // GreptimeDB does not back-fill: a flow sees rows written after it (a batching flow re-reads the windows they
    // touch, see loadWindows). WITH (backfill = 'true') runs it over the table's contents first.
    return { restored: false, backfill: this.def.options.backfill?.toLowerCase() === 'true' };
  }

  private async backfill(): Promise<void> {
    const s = this.source ?? (await this.sourceSchema());
    const batches = await this.deps.query(this.def.db).scan(s, {});
    for (const rb of batches) if (rb.numRows > 0) this.flow.push(recordBatchToWriteBatch(rb, s));
  }

  private async checkpoint(): Promise<void> {
    this.lastCheckpointAt = this.deps.clock.now();
    // Everything pending goes out first, so the checkpoint has nothing emitted-but-unwritten or pending.
    this.flow.flush();
    const positions = Object.fromEntries(this.positions);
    await this.checkpoints.save(this.flow, positions, () => this.sinkChain, this.deps.clock.now());
    for (const [r] of this.positions) if (positions[r] !== undefined) await this.deps.state.put(KvKeys.flowFloor(r, this.def.db, this.def.name), String(positions[r]));
  }

  private async shutdown(checkpoint: boolean): Promise<void> {
    if (checkpoint && !this.stopping) await this.checkpoint();
    this.stopping = true;
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    for (const p of this.pulls) p.stop();
    await Promise.allSettled(this.readers);
    await this.sinkChain;
  }

  // --- the WAL readers ---

  private startReaders(): void {
    for (const r of this.positions.keys()) this.readers.push(this.readRegion(r));
  }

  private async readRegion(regionId: string): Promise<void> {
    const { js, jsm } = this.deps;
    while (!this.stopping) {
      try {
        await followWal(js, jsm, regionId, this.positions.get(regionId) ?? 0, async (r) => {
          // A stale leader's record (appended after a newer leader took over) is in no table: the flow skips it too.
          if (!r.stale) await this.readRecord(r);
          this.positions.set(regionId, r.seq);
          this.wake(regionId, r.seq);
        }, () => this.stopping, (it) => {
          // a stop ends the open pulls rather than waiting for them to expire
          this.pulls.add(it);
          if (this.stopping) it.stop();
          return () => this.pulls.delete(it);
        }, this.walStream(regionId));
      } catch (e) {
        if (this.stopping) break;
        this.lastError = `reading the WAL of region ${regionId}: ${(e as Error).message}`;
        this.deps.log(`flow ${this.def.name}: ${this.lastError}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async readRecord(r: FollowedRecord): Promise<void> {
    // A delete record holds the deleted rows' keys: the flow retracts them from their windows.
    try {
      for (const raw of decodeBatches(r.data)) {
        const b = this.sourceRows(raw);
        if (!b || b.rows === 0) continue;
        if (r.op === 'delete') this.flow.pushDeletes(b);
        else {
          await this.loadWindows(b);
          this.flow.push(b);
        }
      }
    } catch (e) {
      this.lastError = `WAL record ${r.seq}: ${(e as Error).message}`;
      this.sinkErrors++;
    }
  }

  /**
   * The source rows of windows this batch is the first to touch (a dirty window is computed over all its rows, as a
   * GreptimeDB batching flow does). Pushing a row again is harmless: a row replaces its previous version.
   */
  private async loadWindows(b: WriteBatch): Promise<void> {
    if (this.def.options.backfill?.toLowerCase() === 'true') return; // every window was loaded up front
    let ranges = this.flow.windowsToLoad(b);
    if (ranges.length === 0) return;
    const s = this.source ?? (await this.sourceSchema());
    // Rows the flow did not read from the WAL were written before it started, so their times are at most the
    // source's latest time then (taken at the first window to load, well after the start): later windows hold
    // only rows the flow reads itself, and re-reading them would be wasted work on every new window.
    if (this.priorMaxTs === undefined) this.priorMaxTs = await this.sourceMaxTime(s);
    const prior = this.priorMaxTs;
    ranges = ranges.filter((r) => prior !== null && r.start <= prior);
    for (const r of ranges) {
      const unbounded = r.start === -(2n ** 63n);
      const batches = await this.deps.query(this.def.db).scan(s, unbounded ? {} : { start: r.start, end: r.end });
      for (const rb of batches) if (rb.numRows > 0) this.flow.reread(recordBatchToWriteBatch(rb, s));
    }
  }

  /** The latest time in the source table (null when it is empty). */
  private async sourceMaxTime(s: TableSchema): Promise<bigint | null> {
    let max: bigint | null = null;
    for (const rb of await this.deps.query(this.def.db).scan(s, { columns: [s.timeIndex] })) {
      const col = rb.getChild(s.timeIndex);
      if (!col) continue;
      for (const d of col.data) {
        const v = d.values as BigInt64Array;
        for (let i = 0; i < d.length; i++) if (max === null || v[i]! > max) max = v[i]!;
      }
    }
    return max;
  }

  private wake(region: string, seq: number): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.region === region && seq >= w.seq) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private caughtUp(region: string, seq: number, timeoutMs: number): Promise<void> {
    if ((this.positions.get(region) ?? 0) >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { region, seq, resolve: () => { clearTimeout(t); resolve(); } };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new EddyError(StatusCode.Internal, `flow ${this.def.name} is ${this.state}: it did not reach WAL sequence ${seq} of region ${region} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Rows that reach the flow without the WAL: a ttl = 'instant' source keeps nothing, its inserts come here. */
  feed(batch: WriteBatch): void {
    if (batch.rows > 0) this.flow.push(batch);
  }

  /** ADMIN flush_flow: reads the WAL up to its current end, emits every pending update and waits for the sink. Rows emitted. */
  async flush(timeoutMs = 60_000): Promise<number> {
    if (this.actor.getSnapshot().matches('failed')) throw new EddyError(StatusCode.Internal, `flow ${this.def.name} failed: ${this.actor.getSnapshot().context.lastError}`);
    // a paused flow (its source table was dropped) has nothing to flush: 0 rows, as GreptimeDB answers; its state and
    // last_error in information_schema.flows say why
    if (this.actor.getSnapshot().matches('paused')) return 0;
    for (const r of this.positions.keys()) {
      let last = 0;
      try {
        last = (await this.deps.jsm.streams.getMessage(this.walStream(r), { last_by_subj: Subjects.wal(r) }))?.seq ?? 0;
      } catch { /* nothing in this region's WAL */ }
      if (last > 0) await this.caughtUp(r, last, timeoutMs);
    }
    const e = this.flow.flush();
    await this.sinkChain;
    return e?.rows.length ?? 0;
  }

  // --- emissions: sink table, live output, checkpoint schedule ---

  private onEmission(e: FlowEmission): void {
    this.lastExecutionTime = this.deps.clock.now();
    const rows = e.rows;
    this.sinkChain = this.sinkChain.then(() => this.writeSink(rows)).catch((err: unknown) => {
      this.sinkErrors++;
      this.lastError = `writing sink ${this.def.sinkTable}: ${(err as Error).message}`;
    });
    this.publish(e);
    for (const l of this.listeners) l(e);
    this.scheduleCheckpoint();
  }

  private async writeSink(rows: FlowRow[]): Promise<void> {
    const { catalog, writes } = this.deps;
    const sink = await catalog.getTable(this.def.db, this.def.sinkTable);
    if (!sink) throw new EddyError(StatusCode.TableNotFound, `sink table ${this.def.db}.${this.def.sinkTable} does not exist`);
    const { upserts, deletes } = sinkBatches(this.plan, sink, rows, sinkMapping(this.plan, sink));
    if (upserts) await writes.write(this.def.db, [upserts]);
    if (deletes && !sink.options.appendMode) await this.deps.query(this.def.db).delete?.(this.def.db, deletes);
  }

  /** One message per emission (split when it would pass the server's max payload). */
  private publish(e: FlowEmission): void {
    const subject = Subjects.flow(this.def.db, this.def.name);
    const watermark = e.watermark === null ? null : jsonValue(e.watermark);
    const rows = e.rows.map(rowJson);
    const max = Math.max(64 * 1024, (this.deps.nc.info?.max_payload ?? 1024 * 1024) - 64 * 1024);
    let body = exactJson({ flow: this.def.name, db: this.def.db, watermark, rows });
    if (body.length <= max) {
      this.deps.nc.publish(subject, body);
      this.liveSeq++;
      return;
    }
    const per = Math.max(1, Math.floor(rows.length * (max / body.length) * 0.9));
    for (let i = 0; i < rows.length; i += per) {
      body = exactJson({ flow: this.def.name, db: this.def.db, watermark, rows: rows.slice(i, i + per), part: Math.floor(i / per), parts: Math.ceil(rows.length / per) });
      this.deps.nc.publish(subject, body);
      this.liveSeq++;
    }
  }

  private scheduleCheckpoint(): void {
    if (this.checkpointTimer || this.stopping) return;
    const every = this.deps.checkpointMs ?? 5000;
    const wait = Math.max(0, this.lastCheckpointAt + every - this.deps.clock.now());
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.actor.getSnapshot().matches('running')) this.actor.send({ type: FlowTaskEvents.checkpointDue });
      else if (!this.stopping) this.scheduleCheckpoint();
    }, wait);
    this.checkpointTimer.unref();
  }

  /** In-process listeners (the SSE snapshot path uses the JetStream stream instead). */
  onOutput(l: (e: FlowEmission) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The current state of every open window, as output rows (for ?snapshot=true). */
  currentRows(): Record<string, unknown>[] {
    return this.flow.current().map(rowJson);
  }

  watermarkMs(): number | null {
    const w = this.flow.stats().watermark;
    return w === null ? null : Number(w / 1_000_000n);
  }

  /**
   * What GreptimeDB would run this flow as: batching when the query aggregates, streaming when it does not or when
   * the source keeps nothing (ttl = 'instant'). EddyDB runs both incrementally; the name is what users see.
   */
  private flowType(): 'batching' | 'streaming' {
    const ttl = this.source?.options.extra?.ttl?.trim().toLowerCase();
    return ttl !== 'instant' && this.plan.aggregating ? 'batching' : 'streaming';
  }

  info(): FlowInfo {
    const st = this.flow.stats();
    const snap = this.actor.getSnapshot();
    return {
      db: this.def.db, name: this.def.name, id: this.def.id, definition: this.def.sql, sinkTable: this.def.sinkTable,
      sourceTables: [this.def.sourceTable], comment: this.def.comment, expireAfterSeconds: this.def.expireAfterSeconds,
      options: { ...this.def.options, flow_type: this.flowType() },
      createdAt: this.def.createdAt, updatedAt: this.def.updatedAt, lastExecutionTime: this.lastExecutionTime,
      state: String(snap.value), rowsIn: st.rowsIn, rowsOut: st.rowsOut, errors: st.errors + this.sinkErrors,
      lastError: this.lastError ?? snap.context.lastError, lagMs: st.lagMs, watermark: st.watermark, nodeId: this.deps.nodeId,
    };
  }
}
