// One remote-write request -> one batch of its physical metric table: __table_id and every label as dictionary-coded
// tag columns, the value and the time index; built from a PromSeriesTable's ids with typed arrays, no object per sample.
import { newSeriesSource, type Column, type WriteBatch } from '../../batch.ts';
import { TABLE_ID_COLUMN } from '../../metric_engine.ts';
import { msToNsInto, PROM_TIME_COLUMN, PROM_VALUE_COLUMN } from './remote_write.ts';
import type { DecodedWrite, PromSeriesTable } from './series_table.ts';

function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * One request as a batch of its physical table, before the catalog is consulted: `__table_id`'s dictionary holds the
 * metric names (the writer puts each one's logical table id in its place), and `metricTags` says which label columns
 * each metric's series fill, so the writer checks a request's metrics against their tables without reading its rows.
 * Self-contained (strings and typed arrays only): it may be built in a worker thread and sent to the node.
 */
export interface PromBatch {
  /** `table` is left empty; columns: `__table_id`, one per label name, value, time; the series hint is the decoder's. */
  batch: WriteBatch;
  /** Metric names, in `__table_id` code order. */
  metrics: string[];
  /** `metricTags[c * metrics.length + m]` = 1 when a series of metric m has a value in column c (index in batch.columns). */
  metricTags: Uint8Array;
  samples: number;
  metadata: number;
}

/**
 * Builds physical batches. Per-request maps (metric -> code, label name -> column, label pair -> code) are typed
 * arrays indexed by the table's ids and tagged with a request stamp, so they are never cleared or reallocated.
 */
export class PhysicalBatchBuilder {
  private stamp = 0;
  private metricStamp = new Int32Array(1024);
  private metricCode = new Int32Array(1024);
  private nameStamp = new Int32Array(1024);
  private nameCol = new Int32Array(1024);
  private pairStamp = new Int32Array(1024);
  private pairCode = new Int32Array(1024);

  constructor(private readonly table: PromSeriesTable) {}

  /**
   * The physical batch of decoded requests, their rows one after the other in the order given (several requests make
   * one batch: group commit); its series hint is the table's series ids under the table's source. Every request must
   * come from the table's current generation (ids of a cleared table are void).
   */
  build(decs: DecodedWrite | readonly DecodedWrite[]): PromBatch {
    const list: readonly DecodedWrite[] = Array.isArray(decs) ? decs : [decs as DecodedWrite];
    const st = ++this.stamp;
    const tb = this.table;
    let rows = 0;
    let metadata = 0;
    for (const d of list) { rows += d.samples; metadata += d.metadata; }
    this.metricStamp = grow(this.metricStamp, tb.strings.length);
    this.metricCode = grow(this.metricCode, tb.strings.length);
    this.nameStamp = grow(this.nameStamp, tb.strings.length);
    this.nameCol = grow(this.nameCol, tb.strings.length);
    this.pairStamp = grow(this.pairStamp, tb.pairs);
    this.pairCode = grow(this.pairCode, tb.pairs);
    const tids = new Int32Array(rows);
    const metrics: string[] = [];
    /** Per label column: the metric codes whose series fill it (a metric at most once per column, by `seen`). */
    const cols: { name: number; codes: Int32Array; valid: Uint8Array; dict: string[]; filled: number; metrics: number[]; seen: Int32Array }[] = [];
    const ts = new BigInt64Array(rows);
    const tsBits = new Uint32Array(ts.buffer);
    const values = new Float64Array(rows);
    const { metricStamp, metricCode, nameStamp, nameCol, pairStamp, pairCode } = this;
    // the table's arrays do not change while a batch is built (no decode runs): read them once
    const { metric: sMetric, pairStart, seriesPairs, pairName, pairValue, strings } = tb;
    const hint = new Int32Array(rows);
    let base = 0;
    let lastMs = NaN, lastLo = 0, lastHi = 0;
    for (const dec of list) {
      values.set(dec.v, base);
      const { sid, sampleStart, t } = dec;
      for (let i = 0; i < dec.count; i++) {
        const from = base + sampleStart[i]!, to = base + sampleStart[i + 1]!;
        if (from === to) continue;
        const s = sid[i]!;
        const m = sMetric[s]!;
        if (metricStamp[m] !== st) {
          metricStamp[m] = st;
          metricCode[m] = metrics.length;
          metrics.push(strings[m]!);
        }
        const mc = metricCode[m]!;
        if (to - from === 1) { tids[from] = mc; hint[from] = s; } else { tids.fill(mc, from, to); hint.fill(s, from, to); }
        for (let p = pairStart[s]!, pe = pairStart[s + 1]!; p < pe; p++) {
          const pair = seriesPairs[p]!;
          const name = pairName[pair]!;
          if (nameStamp[name] !== st) {
            nameStamp[name] = st;
            nameCol[name] = cols.length;
            cols.push({ name, codes: new Int32Array(rows), valid: new Uint8Array(rows), dict: [], filled: 0, metrics: [], seen: new Int32Array(8).fill(-1) });
          }
          const col = cols[nameCol[name]!]!;
          if (pairStamp[pair] !== st) { pairStamp[pair] = st; pairCode[pair] = col.dict.length; col.dict.push(strings[pairValue[pair]!]!); }
          const code = pairCode[pair]!;
          if (to - from === 1) { col.codes[from] = code; col.valid[from] = 1; } else { col.codes.fill(code, from, to); col.valid.fill(1, from, to); }
          col.filled += to - from;
          if (mc >= col.seen.length) { const b = new Int32Array(Math.max(mc + 1, col.seen.length * 2)).fill(-1); b.set(col.seen); col.seen = b; }
          if (col.seen[mc] !== st) { col.seen[mc] = st; col.metrics.push(mc); }
        }
        for (let r = from; r < to; r++) {
          // a scrape's samples share a timestamp: its nanoseconds are worked out once
          const ms = t[r - base]!;
          if (ms === lastMs) { tsBits[r * 2] = lastLo; tsBits[r * 2 + 1] = lastHi; continue; }
          msToNsInto(ms, tsBits, r);
          lastMs = ms; lastLo = tsBits[r * 2]!; lastHi = tsBits[r * 2 + 1]!;
        }
      }
      base += dec.samples;
    }
    const columns: Column[] = [{ name: TABLE_ID_COLUMN, type: 'string', semantic: 'tag', values: tids, valid: null, dict: metrics }];
    const metricTags = new Uint8Array((cols.length + 1) * metrics.length);
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      columns.push({ name: strings[col.name]!, type: 'string', semantic: 'tag', values: col.codes, valid: col.filled === rows ? null : col.valid, dict: col.dict });
      for (const mc of col.metrics) metricTags[(c + 1) * metrics.length + mc] = 1;
    }
    columns.push({ name: PROM_VALUE_COLUMN, type: 'float64', semantic: 'field', values, valid: null });
    columns.push({ name: PROM_TIME_COLUMN, type: 'timestamp', semantic: 'timestamp', values: ts, valid: null, unit: 'ms' });
    return { batch: { table: '', rows, columns, series: { source: tb.source, ids: hint } }, metrics, metricTags, samples: rows, metadata };
  }
}

