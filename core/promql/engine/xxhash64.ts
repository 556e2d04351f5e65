// XXH64 (seed 0), the hash Prometheus gives a label set (labels.Hash: name 0xff value 0xff ... over sorted labels).
// limit_ratio keeps a series by that hash, so EddyDB picks the series Prometheus picks. BigInt arithmetic: it runs
// once per series of a limit_ratio, not per sample.
import type { Labels } from '../types.ts';

const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M, 31n) * P1) & M;
const mergeRound = (acc: bigint, v: bigint): bigint => (((acc ^ round(0n, v)) * P1) + P4) & M;

export function xxhash64(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, dv.getBigUint64(i, true));
      v2 = round(v2, dv.getBigUint64(i + 8, true));
      v3 = round(v3, dv.getBigUint64(i + 16, true));
      v4 = round(v4, dv.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else h = P5;
  h = (h + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8) h = ((rotl(h ^ round(0n, dv.getBigUint64(i, true)), 27n) * P1) + P4) & M;
  if (i + 4 <= n) { h = ((rotl(h ^ ((BigInt(dv.getUint32(i, true)) * P1) & M), 23n) * P2) + P3) & M; i += 4; }
  for (; i < n; i++) h = (rotl(h ^ ((BigInt(b[i]!) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

const utf8 = new TextEncoder();

/** Prometheus's labels.Hash of a (sorted) label set. */
export function labelsHash(labels: Labels): bigint {
  const parts: Uint8Array[] = [];
  let len = 0;
  for (const [k, v] of labels) {
    const a = utf8.encode(k);
    const c = utf8.encode(v);
    parts.push(a, c);
    len += a.length + c.length + 2;
  }
  const buf = new Uint8Array(len);
  let at = 0;
  for (let j = 0; j < parts.length; j++) {
    buf.set(parts[j]!, at);
    at += parts[j]!.length;
    buf[at++] = 0xff;
  }
  return xxhash64(buf);
}
