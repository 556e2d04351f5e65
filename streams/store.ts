// Keyed, retraction-aware state of a flow: open windows -> groups -> member rows; finalization, output rows, checkpoints.
import type { EddyError } from '../core/index.ts';
import { InternalError } from '../core/index.ts';
import { cellAdd, cellResults, cellRetract, newCell } from './cell.ts';
import type { Cell, WindowState } from './cell.ts';
import type { AssignedRows } from './operators/window_assign.ts';
import { ANY_WINDOW, GLOBAL_WINDOW } from './operators/window_assign.ts';
import type { FlowPlan, FlowRow, FlowValue, OutScope } from './types.ts';
import { isTrue, keyOf } from './values.ts';
import { SnapshotReader, SnapshotWriter } from './snapshot_codec.ts';

export interface ApplyResult {
  changed: number;
  finalized: number;
}

export class FlowStore {
  readonly windows = new Map<bigint, WindowState>();
  private readonly dirty = new Set<Cell>();
  /** Windows the watermark passed, waiting for their final emission. */
  private finalized: WindowState[] = [];

  constructor(readonly plan: FlowPlan) {}

  /** Consecutive rows mostly fall in the same window: skip the bigint-keyed Map lookup for them. */
  private last: WindowState | null = null;

  private window(start: bigint): WindowState {
    const l = this.last;
    if (l !== null && (l.start === start || (l.start === null && start === GLOBAL_WINDOW)) && this.windows.get(start) === l) return l;
    let w = this.windows.get(start);
    if (!w) {
      w = this.newWindow(start);
      this.windows.set(start, w);
    }
    this.last = w;
    return w;
  }

  private newWindow(start: bigint): WindowState {
    const global = start === GLOBAL_WINDOW;
    return { start: global ? null : start, end: global ? null : start + this.plan.window!.sizeNs, cells: new Map(), rows: new Map() };
  }

  /** Applies a batch's rows: each row first retracts its key's previous version in the window, then adds itself. */
  apply(a: AssignedRows): number {
    const rows = a.rows;
    if (!rows) return 0;
    const aggs = this.plan.aggregates;
    let changed = 0;
    for (let i = 0; i < rows.n; i++) {
      const rowKey = rows.rowKey[i]!;
      const gk = rows.group[i]!;
      for (let p = a.offsets[i]!; p < a.offsets[i + 1]!; p++) {
        if (a.starts[p] === ANY_WINDOW) {
          for (const w of this.windows.values()) this.retract(w, rowKey);
          continue;
        }
        const w = this.window(a.starts[p]!);
        this.retract(w, rowKey);
        if (gk === null) continue;
        let c = w.cells.get(gk);
        if (!c) {
          c = newCell(aggs, gk, rows.groupVals[i]!, w);
          w.cells.set(gk, c);
        }
        cellAdd(c, aggs, rowKey, rows.vals[i]!);
        w.rows.set(rowKey, c);
        this.touch(c);
        changed++;
      }
    }
    return changed;
  }

  /** Takes the row's current version out of window w, if w holds it. */
  private retract(w: WindowState, rowKey: string): void {
    const old = w.rows.get(rowKey);
    if (!old) return;
    cellRetract(old, this.plan.aggregates, rowKey);
    this.touch(old);
    w.rows.delete(rowKey);
  }

  private touch(c: Cell): void {
    c.win.version = (c.win.version ?? 0) + 1;
    if (!c.dirty) {
      c.dirty = true;
      this.dirty.add(c);
    }
  }

  /** Moves every window ending at or before the watermark to the final queue; returns how many. */
  advance(watermark: bigint | null): number {
    if (watermark === null) return 0;
    let n = 0;
    for (const [start, w] of this.windows) {
      if (w.end !== null && w.end <= watermark) {
        this.windows.delete(start);
        this.finalized.push(w);
        n++;
      }
    }
    return n;
  }

  pending(): boolean {
    return this.dirty.size > 0 || this.finalized.length > 0;
  }

  /** Output rows for groups changed since the last drain, then final rows of closed windows. */
  drain(updateAtNs: bigint, onError: (e: EddyError) => void): FlowRow[] {
    const out: FlowRow[] = [];
    for (const c of this.dirty) {
      c.dirty = false;
      if (c.win.end !== null && this.windows.get(c.win.start!) !== c.win) continue; // finalized: emitted below
      this.emit(c, false, updateAtNs, out, onError);
    }
    this.dirty.clear();
    for (const w of this.finalized) {
      for (const c of w.cells.values()) {
        c.dirty = false;
        this.emit(c, true, updateAtNs, out, onError);
      }
    }
    this.finalized = [];
    return out;
  }

