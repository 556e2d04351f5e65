// Prometheus remote write decode: snappy and protobuf round trips (fast-check), stale markers bit-exact, bad input rejected cleanly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { snappyDecode, snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { decodeRemoteWrite, isStaleMarker, msToNsInto, staleNaN } from '../../../core/codec/prometheus/remote_write.ts';
import { decodeWriteRequest, encodeWriteRequest, type EncodeSeries } from '../../../core/proto/prometheus_remote.ts';
import { payloadCodecs } from '../../../core/codec/index.ts';
import { EddyError, stringValues, type Column } from '../../../core/index.ts';

const rw = (series: EncodeSeries[], metadata = 0) => snappyEncode(encodeWriteRequest(series, metadata));
const col = (b: { columns: Column[] }, name: string) => b.columns.find((c) => c.name === name)!;

describe('snappy', () => {
  it('round-trips arbitrary and repetitive bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(200), (a, rep) => {
      const src = new Uint8Array(a.length + rep * 7);
      src.set(a);
      for (let i = a.length; i < src.length; i++) src[i] = src[i % Math.max(1, Math.min(a.length, 13))] ?? 7;
      expect(snappyDecode(snappyEncode(src))).toEqual(src);
    }));
  });

  it('decodes into a reused buffer: the same bytes whatever the buffer held, a fresh one when it is too short', () => {
    const into = new Uint8Array(2000).fill(0xab);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (a) => {
      const src = Uint8Array.from([...a, ...a.subarray(0, 40)]);
      const out = snappyDecode(snappyEncode(src), undefined, into);
      expect(out).toEqual(src);
      expect(out.buffer === into.buffer).toBe(src.length <= into.length);
    }));
  });

  it('compresses repetition (the encoder emits copies)', () => {
    const src = new TextEncoder().encode('node_cpu_seconds_total{cpu="0"} '.repeat(200));
    expect(snappyEncode(src).length).toBeLessThan(src.length / 5);
  });

  it('random bytes never crash: a SnappyError or bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (a) => {
      try {
        snappyDecode(a);
      } catch (e) {
        expect(e).toBeInstanceOf(EddyError);
        expect((e as Error).message).toMatch(/snappy/);
      }
    }), { numRuns: 2000 });
  });

  it('reads every tag kind as a byte-by-byte reference decoder does, overlapping copies included (fast-check)', () => {
    // a valid block from random operations: literals (short and with 1-2 length bytes) and copies of all three kinds,
    // any offset back into the output (offset < length repeats a pattern)
    const op = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => ({ lit: bytes, kind: 0, n: 0, off: 0 })),
      fc.record({ kind: fc.constantFrom(1, 2, 3), n: fc.integer({ min: 1, max: 64 }), off: fc.integer({ min: 1, max: 3000 }) }).map((c) => ({ lit: null, ...c })),
    );
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.boolean(), (ops, reuse) => {
      const want: number[] = [];
      const tags: number[] = [];
      for (const o of ops) {
        if (o.lit) {
          const l = o.lit.length - 1;
          if (l < 60) tags.push(l << 2);
          else if (l < 256) tags.push(60 << 2, l);
          else tags.push(61 << 2, l & 0xff, l >>> 8);
          tags.push(...o.lit);
          want.push(...o.lit);
          continue;
        }
        if (want.length === 0) continue;
        const off = 1 + ((o.off - 1) % Math.min(want.length, o.kind === 1 ? 2047 : 65535));
        const n = o.kind === 1 ? 4 + (o.n % 8) : o.n;
        if (o.kind === 1) tags.push(((n - 4) << 2) | ((off >>> 8) << 5) | 1, off & 0xff);
        else if (o.kind === 2) tags.push(((n - 1) << 2) | 2, off & 0xff, off >>> 8);
        else tags.push(((n - 1) << 2) | 3, off & 0xff, (off >>> 8) & 0xff, 0, 0);
        for (let i = 0; i < n; i++) want.push(want[want.length - off]!);
      }
      const pre: number[] = [];
      for (let v = want.length; ; v = Math.floor(v / 128)) { if (v < 128) { pre.push(v); break; } pre.push((v & 0x7f) | 0x80); }
      const into = reuse ? new Uint8Array(want.length + 17).fill(0xcd) : undefined;
      expect(Array.from(snappyDecode(Uint8Array.from([...pre, ...tags]), undefined, into))).toEqual(want);
    }), { numRuns: 500 });
  });

  it('rejects an impossible preamble without allocating it', () => {
    expect(() => snappyDecode(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(/impossible|exceeds/);
    expect(() => snappyDecode(Uint8Array.from([5, 0x01 << 2 | 1, 9]))).toThrow(/offset/);
  });
});

describe('ms to ns without BigInt per row', () => {
  it('is exact', () => {
    fc.assert(fc.property(fc.integer({ min: -9_000_000_000_000, max: 9_000_000_000_000 }), (ms) => {
      const out = new BigInt64Array(1);
      msToNsInto(ms, new Uint32Array(out.buffer), 0);
      expect(out[0]).toBe(BigInt(ms) * 1_000_000n);
    }));
  });
});

