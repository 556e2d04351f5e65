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
  /**
   * The series hint: the table's series ids, under a source of our own that changes with the table's (a clear) and
   * whenever a metric's logical table id is not the one it had (a DROP and CREATE), as the id is part of the series.
   */
  private tableIdOf: string[] = [];
  private hintOf = -1;
  private hintSource = 0;

  constructor(private readonly table: PromSeriesTable) {}

  /** The distinct metric string ids of a request (series without samples left out). */
  metricsOf(dec: DecodedWrite): number[] {
    const st = ++this.stamp;
    const tb = this.table;
    this.metricStamp = grow(this.metricStamp, tb.strings.length);
    const out: number[] = [];
    for (let i = 0; i < dec.count; i++) {
      if (dec.sampleStart[i + 1] === dec.sampleStart[i]) continue;
      const m = tb.metric[dec.sid[i]!]!;
      if (this.metricStamp[m] !== st) { this.metricStamp[m] = st; out.push(m); }
    }
    return out;
  }

  /** Label names (string ids) of a request's series of one metric. */
  labelNamesOf(dec: DecodedWrite, metric: number): number[] {
    const tb = this.table;
    const out = new Set<number>();
    for (let i = 0; i < dec.count; i++) {
      const s = dec.sid[i]!;
      if (tb.metric[s] !== metric) continue;
      for (let p = tb.pairStart[s]!; p < tb.pairStart[s + 1]!; p++) out.add(tb.pairName[tb.seriesPairs[p]!]!);
    }
    return [...out];
  }

  /**
   * The physical batch. `tableId(metric)` names each metric's logical table id; the caller has made sure every
   * label is a tag of it (and of the physical table).
   */
  build(dec: DecodedWrite, physical: string, tableId: (metric: number) => string): WriteBatch {
    const st = ++this.stamp;
    const tb = this.table;
    const rows = dec.samples;
    this.metricStamp = grow(this.metricStamp, tb.strings.length);
    this.metricCode = grow(this.metricCode, tb.strings.length);
    this.nameStamp = grow(this.nameStamp, tb.strings.length);
    this.nameCol = grow(this.nameCol, tb.strings.length);
    this.pairStamp = grow(this.pairStamp, tb.pairs);
    this.pairCode = grow(this.pairCode, tb.pairs);
    const tids = new Int32Array(rows);
    const tidDict: string[] = [];
    const cols: { name: number; codes: Int32Array; valid: Uint8Array; dict: string[]; filled: number }[] = [];
    const ts = new BigInt64Array(rows);
    const tsBits = new Uint32Array(ts.buffer);
    const values = new Float64Array(rows);
    values.set(dec.v);
    const { metricStamp, metricCode, nameStamp, nameCol, pairStamp, pairCode } = this;
    if (this.hintOf !== tb.source) { this.hintOf = tb.source; this.hintSource = newSeriesSource(); this.tableIdOf = []; }
    const hint = new Int32Array(rows);
    for (let i = 0; i < dec.count; i++) {
      const from = dec.sampleStart[i]!, to = dec.sampleStart[i + 1]!;
      if (from === to) continue;
      const s = dec.sid[i]!;
      const m = tb.metric[s]!;
      if (metricStamp[m] !== st) {
        metricStamp[m] = st;
        metricCode[m] = tidDict.length;
        const tid = tableId(m);
        tidDict.push(tid);
        if (this.tableIdOf[m] !== tid) {
          if (this.tableIdOf[m] !== undefined) this.hintSource = newSeriesSource();
          this.tableIdOf[m] = tid;
        }
      }
      const mc = metricCode[m]!;
      for (let r = from; r < to; r++) { tids[r] = mc; hint[r] = s; }
      for (let p = tb.pairStart[s]!; p < tb.pairStart[s + 1]!; p++) {
        const pair = tb.seriesPairs[p]!;
        const name = tb.pairName[pair]!;
        if (nameStamp[name] !== st) {
          nameStamp[name] = st;
          nameCol[name] = cols.length;
          cols.push({ name, codes: new Int32Array(rows), valid: new Uint8Array(rows), dict: [], filled: 0 });
        }
        const col = cols[nameCol[name]!]!;
        if (pairStamp[pair] !== st) { pairStamp[pair] = st; pairCode[pair] = col.dict.length; col.dict.push(tb.strings[tb.pairValue[pair]!]!); }
        const code = pairCode[pair]!;
        if (to - from === 1) { col.codes[from] = code; col.valid[from] = 1; } else { col.codes.fill(code, from, to); col.valid.fill(1, from, to); }
        col.filled += to - from;
      }
      for (let r = from; r < to; r++) msToNsInto(dec.t[r]!, tsBits, r);
    }
    const columns: Column[] = [{ name: TABLE_ID_COLUMN, type: 'string', semantic: 'tag', values: tids, valid: null, dict: tidDict }];
    for (const c of cols) {
      columns.push({ name: tb.strings[c.name]!, type: 'string', semantic: 'tag', values: c.codes, valid: c.filled === rows ? null : c.valid, dict: c.dict });
    }
    columns.push({ name: PROM_VALUE_COLUMN, type: 'float64', semantic: 'field', values, valid: null });
    columns.push({ name: PROM_TIME_COLUMN, type: 'timestamp', semantic: 'timestamp', values: ts, valid: null, unit: 'ms' });
    return { table: physical, rows, columns, series: { source: this.hintSource, ids: hint } };
  }
}
