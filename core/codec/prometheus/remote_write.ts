// Prometheus remote write 1.0 payload -> one columnar WriteBatch per metric name (GreptimeDB's layout: table = metric,
// one string tag per label, time `greptime_timestamp` in ms, field `greptime_value`), validated whole before anything is written.
import { InvalidArgumentError } from '../../errors.ts';
import type { Column, WriteBatch } from '../../batch.ts';
import { decodeWriteRequest, type RemoteWriteSeries } from '../../proto/prometheus_remote.ts';
import { snappyDecode } from './snappy.ts';

export const PROM_TIME_COLUMN = 'greptime_timestamp';
export const PROM_VALUE_COLUMN = 'greptime_value';
export const METRIC_NAME_LABEL = '__name__';

/** Prometheus's stale marker NaN (value.StaleNaN): bit pattern 0x7ff0000000000002. */
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

export function staleNaN(): Float64Array {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  u[0] = STALE_NAN_LO;
  u[1] = STALE_NAN_HI;
  return f;
}

export function isStaleMarker(v: Float64Array, i: number): boolean {
  const u = new Uint32Array(v.buffer, v.byteOffset + i * 8, 2);
  return u[0] === STALE_NAN_LO && u[1] === STALE_NAN_HI;
}

const TWO32 = 4294967296;
const TWO21 = 2097152;

/**
 * Writes ms * 1e6 as int64 into a BigInt64Array through its uint32 halves (little-endian), exact for any ms within
 * ±2^53 and without a BigInt per row.
 */
export function msToNsInto(ms: number, out: Uint32Array, i: number): void {
  const neg = ms < 0;
  const a = Math.floor(Math.abs(ms) / TWO21);
  const b = Math.abs(ms) - a * TWO21;
  const x = a * 1e6; // < 2^53 for |ms| < 2^53 / 1e6 * 2^21... exact while |ms| < ~9e15
  const y = b * 1e6; // < 2^41
  const xh = Math.floor(x / 2048);
  const xl = x - xh * 2048;
  let lo = xl * TWO21 + y;
  let hi = xh + Math.floor(lo / TWO32);
  lo = lo % TWO32;
  if (neg) {
    // two's complement of (hi, lo)
    lo = (TWO32 - lo) % TWO32;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  out[i * 2] = lo >>> 0;
  out[i * 2 + 1] = hi >>> 0;
}

/** Decompresses and decodes a remote-write body, then groups it into batches; throws a 400-class error on bad input. */
export function decodeRemoteWrite(body: Uint8Array): { batches: WriteBatch[]; samples: number; metadata: number } {
  const raw = snappyDecode(body);
  const req = decodeWriteRequest(raw);
  return { batches: remoteWriteBatches(req), samples: req.samples, metadata: req.metadata };
}

/** Groups decoded series by metric name into one batch per metric, checking every series first. */
export function remoteWriteBatches(req: RemoteWriteSeries): WriteBatch[] {
  const byMetric = new Map<string, number[]>();
  const { labelStart, labelNames, labelValues, sampleStart, t } = req;
  for (let s = 0; s < req.count; s++) {
    let metric: string | null = null;
    for (let l = labelStart[s]!; l < labelStart[s + 1]!; l++) {
      const name = labelNames[l]!;
      if (name === METRIC_NAME_LABEL) metric = labelValues[l]!;
      else if (name === '' ) throw new InvalidArgumentError(`time series ${s} has a label with an empty name`);
      else if (name === PROM_TIME_COLUMN || name === PROM_VALUE_COLUMN) {
        throw new InvalidArgumentError(`time series ${s} has a label named '${name}', which is the column EddyDB stores ${name === PROM_TIME_COLUMN ? 'timestamps' : 'values'} in`);
      }
      for (let k = labelStart[s]!; k < l; k++) {
        if (labelNames[k] === name) throw new InvalidArgumentError(`time series ${s} has the label '${name}' twice`);
      }
    }
    if (metric === null || metric === '') throw new InvalidArgumentError(`time series ${s} has no metric name (label __name__)`, { row: s });
    for (let i = sampleStart[s]! + 1; i < sampleStart[s + 1]!; i++) {
      if (t[i]! < t[i - 1]!) {
        throw new InvalidArgumentError(`out of order sample in time series ${s} (${metric}): timestamp ${t[i]} after ${t[i - 1]}`, { row: s });
      }
    }
    if (sampleStart[s + 1] === sampleStart[s]) continue;
    const list = byMetric.get(metric);
    if (list) list.push(s);
    else byMetric.set(metric, [s]);
  }
  const batches: WriteBatch[] = [];
  for (const [metric, series] of byMetric) batches.push(metricBatch(req, metric, series));
  return batches;
}

function metricBatch(req: RemoteWriteSeries, metric: string, series: number[]): WriteBatch {
  const { labelStart, labelNames, labelValues, sampleStart } = req;
  let rows = 0;
  for (const s of series) rows += sampleStart[s + 1]! - sampleStart[s]!;
  // Tag columns: the union of label names over the metric's series, dictionary-encoded (one code per row).
  const tagIndex = new Map<string, number>();
  const tags: { name: string; codes: Int32Array; dict: string[]; dictIndex: Map<string, number>; valid: Uint8Array; missing: boolean }[] = [];
  const ts = new BigInt64Array(rows);
  const tsBits = new Uint32Array(ts.buffer);
  const values = new Float64Array(rows);
  let row = 0;
  for (const s of series) {
    const from = sampleStart[s]!;
    const to = sampleStart[s + 1]!;
    const n = to - from;
    for (let l = labelStart[s]!; l < labelStart[s + 1]!; l++) {
      const name = labelNames[l]!;
      if (name === METRIC_NAME_LABEL) continue;
      const value = labelValues[l]!;
      // Prometheus: an empty label value is the same as the label being absent.
      if (value === '') continue;
      let ti = tagIndex.get(name);
      if (ti === undefined) {
        ti = tags.length;
        tagIndex.set(name, ti);
        tags.push({ name, codes: new Int32Array(rows), dict: [], dictIndex: new Map(), valid: new Uint8Array(rows), missing: false });
      }
      const tag = tags[ti]!;
      let code = tag.dictIndex.get(value);
      if (code === undefined) {
        code = tag.dict.length;
        tag.dict.push(value);
        tag.dictIndex.set(value, code);
      }
      tag.codes.fill(code, row, row + n);
      tag.valid.fill(1, row, row + n);
    }
    for (let i = from; i < to; i++) msToNsInto(req.t[i]!, tsBits, row + i - from);
    // a typed-array copy keeps NaN payloads (the stale marker) bit for bit
    values.set(req.v.subarray(from, to), row);
    row += n;
  }
  const columns: Column[] = [];
  for (const tag of tags) {
    let all = true;
    for (let i = 0; i < rows; i++) if (tag.valid[i] === 0) { all = false; break; }
    columns.push({ name: tag.name, type: 'string', semantic: 'tag', values: tag.codes, dict: tag.dict, valid: all ? null : tag.valid });
  }
  columns.push({ name: PROM_VALUE_COLUMN, type: 'float64', semantic: 'field', values, valid: null });
  columns.push({ name: PROM_TIME_COLUMN, type: 'timestamp', semantic: 'timestamp', values: ts, valid: null, unit: 'ms' });
  return { table: metric, rows, columns };
}
