// createFlow: the running RxJS graph of one flow (decode -> watermark -> windows -> incremental aggregate -> emit) and its checkpoints.
import { Subject, asyncScheduler, filter, map, merge, tap } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { InternalError, timeColumn } from '../core/index.ts';
import type { EddyError, WriteBatch } from '../core/index.ts';
import { decodeDeletes, decodeRows } from './operators/decode_rows.ts';
import type { DecodedRows } from './operators/decode_rows.ts';
import { emitOnInterval } from './operators/emit_on_interval.ts';
import { incrementalAggregate } from './operators/incremental_aggregate.ts';
import { watermark } from './operators/watermark.ts';
import type { WatermarkState } from './operators/watermark.ts';
import { GLOBAL_WINDOW, windowAssign } from './operators/window_assign.ts';
import { forEachOpenWindow } from './window.ts';
import { FlowStore } from './store.ts';
import type { StoreSnapshot, WindowPart } from './store.ts';
import { SnapshotReader, SnapshotWriter } from './snapshot_codec.ts';
import type { FlowEmission, FlowPlan, FlowRow, FlowStats } from './types.ts';

export interface FlowOptions {
  /** Drives emission intervals, update_at and lag (default: asyncScheduler). */
  scheduler?: SchedulerLike;
  /** Per-record failures and bad groups; the flow keeps running. */
  onError?: (e: EddyError) => void;
  /** When set, a source quiet for this long lets the watermark move with the scheduler's clock. */
  idleAdvanceMs?: number;
}

/**
 * Checkpoint of a flow. Restore it, then replay source batches after `position`. Version 2 holds the store in its
 * binary form (snapshot_codec.ts); version 1 (JSON, older checkpoints) is still restored.
 */
export interface FlowSnapshot {
  version: 1 | 2;
  flow: string;
  source: string;
  /** The position given with the last pushed batch (e.g. a stream sequence), opaque to the flow. */
  position: unknown;
  maxEventTime: string | null;
  store: StoreSnapshot | Uint8Array;
  counters: Record<string, number>;
  /** Rows of an append-only source numbered so far (their keys). */
  appendSeq?: number;
}

/** What an incremental checkpoint keeps besides its window parts (FlowStore.checkpointParts). */
export type FlowCheckpointHead = Omit<FlowSnapshot, 'store' | 'version'> & { version: 3 };

export interface TimeRange { start: bigint; end: bigint }

export interface Flow {
  readonly plan: FlowPlan;
  /** Feed committed batches of the source table here (or use push). */
  readonly input: Subject<WriteBatch>;
  /** Feeds one batch; `position` is kept in snapshots so a restart knows where to replay from. */
  push(batch: WriteBatch, position?: unknown): void;
  /**
   * Time ranges (time index, [start, end) ns) of the windows this batch touches that the flow has not seen yet, each
   * reported once; what a batching flow re-reads from the source so a new window holds its older rows too (as
   * GreptimeDB recomputes a dirty window). Empty unless the flow aggregates over a source that identifies its rows
   * and windows by the time index.
   */
  windowsToLoad(batch: WriteBatch): TimeRange[];
  /** Feeds source rows read again for windowsToLoad (not counted as input: they were, or will be, pushed). */
  reread(batch: WriteBatch): void;
  /** Feeds rows deleted from the source (their key columns): each is retracted from the window that holds it. */
  pushDeletes(batch: WriteBatch, position?: unknown): void;
  /** Every update: changed groups of open windows (at most once per interval) and final rows of closed windows. */
  readonly output$: Observable<FlowEmission>;
  /** Emits everything pending now (ADMIN FLUSH_FLOW); returns what went out. */
  flush(): FlowEmission | null;
  /** Moves event time forward without data (e.g. from a wall clock), closing windows that end before it. */
  advanceEventTime(eventTimeNs: bigint): void;
  snapshot(): FlowSnapshot;
  /** Rows of every open window as they stand now (no state change). */
  current(): FlowRow[];
  restore(s: FlowSnapshot): void;
  /**
   * An incremental checkpoint: the header and every window as a part, with bytes only for windows changed since
   * their saved part. Call `commit` once it is stored.
   */
  checkpointParts(nextId: () => number): { head: FlowCheckpointHead; parts: WindowPart[]; commit: () => void };
  restoreParts(head: FlowCheckpointHead, parts: { id: number; final: boolean; bytes: Uint8Array }[]): void;
  stats(): FlowStats;
  /** Completes the graph: pending updates are emitted, then output$ completes. */
  close(): void;
}

