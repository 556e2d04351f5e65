// The common shape of a WriteRequest read with no reader object and no call per field: time series of labels then
// samples, short lengths, a sample's value then timestamp (either left out when zero, as proto3 encoders do). Anything
// else (metadata, exemplars, long varints, a malformed field) returns null and the checked reader does the request.
import type { DecodedWrite, PromSeriesTable } from './series_table.ts';

export function grow(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** A request's columns as they are read, grown by doubling (both readers write into one). */
export class RequestColumns {
  sid = new Int32Array(256);
  sampleStart = new Int32Array(257);
  t = new Float64Array(1024);
  v = new Float64Array(1024);
  /** The values' raw bits: a double's 8 bytes are copied, so stale-marker NaN payloads survive. */
  bits = new Uint32Array(this.v.buffer);

  /** Room for sample `n`. */
  sampleRoom(n: number): void {
    if (n < this.t.length) return;
    const t = new Float64Array(n * 2); t.set(this.t); this.t = t;
    const v = new Float64Array(n * 2); v.set(this.v); this.v = v;
    this.bits = new Uint32Array(v.buffer);
  }

  /** Room for series `count`. */
  seriesRoom(count: number): void {
    if (count + 1 < this.sid.length) return;
    this.sid = grow(this.sid, count * 2 + 2);
    this.sampleStart = grow(this.sampleStart, count * 2 + 3);
  }

  result(count: number, n: number, metadata: number): DecodedWrite {
    this.sampleStart[count] = n;
    return {
      count, sid: this.sid.subarray(0, count), sampleStart: this.sampleStart.subarray(0, count + 1),
      t: this.t.subarray(0, n), v: this.v.subarray(0, n), samples: n, metadata,
    };
  }
}

/** Timestamps past 7 varint bytes (2^49 ms, year 19800) or negative go to the checked reader. */
const MAX_TS_BYTES = 7;

/**
 * Reads `buf` into `tb` if every field has the common shape; null otherwise (series already added stay: a later read
 * of the same request finds them known). Errors about the series themselves (no metric name, a label twice, samples
 * out of order) are left to the checked reader too, so they read the same whichever path met them.
 */
export function decodeCommon(tb: PromSeriesTable, buf: Uint8Array): DecodedWrite | null {
  const end = buf.length;
  const c = tb.columns;
  let t = c.t, bits = c.bits;
  let n = 0;
  let count = 0;
  let pos = 0;
  while (pos < end) {
    if (buf[pos] !== 0x0a || pos + 2 >= end) return null;
    // TimeSeries length: one or two varint bytes
    let b = buf[pos + 1]!;
    let len: number;
    if (b < 0x80) { len = b; pos += 2; } else {
      const b2 = buf[pos + 2]!;
      if (b2 >= 0x80) return null;
      len = (b & 0x7f) | (b2 << 7);
      pos += 3;
    }
    const se = pos + len;
    if (se > end) return null;
    // labels: contiguous Label fields, each shorter than 128 bytes
    const from = pos;
    let ranges = 0;
    let rs = tb.ranges;
    while (pos < se && buf[pos] === 0x0a) {
      if (pos + 1 >= se) return null;
      const ll = buf[pos + 1]!;
      if (ll >= 0x80) return null;
      const le = pos + 2 + ll;
      if (le > se) return null;
      if (ranges * 2 + 2 > rs.length) rs = tb.ranges = grow(rs, ranges * 2 + 2);
      rs[ranges * 2] = pos;
      rs[ranges * 2 + 1] = le;
      ranges++;
      pos = le;
    }
    const to = pos;
    // samples
    const first = n;
    let prevT = -Infinity;
    while (pos < se) {
      if (buf[pos] !== 0x12 || pos + 1 >= se) return null;
      const sl = buf[pos + 1]!;
      if (sl >= 0x80) return null;
      pos += 2;
      const ss = pos + sl;
      if (ss > se) return null;
      if (n === t.length) {
        c.sampleRoom(n);
        t = c.t; bits = c.bits;
      }
      if (pos < ss && buf[pos] === 0x09) {
        if (pos + 9 > ss) return null;
        const p = pos + 1;
        bits[n * 2] = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
        bits[n * 2 + 1] = (buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24)) >>> 0;
        pos += 9;
      } else { bits[n * 2] = 0; bits[n * 2 + 1] = 0; }
      let ts = 0;
      if (pos < ss && buf[pos] === 0x10) {
        pos++;
        let mul = 1;
        let k = 0;
        for (;;) {
          if (pos >= ss || k === MAX_TS_BYTES) return null;
          b = buf[pos++]!;
          ts += (b & 0x7f) * mul;
          k++;
          if (b < 0x80) break;
          mul *= 128;
        }
      }
      if (pos !== ss) return null;
      if (ts < prevT) return null;
      t[n++] = ts;
      prevT = ts;
    }
    if (pos !== se) return null;
    c.seriesRoom(count);
    c.sampleStart[count] = first;
    c.sid[count] = tb.seriesOf(buf, ranges ? from : -1, to, true, ranges, count);
    count++;
  }
  return c.result(count, n, 0);
}
