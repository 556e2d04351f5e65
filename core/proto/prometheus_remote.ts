// Prometheus remote write 1.0 / remote read messages (prompb: WriteRequest, ReadRequest, ReadResponse) read and
// written straight from and into flat typed arrays, one pass, no object per sample.
//   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; exemplars = 3; histograms = 4; }
//   Label        { string name = 1; string value = 2; }          Sample { double value = 1; int64 timestamp = 2; }
//   ReadRequest  { repeated Query queries = 1; repeated ResponseType accepted_response_types = 2; }
//   Query        { int64 start_timestamp_ms = 1; int64 end_timestamp_ms = 2; repeated LabelMatcher matchers = 3; ReadHints hints = 4; }
//   LabelMatcher { Type type = 1 (EQ, NEQ, RE, NRE); string name = 2; string value = 3; }
//   ReadResponse { repeated QueryResult results = 1; }              QueryResult { repeated TimeSeries timeseries = 1; }
import { InvalidArgumentError } from '../errors.ts';
import type { LabelMatcher, SeriesSamples } from '../promql/types.ts';
import { ProtoReader, ProtoWriter, WireType } from './wire.ts';

/** A decoded WriteRequest, columnar: series i has labels [labelStart[i], labelStart[i+1]) and samples likewise. */
export interface RemoteWriteSeries {
  count: number;
  labelStart: Int32Array;
  labelNames: string[];
  labelValues: string[];
  sampleStart: Int32Array;
  /** Timestamps, Unix ms. */
  t: Float64Array;
  /** Values; NaN payloads (Prometheus's stale marker) are copied bit for bit. */
  v: Float64Array;
  samples: number;
  metadata: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A string field: ASCII by a short loop (label names and most values), else a strict UTF-8 decode. */
function readString(r: ProtoReader, what: string): string {
  const end = r.lenEnd();
  const b = r.buf;
  let s = '';
  let ascii = end - r.pos <= 64;
  if (ascii) {
    for (let i = r.pos; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      s += String.fromCharCode(c);
    }
  }
  if (!ascii) {
    try {
      s = utf8.decode(b.subarray(r.pos, end));
    } catch {
      throw new InvalidArgumentError(`${what} at byte ${r.pos} is not valid UTF-8`);
    }
  }
  r.pos = end;
  return s;
}

class Grow {
  f = new Float64Array(1024);
  t = new Float64Array(1024);
  len = 0;
  ensure(n: number): void {
    if (this.len + n <= this.f.length) return;
    const cap = Math.max(this.f.length * 2, this.len + n);
    const f = new Float64Array(cap);
    f.set(this.f.subarray(0, this.len));
    const t = new Float64Array(cap);
    t.set(this.t.subarray(0, this.len));
    this.f = f;
    this.t = t;
  }
}

export function decodeWriteRequest(buf: Uint8Array): RemoteWriteSeries {
  const r = new ProtoReader(buf);
  const labelStart: number[] = [];
  const sampleStart: number[] = [];
  const labelNames: string[] = [];
  const labelValues: string[] = [];
  const g = new Grow();
  let bits = new Uint32Array(g.f.buffer);
  let metadata = 0;
  while (!r.done()) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1 && wt === WireType.len) {
      const end = r.lenEnd();
      labelStart.push(labelNames.length);
      sampleStart.push(g.len);
      while (r.pos < end) {
        const t2 = r.uint32();
        const f2 = t2 >>> 3;
        const w2 = t2 & 7;
        if (f2 === 1 && w2 === WireType.len) {
          const le = r.lenEnd();
          const sub = new ProtoReader(buf, r.pos, le);
          let name = '';
          let value = '';
          while (!sub.done()) {
            const t3 = sub.uint32();
            if (t3 === 0x0a) name = readString(sub, 'label name');
            else if (t3 === 0x12) value = readString(sub, `value of label '${name}'`);
            else sub.skip(t3 & 7);
          }
          labelNames.push(name);
          labelValues.push(value);
          r.pos = le;
        } else if (f2 === 2 && w2 === WireType.len) {
          const se = r.lenEnd();
          g.ensure(1);
          if (bits.buffer !== g.f.buffer) bits = new Uint32Array(g.f.buffer);
          let ts = 0;
          bits[g.len * 2] = 0;
          bits[g.len * 2 + 1] = 0;
          while (r.pos < se) {
            const t3 = r.uint32();
            if (t3 === 0x09) {
              // double value = 1, copied as raw bits into the Float64Array
              const at = r.pos;
              if (at + 8 > se) r.fail('truncated sample value');
              bits[g.len * 2] = (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
              bits[g.len * 2 + 1] = (buf[at + 4]! | (buf[at + 5]! << 8) | (buf[at + 6]! << 16) | (buf[at + 7]! << 24)) >>> 0;
              r.pos = at + 8;
            } else if (t3 === 0x10) ts = r.int64();
            else r.skip(t3 & 7);
            if (r.pos > se) r.fail('sample field runs past the sample');
          }
          g.t[g.len++] = ts;
        } else r.skip(w2);
        if (r.pos > end) r.fail('field runs past its time series');
      }
    } else if (field === 3 && wt === WireType.len) {
      metadata++;
      r.skip(wt);
    } else r.skip(wt);
  }
  labelStart.push(labelNames.length);
  sampleStart.push(g.len);
  return {
    count: labelStart.length - 1,
    labelStart: Int32Array.from(labelStart),
    labelNames,
    labelValues,
    sampleStart: Int32Array.from(sampleStart),
    t: g.t.subarray(0, g.len),
    v: g.f.subarray(0, g.len),
    samples: g.len,
    metadata,
  };
}

