// The binary form of a flow's state in checkpoints: written straight from the store's maps into one growing buffer
// (no per-row objects, no JSON), so a checkpoint of a large state is a short pause and little garbage.
import { InternalError } from '../core/index.ts';
import { ByteWriter } from '../core/query/index.ts';
import type { FlowValue } from './types.ts';

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_F64 = 3;
const T_STR = 4;
const T_I64 = 5;
/** A bigint beyond int64, as decimal text. */
const T_BIG = 6;

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Room for one float64 or int64 on its way into the buffer. */
const scratch = new ArrayBuffer(8);
const scratchBytes = new Uint8Array(scratch);
const scratchF64 = new Float64Array(scratch);
const scratchI64 = new BigInt64Array(scratch);

export class SnapshotWriter extends ByteWriter {
  private eight(tag: number): void {
    this.ensure(9);
    this.buf[this.pos++] = tag;
    this.buf.set(scratchBytes, this.pos);
    this.pos += 8;
  }

  /** An unsigned integer below 2^53, LEB128. */
  uint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  str(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the length is written after the bytes are known. Most strings are
    // short: encode after a one-byte length, and move the bytes when the length needs more.
    this.ensure(10 + s.length * 3);
    const start = this.pos;
    if (s.length < 0x80) {
      // short ASCII (row keys, tags): byte by byte, cheaper than a call into the encoder
      const buf = this.buf;
      let i = 0;
      for (; i < s.length; i++) {
        const ch = s.charCodeAt(i);
        if (ch >= 0x80) break;
        buf[start + 1 + i] = ch;
      }
      if (i === s.length) {
        buf[start] = i;
        this.pos = start + 1 + i;
        return;
      }
    }
    const { written } = enc.encodeInto(s, this.buf.subarray(start + 1));
    let lenBytes = 1;
    for (let n = written; n >= 0x80; n = Math.floor(n / 0x80)) lenBytes++;
    if (lenBytes > 1) this.buf.copyWithin(start + lenBytes, start + 1, start + 1 + written);
    this.uint(written);
    this.pos = start + lenBytes + written;
  }

  value(v: FlowValue): void {
    if (v === null) return this.byte(T_NULL);
    switch (typeof v) {
      case 'boolean': return this.byte(v ? T_TRUE : T_FALSE);
      case 'number':
        scratchF64[0] = v;
        return this.eight(T_F64);
      case 'string':
        this.byte(T_STR);
        return this.str(v);
      case 'bigint':
        if (v < I64_MIN || v > I64_MAX) {
          this.byte(T_BIG);
          return this.str(v.toString());
        }
        scratchI64[0] = v;
        return this.eight(T_I64);
      default:
        throw new InternalError(`flow state holds a value of type ${typeof v}`);
    }
  }

  values(vs: readonly FlowValue[]): void {
    this.uint(vs.length);
    for (const v of vs) this.value(v);
  }

  /** The written bytes (a view; the writer is not used after). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export class SnapshotReader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new InternalError(`flow checkpoint is cut short at byte ${this.at} of ${this.buf.length}`);
  }

  uint(): number {
    let n = 0;
    let mul = 1;
    for (;;) {
      this.need(1);
      const b = this.buf[this.at++]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
  }

  byte(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }

  str(): string {
    const n = this.uint();
    this.need(n);
    const s = dec.decode(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }

  value(): FlowValue {
    const t = this.byte();
    switch (t) {
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_F64: {
        this.need(8);
        const v = this.view.getFloat64(this.at, true);
        this.at += 8;
        return v;
      }
      case T_STR: return this.str();
      case T_I64: {
        this.need(8);
        const v = this.view.getBigInt64(this.at, true);
        this.at += 8;
        return v;
      }
      case T_BIG: return BigInt(this.str());
      default: throw new InternalError(`flow checkpoint has an unknown value tag ${t} at byte ${this.at - 1}`);
    }
  }

  values(): FlowValue[] {
    const n = this.uint();
    const out = new Array<FlowValue>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.at;
  }

  get done(): boolean {
    return this.at === this.buf.length;
  }
}