  private emit(c: Cell, final: boolean, updateAtNs: bigint, out: FlowRow[], onError: (e: EddyError) => void): void {
    const w = c.win;
    const key = (w.start === null ? '' : String(w.start)) + '|' + c.key;
    const base = { key, windowStart: w.start, windowEnd: w.end, final };
    let values: Record<string, FlowValue> | null;
    try {
      values = this.values(c, updateAtNs);
    } catch (e) {
      onError(e instanceof InternalError ? e : new InternalError(`Flow ${this.plan.name}: cannot compute group ${key}: ${e instanceof Error ? e.message : String(e)}`, e));
      return;
    }
    if (values) {
      c.emitted = true;
      out.push({ ...base, values, deleted: false });
    } else if (c.emitted) {
      c.emitted = false;
      out.push({ ...base, values: this.keyValues(c), deleted: true });
    }
    if (c.members.size === 0 && !c.emitted && !final) {
      w.cells.delete(c.key);
    }
  }

  /** A group's output values now (null: empty, or HAVING rejects it). Throws when an expression fails. */
  private values(c: Cell, updateAtNs: bigint): Record<string, FlowValue> | null {
    if (c.members.size === 0) return null;
    const w = c.win;
    const scope: OutScope = { keys: c.keys, aggs: cellResults(c, this.plan.aggregates), windowStart: w.start, windowEnd: w.end };
    if (this.plan.having && !isTrue(this.plan.having.eval(scope))) return null;
    const values: Record<string, FlowValue> = {};
    for (const col of this.plan.columns) values[col.name] = col.auto === 'update_at' ? updateAtNs : col.expr.eval(scope);
    return values;
  }

  /** The key columns (tags, time index) of a group's row: what deleting it from the sink needs. */
  private keyValues(c: Cell): Record<string, FlowValue> {
    const scope: OutScope = { keys: c.keys, aggs: new Array<FlowValue>(this.plan.aggregates.length).fill(null), windowStart: c.win.start, windowEnd: c.win.end };
    const values: Record<string, FlowValue> = {};
    for (const col of this.plan.columns) {
      if (col.role === 'field') continue;
      try { values[col.name] = col.expr.eval(scope); } catch { values[col.name] = null; }
    }
    return values;
  }

  /** Rows of every open window as they stand, without changing any state (what a new subscriber starts from). */
  current(updateAtNs: bigint): FlowRow[] {
    const out: FlowRow[] = [];
    for (const w of this.windows.values()) {
      for (const c of w.cells.values()) {
        let values: Record<string, FlowValue> | null = null;
        try { values = this.values(c, updateAtNs); } catch { values = null; }
        if (values) out.push({ key: (w.start === null ? '' : String(w.start)) + '|' + c.key, windowStart: w.start, windowEnd: w.end, final: false, deleted: false, values });
      }
    }
    return out;
  }

  openGroups(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.cells.size;
    return n;
  }

  /** All state in the checkpoint's binary form (snapshot_codec.ts), written from the maps without copies. */
  writeSnapshot(out: SnapshotWriter): void {
    out.uint(this.windows.size);
    for (const w of this.windows.values()) writeWindow(out, w);
    out.uint(this.finalized.length);
    for (const w of this.finalized) writeWindow(out, w);
  }

  /**
   * An incremental checkpoint: every window (open, then finalized) as a part, its bytes only when it changed since
   * the part it was last saved in (`id` is then new, from `nextId`). `commit` is called once the parts are stored:
   * only then do the windows count as saved (a change made meanwhile still counts as a change).
   */
  checkpointParts(nextId: () => number): { parts: WindowPart[]; commit: () => void } {
    const parts: WindowPart[] = [];
    const saved: [WindowState, number, number][] = [];
    const add = (w: WindowState, final: boolean): void => {
      const version = w.version ?? 0;
      if (w.savedId !== undefined && w.savedVersion === version) {
        parts.push({ id: w.savedId, final, bytes: null });
        return;
      }
      const out = new SnapshotWriter();
      writeWindow(out, w);
      const id = nextId();
      parts.push({ id, final, bytes: out.written() });
      saved.push([w, id, version]);
    };
    for (const w of this.windows.values()) add(w, false);
    for (const w of this.finalized) add(w, true);
    return { parts, commit: () => { for (const [w, id, version] of saved) { w.savedId = id; w.savedVersion = version; } } };
  }

  /** Restores the state from an incremental checkpoint's parts (each window saved as of its part). */
  readParts(parts: { id: number; final: boolean; bytes: Uint8Array }[]): void {
    const open = parts.filter((p) => !p.final);
    const finalized = parts.filter((p) => p.final);
    const loaded: [WindowState, number][] = [];
    this.load((to) => {
      const read = (p: { id: number; bytes: Uint8Array }): void => {
        const r = new SnapshotReader(p.bytes);
        loaded.push([readWindow(r, to), p.id]);
        if (!r.done) throw new InternalError(`flow checkpoint part ${p.id} has bytes after its window`);
      };
      open.forEach(read);
      to.finalizing();
      finalized.forEach(read);
    });
    for (const [w, id] of loaded) { w.savedId = id; w.savedVersion = w.version ?? 0; }
  }

