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

/**
 * Label strings interned by their bytes: remote write repeats the same names and values (job, instance, metric names)
 * in every series, so most labels cost a hash and a byte compare instead of a new string. Bounded: a full table
 * stops adding (the strings still decode, just without reuse).
 */
export class StringTable {
  private readonly slots = new Int32Array(1 << 14).fill(-1);
  private readonly bytes: Uint8Array[] = [];
  private readonly strs: string[] = [];

  get(buf: Uint8Array, from: number, to: number, what: string): string {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    for (let probe = 0, slot = h & mask; probe < 8; probe++, slot = (slot + 1) & mask) {
      const e = this.slots[slot]!;
      if (e < 0) {
        const str = decodeUtf8(buf, from, to, what);
        if (this.bytes.length < this.slots.length / 2) {
          this.slots[slot] = this.bytes.length;
          this.bytes.push(buf.slice(from, to));
          this.strs.push(str);
        }
        return str;
      }
      const b = this.bytes[e]!;
      if (b.length === to - from) {
        let same = true;
        for (let i = 0; i < b.length; i++) if (b[i] !== buf[from + i]) { same = false; break; }
        if (same) return this.strs[e]!;
      }
    }
    return decodeUtf8(buf, from, to, what);
  }
}

function decodeUtf8(b: Uint8Array, from: number, to: number, what: string): string {
  try {
    return utf8.decode(b.subarray(from, to));
  } catch {
    throw new InvalidArgumentError(`${what} at byte ${from} is not valid UTF-8`);
  }
}

function interned(r: ProtoReader, end: number, table: StringTable, what: string): string {
  const e = r.lenEnd();
  if (e > end) r.fail(`${what} runs past its label`);
  const s = table.get(r.buf, r.pos, e, what);
  r.pos = e;
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

export function decodeWriteRequest(buf: Uint8Array, strings: StringTable = new StringTable()): RemoteWriteSeries {
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
          let name = '';
          let value = '';
          while (r.pos < le) {
            const t3 = r.uint32();
            if (t3 === 0x0a) name = interned(r, le, strings, 'label name');
            else if (t3 === 0x12) value = interned(r, le, strings, `value of label '${name}'`);
            else r.skip(t3 & 7);
            if (r.pos > le) r.fail('field runs past its label');
          }
          labelNames.push(name);
          labelValues.push(value);
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

function varintLen(v: number): number {
  if (v < 0) return 10;
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** A TimeSeries written in place (sizes computed up front): no writer or closure per sample, so remote read answers stay cheap. */
function writeSeries(w: ProtoWriter, field: number, s: EncodeSeries): void {
  const bits = new Uint32Array(s.v.buffer, s.v.byteOffset, s.v.length * 2);
  const enc = new TextEncoder();
  const labels = s.labels.map(([n, v]) => [enc.encode(n), enc.encode(v)] as const);
  let size = 0;
  for (const [n, v] of labels) {
    const l = 1 + varintLen(n.length) + n.length + 1 + varintLen(v.length) + v.length;
    size += 1 + varintLen(l) + l;
  }
  for (let i = 0; i < s.v.length; i++) {
    const t = s.t[i]!;
    const l = 9 + (t !== 0 ? 1 + varintLen(t) : 0);
    size += 1 + varintLen(l) + l;
  }
  w.tag(field, WireType.len).varint(size);
  for (const [n, v] of labels) {
    w.tag(1, WireType.len).varint(1 + varintLen(n.length) + n.length + 1 + varintLen(v.length) + v.length);
    w.bytes(1, n).bytes(2, v);
  }
  for (let i = 0; i < s.v.length; i++) {
    const t = s.t[i]!;
    w.tag(2, WireType.len).varint(9 + (t !== 0 ? 1 + varintLen(t) : 0));
    w.fixed64Bits(1, bits[i * 2]!, bits[i * 2 + 1]!);
    if (t !== 0) w.int64(2, t);
  }
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
