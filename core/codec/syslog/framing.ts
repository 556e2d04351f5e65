// Syslog over TCP (RFC 6587): octet counting (`<len> <msg>`) and non-transparent framing (a message per LF line),
// told apart per frame by its first character. A bad frame is reported and skipped up to the next LF; the stream goes on.

/** Largest frame accepted (octet-counting length, or an LF line); larger is a fault. */
export const MAX_FRAME = 1024 * 1024;

export interface FrameSink {
  frame(text: string): void;
  fault(reason: string, offset: number): void;
}

const LF = 10;
const SP = 32;
const dec = new TextDecoder('utf-8', { fatal: false });

/** Splits one TCP connection's bytes into frames; keeps a partial frame across chunks. */
export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes consumed before `buf` (for fault offsets). */
  private offset = 0;
  /** Skipping a bad frame up to the next LF. */
  private skipping = false;

  constructor(private readonly sink: FrameSink, private readonly maxFrame = MAX_FRAME) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let p = 0;
    const b = this.buf;
    while (p < b.length) {
      if (this.skipping) {
        const lf = b.indexOf(LF, p);
        if (lf < 0) { p = b.length; break; }
        p = lf + 1;
        this.skipping = false;
        continue;
      }
      const c = b[p]!;
      if (c === LF || c === 13 || c === 0) { p++; continue; } // blank lines, CRs and NULs between frames
      if (c >= 48 && c <= 57) {
        // octet counting: digits, a space, then exactly that many bytes
        let q = p;
        let len = 0;
        while (q < b.length && b[q]! >= 48 && b[q]! <= 57 && q - p < 8) { len = len * 10 + (b[q]! - 48); q++; }
        if (q >= b.length) break; // the length is not complete yet
        if (b[q] !== SP || q - p >= 8) { this.fault('octet-counting frame: expected digits then a space', p); continue; }
        if (len === 0 || len > this.maxFrame) { this.fault(`octet-counting frame of ${len} bytes (1 to ${this.maxFrame})`, p); continue; }
        if (q + 1 + len > b.length) break; // wait for the rest of the frame
        this.sink.frame(dec.decode(b.subarray(q + 1, q + 1 + len)));
        p = q + 1 + len;
        continue;
      }
      const lf = b.indexOf(LF, p);
      if (lf < 0) {
        if (b.length - p > this.maxFrame) { this.fault(`line longer than ${this.maxFrame} bytes without LF`, p); p = b.length; }
        break;
      }
      let end = lf;
      if (end > p && b[end - 1] === 13) end--;
      this.sink.frame(dec.decode(b.subarray(p, end)));
      p = lf + 1;
    }
    this.offset += p;
    this.buf = p >= b.length ? Buffer.alloc(0) : b.subarray(p);
    // a partial frame is kept: copy it off so the big chunk it came in can be freed
    if (this.buf.length > 0 && this.buf.length < b.length / 2) this.buf = Buffer.from(this.buf);
  }

  /** The connection ended: a partial LF-framed line is a last frame; a partial octet-counted one is a fault. */
  end(): void {
    if (this.buf.length === 0 || this.skipping) return;
    const c = this.buf[0]!;
    if (c >= 48 && c <= 57) this.sink.fault('connection closed inside an octet-counting frame', this.offset);
    else this.sink.frame(dec.decode(this.buf[this.buf.length - 1] === 13 ? this.buf.subarray(0, -1) : this.buf));
    this.buf = Buffer.alloc(0);
  }

  private fault(reason: string, at: number): void {
    this.sink.fault(reason, this.offset + at);
    this.skipping = true;
  }
}
