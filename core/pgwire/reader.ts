// Frame reader: bytes from a socket in, whole frontend messages out; a malformed frame is a PgProtocolError, never a crash.
import type { AnyFrontendMessage, Format, FrontendMessage, StartupMessage } from './protocol.ts';
import { FrontendType, StartupCode } from './protocol.ts';
import { PgProtocolError } from './errors.ts';

/** PostgreSQL's own cap on a startup packet. */
const MAX_STARTUP_BYTES = 10_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Cursor over one message body; every read checks the bounds and names the message on failure. */
class Body {
  off = 0;
  constructor(readonly b: Uint8Array, readonly what: string, readonly base: number) {}
  private need(n: number): void {
    if (this.off + n > this.b.length) throw new PgProtocolError(`${this.what} message is truncated: needs ${n} more bytes at byte ${this.off} of ${this.b.length}`, this.base + this.off);
  }
  int16(): number { this.need(2); const v = (this.b[this.off]! << 8) | this.b[this.off + 1]!; this.off += 2; return v << 16 >> 16; }
  int32(): number { this.need(4); const b = this.b, o = this.off; this.off += 4; return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!; }
  byte(): number { this.need(1); return this.b[this.off++]!; }
  bytes(n: number): Uint8Array { this.need(n); const v = this.b.subarray(this.off, this.off + n); this.off += n; return v; }
  cstring(field: string): string {
    const end = this.b.indexOf(0, this.off);
    if (end < 0) throw new PgProtocolError(`${this.what} message: ${field} has no terminating zero byte`, this.base + this.off);
    let s: string;
    try {
      s = utf8.decode(this.b.subarray(this.off, end));
    } catch {
      throw new PgProtocolError(`${this.what} message: ${field} is not valid UTF-8`, this.base + this.off, '22021');
    }
    this.off = end + 1;
    return s;
  }
  count(field: string): number {
    const n = this.int16();
    if (n < 0) throw new PgProtocolError(`${this.what} message: negative ${field} count ${n}`, this.base + this.off - 2);
    return n;
  }
  format(): Format {
    const f = this.int16();
    if (f !== 0 && f !== 1) throw new PgProtocolError(`${this.what} message: format code ${f} is neither 0 (text) nor 1 (binary)`, this.base + this.off - 2);
    return f;
  }
  end(): void {
    if (this.off !== this.b.length) throw new PgProtocolError(`${this.what} message has ${this.b.length - this.off} bytes past its last field`, this.base + this.off);
  }
}

/** Decodes the untyped first message of a connection (startup, SSL/GSSENC request, cancel). `body` excludes the length word. */
export function decodeStartup(body: Uint8Array, base = 4): StartupMessage {
  const r = new Body(body, 'startup', base);
  const code = r.int32();
  switch (code) {
    case StartupCode.ssl: r.end(); return { type: 'ssl_request' };
    case StartupCode.gssenc: r.end(); return { type: 'gssenc_request' };
    case StartupCode.cancel: {
      const pid = r.int32(), secret = r.int32();
      r.end();
      return { type: 'cancel_request', pid, secret };
    }
    case StartupCode.protocol3: {
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      for (;;) {
        const k = r.cstring('parameter name');
        if (k === '') break;
        params[k] = r.cstring(`value of ${k}`);
      }
      r.end();
      if (params.user === undefined) throw new PgProtocolError('no PostgreSQL user name specified in startup packet', base, '28000');
      return { type: 'startup', params };
    }
    default:
      throw new PgProtocolError(`unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0`, base, '0A000');
  }
}