  /** Restores what writeSnapshot wrote. */
  readSnapshot(r: SnapshotReader): void {
    this.load((to) => {
      for (let w = r.uint(); w > 0; w--) readWindow(r, to);
      to.finalizing();
      for (let w = r.uint(); w > 0; w--) readWindow(r, to);
    });
    if (!r.done) throw new InternalError('flow checkpoint has bytes after its state');
  }

  /** Restores a checkpoint of the older JSON form (StoreSnapshot). */
  restore(s: StoreSnapshot): void {
    this.load((to) => {
      const windows = (list: WindowSnapshot[]): void => {
        for (const ws of list) {
          to.window(ws.s === null ? null : BigInt(ws.s));
          for (const cs of ws.c) to.cell(cs.k.map(decodeValue), cs.e === 1, cs.d === 1, cs.m.map(([rk, vals]) => [rk, vals.map(decodeValue)] as [string, FlowValue[]]));
        }
      };
      windows(s.windows);
      to.finalizing();
      windows(s.finalized);
    });
  }

  /** Clears the state and refills it from `read`: windows, each followed by its cells; the finalized ones last. */
  private load(read: (to: StateLoader) => void): void {
    this.windows.clear();
    this.dirty.clear();
    this.finalized = [];
    this.last = null;
    let finalizing = false;
    let w: WindowState | null = null;
    read({
      window: (start) => {
        const at = start === null ? GLOBAL_WINDOW : start;
        if (!finalizing) w = this.window(at);
        else {
          // finalized windows are apart from the open ones
          w = this.newWindow(at);
          this.finalized.push(w);
        }
        return w;
      },
      cell: (keys, emitted, dirty, members) => {
        if (!w) throw new InternalError('flow checkpoint has a group outside any window');
        const key = keyOf(keys);
        const c = newCell(this.plan.aggregates, key, keys, w);
        for (const [rk, vals] of members) {
          cellAdd(c, this.plan.aggregates, rk, vals);
          w.rows.set(rk, c);
        }
        c.emitted = emitted;
        w.cells.set(key, c);
        if (dirty) this.touch(c);
      },
      finalizing: () => { finalizing = true; },
    });
    if (this.windows.size > 0 && !this.plan.window && !this.windows.has(GLOBAL_WINDOW)) throw new InternalError('snapshot does not match the plan');
  }
}

/** One window of an incremental checkpoint: its bytes, or null when the part `id` saved earlier still holds it. */
export interface WindowPart {
  id: number;
  final: boolean;
  bytes: Uint8Array | null;
}

/** One window in the binary form: its start, then each group with its flags and member rows. */
function writeWindow(out: SnapshotWriter, w: WindowState): void {
  if (w.start === null) out.byte(0);
  else {
    out.byte(1);
    out.value(w.start);
  }
  out.uint(w.cells.size);
  for (const c of w.cells.values()) {
    out.values(c.keys);
    out.byte((c.emitted ? 1 : 0) | (c.dirty ? 2 : 0));
    out.uint(c.members.size);
    for (const [rk, vals] of c.members) {
      out.str(rk);
      out.values(vals);
    }
  }
}

function readWindow(r: SnapshotReader, to: StateLoader): WindowState {
  const w = to.window(r.byte() === 0 ? null : (r.value() as bigint));
  for (let n = r.uint(); n > 0; n--) {
    const keys = r.values();
    const flags = r.byte();
    const members: [string, FlowValue[]][] = new Array(r.uint());
    for (let j = 0; j < members.length; j++) members[j] = [r.str(), r.values()];
    to.cell(keys, (flags & 1) === 1, (flags & 2) === 2, members);
  }
  return w;
}

interface StateLoader {
  window(start: bigint | null): WindowState;
  cell(keys: FlowValue[], emitted: boolean, dirty: boolean, members: [string, FlowValue[]][]): void;
  /** The windows after this are finalized ones. */
  finalizing(): void;
}

export type EncodedValue = number | string | boolean | null;
export interface WindowSnapshot {
  s: string | null;
  c: { k: EncodedValue[]; e: 0 | 1; d: 0 | 1; m: [string, EncodedValue[]][] }[];
}
export interface StoreSnapshot {
  windows: WindowSnapshot[];
  finalized: WindowSnapshot[];
}

/** Strings get an 's' prefix, timestamps 't', non-finite numbers 'n': JSON keeps everything apart. */
export function decodeValue(v: EncodedValue): FlowValue {
  if (typeof v !== 'string') return v;
  const tag = v[0];
  const rest = v.slice(1);
  if (tag === 't') return BigInt(rest);
  if (tag === 'n') return Number(rest);
  return rest;
}