/** One series for the encoders: labels and columnar samples. */
export interface EncodeSeries {
  labels: ReadonlyArray<readonly [string, string]>;
  t: ArrayLike<number>;
  v: Float64Array;
}

function writeSeries(w: ProtoWriter, field: number, s: EncodeSeries): void {
  const bits = new Uint32Array(s.v.buffer, s.v.byteOffset, s.v.length * 2);
  w.message(field, (m) => {
    for (const [name, value] of s.labels) m.message(1, (l) => l.string(1, name).string(2, value));
    for (let i = 0; i < s.v.length; i++) {
      m.message(2, (x) => {
        x.fixed64Bits(1, bits[i * 2]!, bits[i * 2 + 1]!);
        if (s.t[i] !== 0) x.int64(2, s.t[i]!);
      });
    }
  });
}

/** A WriteRequest (tests, benchmarks, and anything that forwards samples); `metadata` adds that many empty metadata entries. */
export function encodeWriteRequest(series: EncodeSeries[], metadata = 0): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) writeSeries(w, 1, s);
  for (let i = 0; i < metadata; i++) w.message(3, (m) => m.int64(1, 1).string(2, 'metric'));
  return w.finish();
}

export interface RemoteReadQuery {
  startMs: number;
  endMs: number;
  matchers: LabelMatcher[];
}

const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;

export function decodeReadRequest(buf: Uint8Array): { queries: RemoteReadQuery[]; acceptedTypes: number[] } {
  const r = new ProtoReader(buf);
  const queries: RemoteReadQuery[] = [];
  const acceptedTypes: number[] = [];
  while (!r.done()) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      const end = r.lenEnd();
      const q: RemoteReadQuery = { startMs: 0, endMs: 0, matchers: [] };
      while (r.pos < end) {
        const t2 = r.uint32();
        if (t2 === 0x08) q.startMs = r.int64();
        else if (t2 === 0x10) q.endMs = r.int64();
        else if (t2 === 0x1a) {
          const me = r.lenEnd();
          const sub = new ProtoReader(buf, r.pos, me);
          let op = 0;
          let name = '';
          let value = '';
          while (!sub.done()) {
            const t3 = sub.uint32();
            if (t3 === 0x08) op = sub.uint32();
            else if (t3 === 0x12) name = readString(sub, 'matcher name');
            else if (t3 === 0x1a) value = readString(sub, 'matcher value');
            else sub.skip(t3 & 7);
          }
          const mop = MATCH_OPS[op];
          if (!mop) throw new InvalidArgumentError(`unknown label matcher type ${op}`);
          q.matchers.push({ name, op: mop, value });
          r.pos = me;
        } else r.skip(t2 & 7);
      }
      queries.push(q);
    } else if (tag === 0x10) acceptedTypes.push(r.uint32());
    else if (tag === 0x12) {
      // packed repeated enum
      const end = r.lenEnd();
      while (r.pos < end) acceptedTypes.push(r.uint32());
    } else r.skip(tag & 7);
  }
  return { queries, acceptedTypes };
}

/** A ReadRequest (tests and clients). */
export function encodeReadRequest(queries: RemoteReadQuery[]): Uint8Array {
  const w = new ProtoWriter();
  for (const q of queries) {
    w.message(1, (m) => {
      m.int64(1, q.startMs).int64(2, q.endMs);
      for (const x of q.matchers) m.message(3, (l) => l.int64(1, MATCH_OPS.indexOf(x.op)).string(2, x.name).string(3, x.value));
    });
  }
  return w.finish();
}

/** A samples ReadResponse: one QueryResult per query. */
export function encodeReadResponse(results: SeriesSamples[][]): Uint8Array {
  const w = new ProtoWriter();
  for (const series of results) w.message(1, (m) => { for (const s of series) writeSeries(m, 1, s); });
  return w.finish();
}

/** Reads a ReadResponse back (tests). */
export function decodeReadResponse(buf: Uint8Array): RemoteWriteSeries[] {
  const r = new ProtoReader(buf);
  const out: RemoteWriteSeries[] = [];
  while (!r.done()) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      const end = r.lenEnd();
      // a QueryResult has the same field 1 layout as a WriteRequest
      out.push(decodeWriteRequest(buf.subarray(r.pos, end)));
      r.pos = end;
    } else r.skip(tag & 7);
  }
  return out;
}
