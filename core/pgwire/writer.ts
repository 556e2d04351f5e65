// Backend message writer: messages appended to one growing buffer (doubling), taken off in one piece per socket write.
import { BackendType, type TxStatus } from './protocol.ts';

/** A column of RowDescription. */
export interface FieldDescription {
  name: string;
  /** OID of the table and attribute number the column comes from (0 when computed). */
  tableOid: number;
  column: number;
  typeOid: number;
  typeSize: number;
  typeModifier: number;
  format: 0 | 1;
}

/** ErrorResponse / NoticeResponse fields, by their one-letter codes (S severity, C SQLSTATE, M message, P position ...). */
export interface ErrorFields {
  severity: 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  /** 1-based character offset into the query string. */
  position?: number;
}

const enc = new TextEncoder();

export class BackendWriter {
  private buf = new Uint8Array(4096);
  private len = 0;
  private msgStart = -1;

  get size(): number {
    return this.len;
  }

  /** The bytes written since the last take, as a copy-free view when possible; the writer starts over. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    this.buf = new Uint8Array(Math.max(4096, Math.min(this.buf.length, 1 << 20)));
    this.len = 0;
    return out;
  }

  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(v: number): void { this.reserve(1); this.buf[this.len++] = v; }
  int16(v: number): void { this.reserve(2); const b = this.buf; b[this.len++] = (v >>> 8) & 0xff; b[this.len++] = v & 0xff; }
  int32(v: number): void {
    this.reserve(4);
    const b = this.buf;
    b[this.len++] = (v >>> 24) & 0xff; b[this.len++] = (v >>> 16) & 0xff; b[this.len++] = (v >>> 8) & 0xff; b[this.len++] = v & 0xff;
  }
  bytes(v: Uint8Array): void { this.reserve(v.length); this.buf.set(v, this.len); this.len += v.length; }
  /** ASCII text (digits, tags) without an encoder call. */
  ascii(s: string): void {
    this.reserve(s.length);
    const b = this.buf;
    for (let i = 0; i < s.length; i++) b[this.len++] = s.charCodeAt(i);
  }
  /** UTF-8 text; returns the bytes written. */
  utf8(s: string): number {
    this.reserve(s.length * 3);
    const r = enc.encodeInto(s, this.buf.subarray(this.len));
    this.len += r.written;
    return r.written;
  }
  cstring(s: string): void { this.utf8(s); this.byte(0); }

  /** A cell: its length word, then what `write` appends (patched afterwards). */
  cell(write: (w: BackendWriter) => void): void {
    this.reserve(4);
    const at = this.len;
    this.len += 4;
    write(this);
    this.patch(at, this.len - at - 4);
  }
  nullCell(): void { this.int32(-1); }
  /** Direct access for cell writers that fill a fixed number of bytes. */
  view(n: number): { buf: Uint8Array; at: number } {
    this.reserve(n);
    const at = this.len;
    this.len += n;
    return { buf: this.buf, at };
  }

  begin(type: number): void {
    this.reserve(5);
    this.buf[this.len++] = type;
    this.msgStart = this.len;
    this.len += 4;
  }
  end(): void {
    this.patch(this.msgStart, this.len - this.msgStart);
    this.msgStart = -1;
  }
  private patch(at: number, v: number): void {
    const b = this.buf;
    b[at] = (v >>> 24) & 0xff; b[at + 1] = (v >>> 16) & 0xff; b[at + 2] = (v >>> 8) & 0xff; b[at + 3] = v & 0xff;
  }

  // ---------------------------------------------------------------- messages

  authOk(): void { this.begin(BackendType.authentication); this.int32(0); this.end(); }
  authCleartextPassword(): void { this.begin(BackendType.authentication); this.int32(3); this.end(); }
  parameterStatus(name: string, value: string): void { this.begin(BackendType.parameterStatus); this.cstring(name); this.cstring(value); this.end(); }
  backendKeyData(pid: number, secret: number): void { this.begin(BackendType.backendKeyData); this.int32(pid); this.int32(secret); this.end(); }
  readyForQuery(status: TxStatus): void { this.begin(BackendType.readyForQuery); this.byte(status.charCodeAt(0)); this.end(); }
  commandComplete(tag: string): void { this.begin(BackendType.commandComplete); this.cstring(tag); this.end(); }
  emptyQuery(): void { this.begin(BackendType.emptyQuery); this.end(); }
  parseComplete(): void { this.begin(BackendType.parseComplete); this.end(); }
  bindComplete(): void { this.begin(BackendType.bindComplete); this.end(); }
  closeComplete(): void { this.begin(BackendType.closeComplete); this.end(); }
  noData(): void { this.begin(BackendType.noData); this.end(); }
  portalSuspended(): void { this.begin(BackendType.portalSuspended); this.end(); }
  parameterDescription(oids: readonly number[]): void {
    this.begin(BackendType.parameterDescription);
    this.int16(oids.length);
    for (const o of oids) this.int32(o);
    this.end();
  }
  rowDescription(fields: readonly FieldDescription[]): void {
    this.begin(BackendType.rowDescription);
    this.int16(fields.length);
    for (const f of fields) {
      this.cstring(f.name);
      this.int32(f.tableOid); this.int16(f.column); this.int32(f.typeOid); this.int16(f.typeSize); this.int32(f.typeModifier); this.int16(f.format);
    }
    this.end();
  }
  error(f: ErrorFields): void { this.fields(BackendType.error, f); }
  notice(f: ErrorFields): void { this.fields(BackendType.notice, f); }
  private fields(type: number, f: ErrorFields): void {
    this.begin(type);
    const put = (code: string, v: string | undefined) => { if (v !== undefined) { this.byte(code.charCodeAt(0)); this.cstring(v); } };
    put('S', f.severity); put('V', f.severity); put('C', f.code); put('M', f.message);
    put('D', f.detail); put('H', f.hint); put('P', f.position !== undefined ? String(f.position) : undefined);
    this.byte(0);
    this.end();
  }
}

/** The one-byte answer to SSLRequest / GSSENCRequest: 'N' (not supported) or 'S' (go ahead with TLS). */
export function sslAnswer(accept: boolean): Uint8Array {
  return Uint8Array.of(accept ? 0x53 : 0x4e);
}
