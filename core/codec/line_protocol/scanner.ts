// The byte-level half of the line protocol parser: positions and errors, names, series keys, booleans and quoted strings.
import { ParseError } from '../../errors.ts';
import { HASH_PRIME, HASH_SEED, Interner, Unescape, decodeSlice } from './intern.ts';

export const SPACE = 32, TAB = 9, CR = 13, LF = 10, COMMA = 44, EQ = 61, BSLASH = 92, QUOTE = 34, HASH = 35;

/** Bytes that end a field value outside quotes. */
export function isDelimiter(b: number): boolean {
  return b === COMMA || b === SPACE || b === LF || b === CR || b === TAB;
}

/** Scanning state shared by the parser: the payload, the current line (for error positions) and the interner. */
export abstract class LineScanner {
  protected line = 1;
  protected lineStart = 0;
  protected readonly interner = new Interner();

  constructor(protected readonly buf: Uint8Array) {}

  /** Drops what a failed or finished parse must not keep; called before an error is thrown. */
  protected abstract release(): void;

  protected fail(message: string, at: number): never {
    this.release();
    throw new ParseError(message, { line: this.line, column: at - this.lineStart + 1 });
  }

  /** Index of the first unescaped delimiter (space, comma, newline, or '=' when stopAtEq) from i. */
  protected scanName(i: number, stopAtEq: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    for (; i < n; i++) {
      const b = buf[i]!;
      if (b === SPACE || b === COMMA || b === LF || (stopAtEq && b === EQ)) return i;
      if (b === BSLASH && i + 1 < n && buf[i + 1] !== LF) i++;
    }
    return i;
  }

  /** Index of the first unescaped space from i (or of a newline / the end), hashing the bytes on the way into keyHash. */
  protected keyHash = 0;
  protected scanKey(i: number): number {
    const buf = this.buf;
    const n = buf.length;
    let h = HASH_SEED;
    for (; i < n; i++) {
      let b = buf[i]!;
      if (b === SPACE || b === LF) break;
      if (b === BSLASH && i + 1 < n && buf[i + 1] !== LF) {
        h = Math.imul(h ^ b, HASH_PRIME);
        b = buf[++i]!;
      }
      h = Math.imul(h ^ b, HASH_PRIME);
    }
    this.keyHash = h;
    return i;
  }

  protected parseBool(s: number, e: number): number {
    const buf = this.buf;
    const len = e - s;
    const c = buf[s]!;
    if (len === 1) return c === 116 || c === 84 ? 1 : 0;
    const word = String.fromCharCode(...buf.subarray(s, e));
    if (word === 'true' || word === 'True' || word === 'TRUE') return 1;
    if (word === 'false' || word === 'False' || word === 'FALSE') return 0;
    this.fail('invalid field value', s);
  }

  /** Interner id of the string scanned by the last scanString call. */
  protected stringId = 0;

  /** Scans a quoted string at q (the opening quote) into stringId; returns the index after the closing quote. */
  protected scanString(q: number): number {
    const buf = this.buf;
    const n = buf.length;
    let i = q + 1;
    let lines = 0;
    let lastLf = -1;
    let escaped = false;
    for (; i < n; i++) {
      const b = buf[i]!;
      if (b === QUOTE) break;
      if (b === BSLASH && i + 1 < n && (buf[i + 1] === QUOTE || buf[i + 1] === BSLASH)) {
        i++;
        escaped = true;
      } else if (b === LF) {
        lines++;
        lastLf = i;
      }
    }
    if (i >= n) this.fail('unterminated string field value', q);
    // Short values (statuses, levels) repeat and are interned; long ones (log lines) rarely do.
    let v: number;
    if (i - q - 1 <= 64) v = this.interner.id(buf, q + 1, i, Unescape.Quoted);
    else {
      const str = decodeSlice(buf, q + 1, i, Unescape.Quoted, escaped);
      v = str === undefined ? -1 : this.interner.add(str);
    }
    if (v < 0) this.fail('string field value is not valid UTF-8', q);
    this.stringId = v;
    if (lines > 0) {
      this.line += lines;
      this.lineStart = lastLf + 1;
    }
    return i + 1;
  }
}
