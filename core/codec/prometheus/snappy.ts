// Snappy block format (what Prometheus remote write/read frames its protobuf with): a checked decoder and a small
// greedy encoder. Hand-written (about a hundred lines) rather than the snappyjs package: every malformed input must be
// a clear 400 naming the byte, never an out-of-bounds read or an allocation sized by an attacker's preamble, and the
// format is small and frozen.
import { InvalidArgumentError } from '../../errors.ts';

export class SnappyError extends InvalidArgumentError {
  constructor(message: string, readonly offset: number) {
    super(`corrupt snappy block at byte ${offset}: ${message}`);
  }
}

/** Largest decoded size accepted: the preamble is read before anything is checked, so it is bounded. */
export const MAX_SNAPPY_DECODED = 512 * 1024 * 1024;

function readPreamble(src: Uint8Array): { len: number; pos: number } {
  let len = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length) throw new SnappyError('truncated length preamble', pos);
    if (shift > 28) throw new SnappyError('length preamble longer than 5 bytes', pos);
    const c = src[pos++]!;
    len += (c & 0x7f) * 2 ** shift;
    if ((c & 0x80) === 0) break;
  }
  return { len, pos };
}

/** The decoded length a block announces (for callers that check limits first). */
export function snappyDecodedLength(src: Uint8Array): number {
  return readPreamble(src).len;
}

/**
 * Decodes a block; into `into` (its first bytes, returned as a view) when it is long enough, so a caller decoding
 * request after request reuses one buffer instead of allocating one per request.
 */
export function snappyDecode(src: Uint8Array, maxLen = MAX_SNAPPY_DECODED, into?: Uint8Array): Uint8Array {
  const { len, pos: start } = readPreamble(src);
  if (len > maxLen) throw new SnappyError(`decoded length ${len} exceeds the limit of ${maxLen} bytes`, 0);
  // A block cannot expand more than ~21x per byte of copy tags (64 bytes from 3): reject absurd preambles before allocating.
  if (len > src.length * 22 + 64) throw new SnappyError(`decoded length ${len} is impossible for ${src.length} input bytes`, 0);
  const out = into !== undefined && into.length >= len ? into.subarray(0, len) : new Uint8Array(len);
  // copies four bytes a step through DataViews (unaligned reads and writes compile to plain loads and stores): label
  // bytes come as literals and copies of 4-64 bytes, for which a byte loop is slow and a native call slower
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const ov = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let s = start;
  let d = 0;
  while (s < src.length) {
    const tagAt = s;
    const tag = src[s++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        if (s + bytes > src.length) throw new SnappyError('truncated literal length', tagAt);
        n = 0;
        for (let i = 0; i < bytes; i++) n += src[s + i]! * 2 ** (8 * i);
        s += bytes;
      }
      n += 1;
      if (s + n > src.length) throw new SnappyError(`literal of ${n} bytes runs past the input`, tagAt);
      if (d + n > len) throw new SnappyError(`literal of ${n} bytes runs past the announced length ${len}`, tagAt);
      // short literals (most, in label-heavy payloads) in place: a subarray per literal costs more
      if (n <= 64) {
        let i = 0;
        for (; i + 4 <= n; i += 4) ov.setInt32(d + i, sv.getInt32(s + i, true), true);
        for (; i < n; i++) out[d + i] = src[s + i]!;
      } else out.set(src.subarray(s, s + n), d);
      s += n;
      d += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      if (s + 1 > src.length) throw new SnappyError('truncated copy', tagAt);
      n = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[s++]!;
    } else if (kind === 2) {
      if (s + 2 > src.length) throw new SnappyError('truncated copy', tagAt);
      n = 1 + (tag >>> 2);
      offset = src[s]! | (src[s + 1]! << 8);
      s += 2;
    } else {
      if (s + 4 > src.length) throw new SnappyError('truncated copy', tagAt);
      n = 1 + (tag >>> 2);
      offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16)) + src[s + 3]! * 16777216;
      s += 4;
    }
    if (offset === 0 || offset > d) throw new SnappyError(`copy offset ${offset} at output byte ${d} points outside the output`, tagAt);
    if (d + n > len) throw new SnappyError(`copy of ${n} bytes runs past the announced length ${len}`, tagAt);
    // a long copy not overlapping its own output natively; shorter ones four bytes a step while each read lies in
    // output already written (offset >= 4: an overlapping copy, offset < n, repeats a pattern, as a forward copy
    // does); closer overlaps byte by byte
    if (offset >= n && n >= 16) { out.copyWithin(d, d - offset, d - offset + n); d += n; }
    else if (offset >= 4) {
      const from = d - offset;
      let i = 0;
      for (; i + 4 <= n; i += 4) ov.setInt32(d + i, ov.getInt32(from + i, true), true);
      for (; i < n; i++) out[d + i] = out[from + i]!;
      d += n;
    } else for (let i = 0; i < n; i++, d++) out[d] = out[d - offset]!;
  }
  if (d !== len) throw new SnappyError(`decoded ${d} bytes, the preamble announced ${len}`, src.length);
  return out;
}

const HASH_BITS = 14;

/** Greedy LZ77 over 4-byte hashes: not snappy's reference ratio, but valid blocks any decoder reads. */
export function snappyEncode(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(10 + src.length + Math.ceil(src.length / 60) * 5 + 8);
  let o = 0;
  let n = src.length;
  while (n >= 0x80) {
    out[o++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[o++] = n;
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const load = (i: number) => (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
  const hash = (v: number) => Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
  let lit = 0;
  let i = 0;
  const emitLiteral = (from: number, to: number) => {
    let m = to - from;
    while (m > 0) {
      const take = Math.min(m, 65536);
      const l = take - 1;
      if (l < 60) out[o++] = l << 2;
      else if (l < 256) (out[o++] = 60 << 2), (out[o++] = l);
      else (out[o++] = 61 << 2), (out[o++] = l & 0xff), (out[o++] = l >>> 8);
      out.set(src.subarray(from, from + take), o);
      o += take;
      from += take;
      m -= take;
    }
  };
  while (i + 4 <= src.length) {
    const v = load(i);
    const h = hash(v);
    const cand = table[h]!;
    table[h] = i;
    if (cand >= 0 && i - cand < 65536 && load(cand) === v) {
      emitLiteral(lit, i);
      let len = 4;
      while (i + len < src.length && src[cand + len] === src[i + len]) len++;
      const offset = i - cand;
      let left = len;
      while (left > 0) {
        const take = left > 64 ? (left - 64 < 4 ? left - 4 : 64) : left;
        out[o++] = ((take - 1) << 2) | 2;
        out[o++] = offset & 0xff;
        out[o++] = offset >>> 8;
        left -= take;
      }
      i += len;
      lit = i;
    } else i++;
  }
  emitLiteral(lit, src.length);
  return out.slice(0, o);
}
