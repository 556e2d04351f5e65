// Protobuf wire format by hand: a cursor reader (varints, fixed64 doubles, length-delimited spans) and a growable writer.
// Hand-written rather than protobufjs objects because the hot messages (Prometheus samples) go straight into typed
// arrays; a protobufjs decode allocates one object per sample (measured in tests/bench notes of the prometheus codec).
import { InvalidArgumentError } from '../errors.ts';

/** Malformed protobuf: truncated, a bad varint or wire type. A client's mistake, so a 400. */
export class ProtoDecodeError extends InvalidArgumentError {
  constructor(message: string, readonly offset: number) {
    super(`invalid protobuf at byte ${offset}: ${message}`);
  }
}

export const WireType = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

const TWO32 = 4294967296;

/** Reads fields of one message in [pos, end). */
export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(readonly buf: Uint8Array, pos = 0, readonly end = buf.length) {
    this.pos = pos;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  fail(why: string): never {
    throw new ProtoDecodeError(why, this.pos);
  }

  /** A varint that fits in 32 bits (tags, lengths, enums); larger ones fail. */
  uint32(): number {
    const b = this.buf;
    // fast path: one byte (most tags and short lengths)
    if (this.pos < this.end && b[this.pos]! < 0x80) return b[this.pos++]!;
    const at = this.pos;
    const v = this.int64();
    if (v < 0 || v > 0xffffffff) {
      this.pos = at;
      this.fail('varint does not fit 32 bits');
    }
    return v;
  }

  /**
   * An int64 varint as a JS number: exact within ±2^53 (every millisecond timestamp); negative values come as
   * 10-byte two's complement and are read as such.
   */
  int64(): number {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let i = 0;
    for (; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const c = b[this.pos++]!;
      const bits = c & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >> 4;
      } else hi |= bits << (7 * i - 32);
      if ((c & 0x80) === 0) break;
    }
    if (i === 10) this.fail('varint longer than 10 bytes');
    lo >>>= 0;
    if (hi & 0x80000000) {
      // negative: value = -(~v + 1)
      const nlo = (~lo + 1) >>> 0;
      const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
      return -(nhi * TWO32 + nlo);
    }
    return (hi >>> 0) * TWO32 + lo;
  }

  double(): number {
    if (this.pos + 8 > this.end) this.fail('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The raw 8 bytes of a double as two uint32 halves (bit-exact NaN payloads survive whatever the engine does). */
  fixed64Into(out: Uint32Array, at: number): void {
    if (this.pos + 8 > this.end) this.fail('truncated fixed64');
    out[at] = this.view.getUint32(this.pos, true);
    out[at + 1] = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
  }

  /** A length-delimited field: returns its end; the reader stands at its start. */
  lenEnd(): number {
    const n = this.uint32();
    const e = this.pos + n;
    if (e > this.end) this.fail(`length ${n} runs past the end of the message`);
    return e;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint: this.int64(); return;
      case WireType.fixed64: if (this.pos + 8 > this.end) this.fail('truncated fixed64'); this.pos += 8; return;
      case WireType.len: this.pos = this.lenEnd(); return;
      case WireType.fixed32: if (this.pos + 4 > this.end) this.fail('truncated fixed32'); this.pos += 4; return;
      default: this.fail(`unsupported wire type ${wireType}`);
    }
  }
}

/** Appends protobuf fields to a growing buffer; nested messages are written body-first then framed (`message`). */
export class ProtoWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  varint(v: number): this {
    this.ensure(10);
    if (v < 0) {
      // two's complement over 64 bits, 10 bytes
      let lo = v % TWO32;
      let hi = Math.floor(v / TWO32);
      lo = (lo + TWO32) % TWO32;
      hi = (hi + TWO32) >>> 0;
      for (let i = 0; i < 9; i++) {
        this.buf[this.len++] = (lo & 0x7f) | 0x80;
        lo = (lo >>> 7) | ((hi & 0x7f) << 25);
        hi >>>= 7;
      }
      this.buf[this.len++] = lo & 0x01;
      return this;
    }
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  double(field: number, v: number): this {
    this.tag(field, WireType.fixed64);
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  /** A double from its raw halves (keeps NaN payloads bit-exact). */
  fixed64Bits(field: number, lo: number, hi: number): this {
    this.tag(field, WireType.fixed64);
    this.ensure(8);
    this.view.setUint32(this.len, lo, true);
    this.view.setUint32(this.len + 4, hi, true);
    this.len += 8;
    return this;
  }

  int64(field: number, v: number): this {
    return this.tag(field, WireType.varint).varint(v);
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WireType.len).varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, utf8Encoder.encode(s));
  }

  /** Writes a nested message built by `body` as a length-delimited field. */
  message(field: number, body: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    body(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const utf8Encoder = new TextEncoder();