/** Per physical table: the table id each metric was last written with, and the series hint's source for them. */
interface IdTarget {
  /** The decoder's source the hint below stands for. */
  from: number;
  /** The source the batches carry: the decoder's, or a new one once a metric's table id changed (a DROP and CREATE). */
  source: number;
  tids: Map<string, string>;
}

/**
 * Puts each metric's logical table id in place of its name in a PromBatch's `__table_id` dictionary. The series hint
 * (the decoder's series ids) stays valid while every metric keeps its table id on that physical table; once one
 * changes (its table dropped and made again), the batch carries a new source, as the id is part of the series.
 */
export class TableIdAssigner {
  private readonly targets = new Map<string, IdTarget>();

  /** `key` names the physical table (db included); `tableId(m)` is metric m's logical table id. */
  assign(key: string, p: PromBatch, table: string, tableId: (m: number) => string): WriteBatch {
    const { batch, metrics } = p;
    const source = batch.series!.source;
    let tg = this.targets.get(key);
    if (!tg || tg.from !== source) this.targets.set(key, (tg = { from: source, source, tids: new Map() }));
    const tids = new Array<string>(metrics.length);
    for (let m = 0; m < metrics.length; m++) {
      const tid = tableId(m);
      tids[m] = tid;
      const was = tg.tids.get(metrics[m]!);
      if (was !== tid) {
        if (was !== undefined) tg.source = newSeriesSource();
        tg.tids.set(metrics[m]!, tid);
      }
    }
    batch.columns[0] = { ...batch.columns[0]!, dict: tids };
    batch.series = { source: tg.source, ids: batch.series!.ids };
    batch.table = table;
    return batch;
  }
}
