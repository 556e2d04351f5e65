// A growing UTF-8 byte buffer the JSON and CSV writers append to: numbers go in as digits, ASCII strings byte by
// byte, so a large result is not first a million small JS strings.
const enc = new TextEncoder();
const digits = new Uint8Array(24);
/** A writer's first buffer; it doubles as needed. */
const FIRST_BYTES = 1 << 16;
/** The shared writer of whole bodies keeps its grown buffer up to this size for the next answer; past it, a fresh one. */
const KEEP_BYTES = 1 << 20;

export class ByteWriter {
  /** Not zero-filled: only bytes below `pos` are ever read, and each was written first. */
  buf: Uint8Array = Buffer.allocUnsafeSlow(FIRST_BYTES);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafeSlow(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** A string known to be ASCII (digits, keywords, separators). */
  ascii(s: string): void {
    this.ensure(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.pos += enc.encodeInto(s, this.buf.subarray(this.pos)).written;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** An integer |x| < 2^53 as decimal digits. */
  int(x: number): void {
    this.ensure(17);
    if (x < 0) { this.buf[this.pos++] = 45; x = -x; }
    let k = 0;
    do { const q = Math.floor(x / 10); digits[k++] = 48 + (x - q * 10); x = q; } while (x > 0);
    const b = this.buf;
    let p = this.pos;
    while (k > 0) b[p++] = digits[--k]!;
    this.pos = p;
  }

  /** Exactly nine digits, zero-padded (the low part of a split 64-bit value). */
  nine(x: number): void {
    this.ensure(9);
    const b = this.buf;
    for (let k = this.pos + 8; k >= this.pos; k--) { const q = Math.floor(x / 10); b[k] = 48 + (x - q * 10); x = q; }
    this.pos += 9;
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

let shared: ByteWriter | null = null;

/**
 * Writes a whole body with `fill` into one reused buffer and answers a copy of exactly its bytes. A fresh 64 KiB buffer
 * per answer cost more than a small answer's every other step (a new allocation's first touch); the copy is one
 * memcpy of the body. `fill` must not yield (a streamed body, whose writer lives across turns, has its own writers).
 */
export function writeWhole(fill: (w: ByteWriter) => void): Uint8Array {
  const w = shared ?? new ByteWriter();
  shared = null; // a fill that reenters (a nested answer) gets its own writer
  w.pos = 0;
  try {
    fill(w);
    const out = Buffer.allocUnsafe(w.pos);
    out.set(w.buf.subarray(0, w.pos));
    return out;
  } finally {
    if (w.buf.length <= KEEP_BYTES) shared = w;
  }
}