/** Decodes one typed message body (after the type byte and length word). */
export function decodeMessage(type: number, body: Uint8Array, base = 5): FrontendMessage {
  switch (type) {
    case FrontendType.query: {
      const r = new Body(body, 'Query', base);
      const sql = r.cstring('query string');
      r.end();
      return { type: 'query', sql };
    }
    case FrontendType.parse: {
      const r = new Body(body, 'Parse', base);
      const name = r.cstring('statement name'), sql = r.cstring('query string');
      const n = r.count('parameter type');
      const paramTypes = new Array<number>(n);
      for (let i = 0; i < n; i++) paramTypes[i] = r.int32() >>> 0;
      r.end();
      return { type: 'parse', name, sql, paramTypes };
    }
    case FrontendType.bind: {
      const r = new Body(body, 'Bind', base);
      const portal = r.cstring('portal name'), statement = r.cstring('statement name');
      const nf = r.count('parameter format');
      const paramFormats: Format[] = [];
      for (let i = 0; i < nf; i++) paramFormats.push(r.format());
      const np = r.count('parameter');
      if (nf > 1 && nf !== np) throw new PgProtocolError(`Bind message has ${nf} parameter formats but ${np} parameters`, base);
      const params: (Uint8Array | null)[] = [];
      for (let i = 0; i < np; i++) {
        const len = r.int32();
        if (len < -1) throw new PgProtocolError(`Bind message: invalid length ${len} of parameter $${i + 1}`, base + r.off - 4);
        params.push(len === -1 ? null : r.bytes(len));
      }
      const nr = r.count('result format');
      const resultFormats: Format[] = [];
      for (let i = 0; i < nr; i++) resultFormats.push(r.format());
      r.end();
      return { type: 'bind', portal, statement, paramFormats, params, resultFormats };
    }
    case FrontendType.describe:
    case FrontendType.close: {
      const what = type === FrontendType.describe ? 'Describe' : 'Close';
      const r = new Body(body, what, base);
      const k = r.byte();
      if (k !== 0x53 && k !== 0x50) throw new PgProtocolError(`${what} message: target ${JSON.stringify(String.fromCharCode(k))} is neither 'S' (statement) nor 'P' (portal)`, base);
      const name = r.cstring('name');
      r.end();
      return { type: type === FrontendType.describe ? 'describe' : 'close', kind: k === 0x53 ? 'S' : 'P', name };
    }
    case FrontendType.execute: {
      const r = new Body(body, 'Execute', base);
      const portal = r.cstring('portal name');
      const maxRows = r.int32();
      r.end();
      return { type: 'execute', portal, maxRows: maxRows < 0 ? 0 : maxRows };
    }
    case FrontendType.sync: case FrontendType.flush: case FrontendType.terminate: {
      const what = type === FrontendType.sync ? 'sync' : type === FrontendType.flush ? 'flush' : 'terminate';
      new Body(body, what[0]!.toUpperCase() + what.slice(1), base).end();
      return { type: what };
    }
    case FrontendType.password: {
      const r = new Body(body, 'PasswordMessage', base);
      const password = r.cstring('password');
      r.end();
      return { type: 'password', password };
    }
    case FrontendType.copyData: return { type: 'copy_data' };
    case FrontendType.copyDone: return { type: 'copy_done' };
    case FrontendType.copyFail: return { type: 'copy_fail' };
    case FrontendType.functionCall: return { type: 'function_call' };
    default:
      throw new PgProtocolError(`invalid frontend message type ${type} (${JSON.stringify(String.fromCharCode(type))})`, base - 5);
  }
}

/**
 * Splits a byte stream into messages. The first message of a connection is untyped (startup); after a StartupMessage
 * every message is typed. A length out of range is refused before any body is buffered.
 */
export class FrameReader {
  private buf: Uint8Array = new Uint8Array(0);
  private off = 0;
  /** Bytes consumed so far (for error offsets). */
  private consumed = 0;
  startup = true;
  constructor(readonly maxMessageBytes = 64 * 1024 * 1024) {}

  push(chunk: Uint8Array): void {
    if (this.off >= this.buf.length) { this.buf = chunk; this.off = 0; return; }
    const rest = this.buf.subarray(this.off);
    const joined = new Uint8Array(rest.length + chunk.length);
    joined.set(rest, 0);
    joined.set(chunk, rest.length);
    this.buf = joined;
    this.off = 0;
  }

  /** Bytes received and not yet part of a whole message. */
  get pending(): number {
    return this.buf.length - this.off;
  }

  /** The next whole message, or null until more bytes arrive. Throws PgProtocolError on a malformed frame. */
  next(): AnyFrontendMessage | null {
    const b = this.buf, o = this.off;
    const avail = b.length - o;
    const at = this.consumed;
    if (this.startup) {
      if (avail < 4) return null;
      const len = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
      if (len < 8 || len > MAX_STARTUP_BYTES) throw new PgProtocolError(`invalid length of startup packet: ${len}`, at);
      if (avail < len) return null;
      const m = decodeStartup(b.subarray(o + 4, o + len), at + 4);
      this.advance(len);
      if (m.type === 'startup') this.startup = false;
      return m;
    }
    if (avail < 5) return null;
    const type = b[o]!;
    const len = ((b[o + 1]! << 24) | (b[o + 2]! << 16) | (b[o + 3]! << 8) | b[o + 4]!);
    if (len < 4) throw new PgProtocolError(`invalid message length ${len} for message type ${type}`, at + 1);
    if (len > this.maxMessageBytes) throw new PgProtocolError(`message of ${len} bytes exceeds the limit of ${this.maxMessageBytes} bytes`, at + 1, '54000');
    if (avail < len + 1) return null;
    const m = decodeMessage(type, b.subarray(o + 5, o + 1 + len), at + 5);
    this.advance(len + 1);
    return m;
  }

  private advance(n: number): void {
    this.off += n;
    this.consumed += n;
    if (this.off === this.buf.length) { this.buf = new Uint8Array(0); this.off = 0; }
  }
}