const COUNTERS = ['batchesIn', 'rowsIn', 'rowsAggregated', 'rowsOut', 'emissions', 'lateRowsDropped', 'errors'] as const;

export function createFlow(plan: FlowPlan, opts: FlowOptions = {}): Flow {
  const scheduler = opts.scheduler ?? asyncScheduler;
  // Without a watermark, EXPIRE AFTER is what closes windows: rows older than it are dropped, so windows ending
  // before it cannot change any more.
  const lateness = plan.allowedLatenessNs ?? plan.expireAfterNs;
  const watermarkOf = (max: bigint | null): bigint | null => (max === null || lateness === null ? null : max - lateness);
  const store = new FlowStore(plan);
  const wm: WatermarkState = { maxEventTime: null };
  const counters: Record<(typeof COUNTERS)[number], number> = { batchesIn: 0, rowsIn: 0, rowsAggregated: 0, rowsOut: 0, emissions: 0, lateRowsDropped: 0, errors: 0 };
  let position: unknown = null;
  const reportError = (e: EddyError): void => {
    counters.errors++;
    opts.onError?.(e);
  };
  const input = new Subject<WriteBatch>();
  const clockTicks = new Subject<DecodedRows>();
  const deletes = new Subject<WriteBatch>();
  const seenWindows = new Set<bigint>();
  const output = new Subject<FlowEmission>();

  const drain = (): FlowEmission | null => {
    if (!store.pending()) return null;
    const rows = store.drain(BigInt(Math.round(scheduler.now())) * 1_000_000n, reportError);
    if (rows.length === 0) return null;
    counters.rowsOut += rows.length;
    counters.emissions++;
    return { rows, watermark: watermarkOf(wm.maxEventTime) };
  };

  const idle = opts.idleAdvanceMs !== undefined ? { afterMs: opts.idleAdvanceMs, scheduler } : undefined;
  const counted = tap((b: WriteBatch) => { counters.batchesIn++; counters.rowsIn += b.rows; });
  const decodedDeletes = deletes.pipe(counted, map((b) => decodeDeletes(plan, b, reportError)));
  const rowSeq = { n: 0 };
  const head = () => ({
    flow: plan.name,
    source: plan.sourceTable,
    position,
    maxEventTime: wm.maxEventTime === null ? null : String(wm.maxEventTime),
    counters: { ...counters },
    appendSeq: rowSeq.n,
  });
  const restoreHead = (h: Omit<FlowSnapshot, 'store' | 'version'>): void => {
    wm.maxEventTime = h.maxEventTime === null ? null : BigInt(h.maxEventTime);
    for (const k of COUNTERS) counters[k] = h.counters[k] ?? 0;
    position = h.position;
    rowSeq.n = h.appendSeq ?? 0;
  };
  const reread = new Subject<WriteBatch>();
  merge(merge(input.pipe(counted), reread).pipe(decodeRows(plan, reportError, rowSeq)), decodedDeletes, clockTicks)
    .pipe(
      watermark(lateness, (d: DecodedRows) => d.maxEventTime, wm, idle),
      map((w) => ({ ...w, value: w.value ?? emptyRows(plan) })),
      windowAssign(plan.window, plan.expireAfterNs),
      incrementalAggregate(store),
      tap((t) => { counters.lateRowsDropped += t.late + t.expired; counters.rowsAggregated += t.inputRows - t.late - t.expired - t.errors; }),
      filter(() => store.pending()),
      emitOnInterval(plan.intervalMs, scheduler),
      map(() => drain()),
      filter((e): e is FlowEmission => e !== null),
    )
    .subscribe({
      next: (e) => output.next(e),
      error: (e) => {
        reportError(e instanceof InternalError ? e : new InternalError(`Flow ${plan.name} stopped: ${e instanceof Error ? e.message : String(e)}`, e));
        output.error(e);
      },
      complete: () => {
        const last = drain();
        if (last) output.next(last);
        output.complete();
      },
    });

  return {
    plan,
    input,
    push(batch, pos) {
      input.next(batch);
      if (pos !== undefined) position = pos;
    },
    windowsToLoad(batch) {
      const out: TimeRange[] = [];
      if (!plan.aggregating || plan.appendOnly || batch.table !== plan.sourceTable) return out;
      const time = timeColumn(batch);
      const ev = plan.eventTime;
      if (ev && !(ev.columns.length === 1 && ev.columns[0] === time.name && /^("?)[^".]+\1$/.test(ev.text))) return out;
      const spec = plan.window;
      const want = (start: bigint): void => {
        if (seenWindows.has(start) || store.windows.has(start)) return;
        seenWindows.add(start);
        out.push(spec ? { start, end: start + spec.sizeNs } : { start: -(2n ** 63n), end: 2n ** 63n - 1n });
      };
      if (!spec) { want(GLOBAL_WINDOW); return out; }
      const ts = time.values as BigInt64Array;
      for (let i = 0; i < batch.rows; i++) forEachOpenWindow(spec, ts[i]!, null, want);
      // Adjacent windows are read in one range.
      out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      const merged: TimeRange[] = [];
      for (const r of out) {
        const last = merged[merged.length - 1];
        if (last && r.start <= last.end) last.end = r.end > last.end ? r.end : last.end;
        else merged.push({ ...r });
      }
      return merged;
    },
    reread(batch) {
      reread.next(batch);
    },
    pushDeletes(batch, pos) {
      deletes.next(batch);
      if (pos !== undefined) position = pos;
    },
    output$: output.asObservable(),
    flush() {
      const e = drain();
      if (e) output.next(e);
      return e;
    },
    advanceEventTime(t) {
      clockTicks.next({ ...emptyRows(plan), maxEventTime: t });
    },
    snapshot() {
      const w = new SnapshotWriter();
      store.writeSnapshot(w);
      return { ...head(), version: 2, store: w.written() };
    },
    checkpointParts(nextId) {
      return { head: { ...head(), version: 3 }, ...store.checkpointParts(nextId) };
    },
    restoreParts(h, parts) {
      if (h.version !== 3 || h.flow !== plan.name) throw new InternalError(`Checkpoint of flow ${h.flow} (v${h.version}) cannot restore flow ${plan.name}`);
      store.readParts(parts);
      restoreHead(h);
    },
    current() {
      return store.current(BigInt(Math.round(scheduler.now())) * 1_000_000n);
    },
    restore(s) {
      if ((s.version !== 1 && s.version !== 2) || s.flow !== plan.name) throw new InternalError(`Snapshot of flow ${s.flow} (v${s.version}) cannot restore flow ${plan.name}`);
      if (s.store instanceof Uint8Array) store.readSnapshot(new SnapshotReader(s.store));
      else store.restore(s.store);
      restoreHead(s);
    },
    stats() {
      let openGroups = 0;
      for (const w of store.windows.values()) openGroups += w.cells.size;
      return {
        ...counters,
        openWindows: store.windows.size,
        openGroups,
        maxEventTime: wm.maxEventTime,
        watermark: watermarkOf(wm.maxEventTime),
        lagMs: wm.maxEventTime === null ? null : scheduler.now() - Number(wm.maxEventTime / 1_000_000n),
      };
    },
    close() {
      input.complete();
      deletes.complete();
      reread.complete();
      clockTicks.complete();
    },
  };
}

function emptyRows(plan: FlowPlan): DecodedRows {
  return { table: plan.sourceTable, inputRows: 0, n: 0, eventTime: [], rowKey: [], group: [], groupVals: [], vals: [], maxEventTime: null, errors: 0 };
}

/** Snapshot <-> bytes (for a KV store): a version byte, the header as JSON, then the store's bytes. */
export function encodeSnapshot(s: FlowSnapshot): Uint8Array {
  if (!(s.store instanceof Uint8Array)) return new TextEncoder().encode(JSON.stringify(s));
  const w = new SnapshotWriter();
  w.byte(2);
  w.str(JSON.stringify({ ...s, store: undefined }));
  w.bytes(s.store);
  return w.written();
}
export function decodeSnapshot(b: Uint8Array): FlowSnapshot {
  // version 1 was JSON text: it starts with '{'
  if (b[0] !== 2) return JSON.parse(new TextDecoder().decode(b)) as FlowSnapshot;
  const r = new SnapshotReader(b);
  r.byte();
  const head = JSON.parse(r.str()) as FlowSnapshot;
  return { ...head, store: b.subarray(r.offset) };
}
