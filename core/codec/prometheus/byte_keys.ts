// Byte-slice keys for remote write's series table: a hash four bytes a step, an equality test through DataViews (a
// native Buffer.compare call costs more than the ~100 bytes of a series' labels it compares), and strings interned by
// their UTF-8 bytes, so a label name or value seen before is found without decoding it.
import { grow } from './series_fast.ts';

let lastBytes: Uint8Array | null = null;
let lastView: DataView | null = null;

/** A DataView over `a` (the last one made is kept: a request's buffer is viewed once, not once per series). */
export function viewOf(a: Uint8Array): DataView {
  if (a !== lastBytes) { lastBytes = a; lastView = new DataView(a.buffer, a.byteOffset, a.byteLength); }
  return lastView!;
}

/** Drops the kept view (a request's buffer, which may be large, is not held past its decode). */
export function releaseView(): void {
  lastBytes = null;
  lastView = null;
}

/** FNV-1a-like hash of key[from, to), four bytes a step. */
export function hashBytes(key: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  let i = from;
  for (const e4 = to - 3; i < e4; i += 4) {
    h = Math.imul(h ^ (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)), 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < to; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return h;
}

/** a[ao, ao + n) === b[bo, bo + n), four bytes a step (unaligned DataView reads compile to plain loads). */
export function bytesEqual(a: DataView, ao: number, b: DataView, bo: number, n: number): boolean {
  let i = 0;
  for (const e4 = n - 3; i < e4; i += 4) if (a.getInt32(ao + i, true) !== b.getInt32(bo + i, true)) return false;
  for (; i < n; i++) if (a.getUint8(ao + i) !== b.getUint8(bo + i)) return false;
  return true;
}

/** A growable byte arena with a DataView kept current. */
export class ByteArena {
  bytes = new Uint8Array(1 << 14);
  view = new DataView(this.bytes.buffer);
  length = 0;

  /** Appends src[from, to); returns its offset. */
  push(src: Uint8Array, from: number, to: number): number {
    const n = to - from;
    if (this.length + n > this.bytes.length) {
      const b = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      b.set(this.bytes.subarray(0, this.length));
      this.bytes = b;
      this.view = new DataView(b.buffer);
    }
    this.bytes.set(src.subarray(from, to), this.length);
    const off = this.length;
    this.length += n;
    return off;
  }
}

/**
 * String ids by UTF-8 bytes: `find` answers the id a byte slice was given before (-1: never seen), `add` records one.
 * Valid UTF-8 has one encoding per string, so the bytes stand for the string.
 */
export class ByteStrings {
  private readonly arena = new ByteArena();
  private off = new Int32Array(256);
  private len = new Int32Array(256);
  private hashes = new Int32Array(256);
  private ids = new Int32Array(256);
  private n = 0;
  private slots = new Int32Array(512).fill(-1);
  /** The hash of the last find (add reuses it). */
  private h = 0;

  find(buf: Uint8Array, from: number, to: number): number {
    const h = (this.h = hashBytes(buf, from, to));
    const len = to - from;
    const mask = this.slots.length - 1;
    const v = viewOf(buf);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot]!;
      if (e < 0) return -1;
      if (this.hashes[e] === h && this.len[e] === len && bytesEqual(this.arena.view, this.off[e]!, v, from, len)) return this.ids[e]!;
    }
  }

  /** Records buf[from, to) as string `id`; right after a find of the same slice that answered -1. */
  add(buf: Uint8Array, from: number, to: number, id: number): void {
    const e = this.n++;
    this.off = grow(this.off, e + 1);
    this.len = grow(this.len, e + 1);
    this.hashes = grow(this.hashes, e + 1);
    this.ids = grow(this.ids, e + 1);
    this.off[e] = this.arena.push(buf, from, to);
    this.len[e] = to - from;
    this.hashes[e] = this.h;
    this.ids[e] = id;
    if (this.n * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2).fill(-1);
      for (let i = 0; i < this.n; i++) this.place(i);
    } else this.place(e);
  }

  clear(): void {
    this.n = 0;
    this.arena.length = 0;
    this.slots.fill(-1);
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[e]! & mask;
    while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
    this.slots[slot] = e;
  }
}