const labelName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((s) => s !== '__name__' && !s.startsWith('greptime_'));
const seriesArb = fc.record({
  metric: fc.constantFrom('up', 'http_requests_total', 'node_cpu'),
  labels: fc.dictionary(labelName, fc.string({ minLength: 1, maxLength: 8 }), { maxKeys: 3 }),
  samples: fc.array(fc.tuple(fc.integer({ min: -1000, max: 2_000_000_000_000 }), fc.double()), { maxLength: 6 }),
});

describe('remote write decode', () => {
  it('encode -> decode round trip: per metric one batch, labels as tags, samples exact', () => {
    fc.assert(fc.property(fc.array(seriesArb, { maxLength: 6 }), (list) => {
      const series: EncodeSeries[] = list.map((s) => {
        const sorted = [...s.samples].sort((a, b) => a[0] - b[0]);
        return {
          labels: [['__name__', s.metric], ...Object.entries(s.labels)] as [string, string][],
          t: sorted.map((x) => x[0]),
          v: Float64Array.from(sorted.map((x) => x[1])),
        };
      });
      const { batches, samples } = decodeRemoteWrite(rw(series));
      expect(samples).toBe(series.reduce((a, s) => a + s.t.length, 0));
      for (const b of batches) {
        const mine = series.filter((s) => s.labels[0]![1] === b.table);
        const ts = col(b, 'greptime_timestamp').values as BigInt64Array;
        const vs = col(b, 'greptime_value').values as Float64Array;
        let row = 0;
        for (const s of mine) {
          for (let i = 0; i < s.t.length; i++, row++) {
            expect(ts[row]).toBe(BigInt(s.t[i]!) * 1_000_000n);
            expect(Object.is(vs[row], s.v[i]) || (Number.isNaN(vs[row]) && Number.isNaN(s.v[i]))).toBe(true);
            for (const [k, v] of s.labels.slice(1)) expect(stringValues(col(b, k))[row]).toBe(v);
          }
        }
        expect(row).toBe(b.rows);
      }
      expect(new Set(batches.map((b) => b.table))).toEqual(new Set(series.filter((s) => s.t.length).map((s) => s.labels[0]![1])));
    }));
  });

  it('keeps the stale marker bit-exact and times in ms', () => {
    const v = new Float64Array([1.5, 0]);
    v.set(staleNaN(), 1); // typed-array copy: reading the NaN into a JS number could canonicalise it
    expect(isStaleMarker(v, 1)).toBe(true);
    const { batches } = decodeRemoteWrite(rw([{ labels: [['__name__', 'up'], ['job', 'x']], t: [1000, 2000], v }]));
    expect(batches).toHaveLength(1);
    const vals = col(batches[0]!, 'greptime_value').values as Float64Array;
    expect(isStaleMarker(vals, 1)).toBe(true);
    expect(isStaleMarker(vals, 0)).toBe(false);
    expect(col(batches[0]!, 'greptime_timestamp').unit).toBe('ms');
  });

  it('accepts a metadata-only request with no rows', () => {
    const r = decodeRemoteWrite(rw([], 3));
    expect(r.batches).toEqual([]);
    expect(r.metadata).toBe(3);
  });

  it('is registered as application/x-protobuf with Eddy-Format prometheus', () => {
    expect(payloadCodecs.forMessage('application/x-protobuf', 'prometheus').name).toBe('Prometheus remote write');
    expect(payloadCodecs.forContentType('application/x-protobuf').name).toBe('Prometheus remote write');
    expect(() => payloadCodecs.forMessage('application/x-protobuf', 'otlp')).toThrow(/Eddy-Format/);
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['corrupt snappy', () => { const b = rw([{ labels: [['__name__', 'up']], t: [1], v: new Float64Array([1]) }]); return b.subarray(0, b.length - 3); }, /snappy/],
    ['truncated protobuf', () => { const p = encodeWriteRequest([{ labels: [['__name__', 'up']], t: [1], v: new Float64Array([1]) }]); return snappyEncode(p.subarray(0, p.length - 4)); }, /protobuf|truncated/],
    ['no __name__', () => rw([{ labels: [['job', 'a']], t: [1], v: new Float64Array([1]) }]), /metric name/],
    ['non-UTF-8 label', () => {
      const p = encodeWriteRequest([{ labels: [['__name__', 'up'], ['job', 'é']], t: [1], v: new Float64Array([1]) }]);
      const i = p.indexOf(0xc3);
      p[i] = 0xff;
      return snappyEncode(p);
    }, /UTF-8/],
    ['out-of-order sample', () => rw([{ labels: [['__name__', 'up']], t: [5, 4], v: new Float64Array([1, 2]) }]), /out of order/],
  ];
  for (const [what, payload, msg] of bad) {
    it(`rejects ${what} as a user error`, () => {
      let err: unknown;
      try {
        decodeRemoteWrite(payload());
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EddyError);
      expect((err as EddyError).code).toBeGreaterThanOrEqual(1000);
      expect((err as Error).message).toMatch(msg);
    });
  }

  it('random protobuf bytes never crash (only EddyErrors)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (a) => {
      try {
        decodeWriteRequest(a);
      } catch (e) {
        expect(e).toBeInstanceOf(EddyError);
      }
    }), { numRuns: 3000 });
  });
});
