// The field set and timestamp of a line, and what the line protocol parser's halves share (input, position, errors,
// column keys); parse.ts adds the series keys and the loop over lines.
import { ParseError } from '../../errors.ts';
import type { DataType, SemanticType, TimeUnit } from '../../schema.ts';
import type { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import { Interner, Unescape, decodeSlice } from './intern.ts';
import { RawKey, matchesKey, sameRanges, viewOf } from './raw_key.ts';
import { FLOAT, NUM_OK, NUM_OVERFLOW, W, fitsInt64, multiplyMagnitude, parseMagnitude, scanFloat, storeWords } from './numbers.ts';
import type { LineProtocolOptions } from './options.ts';

export const SPACE = 32, TAB = 9, CR = 13, LF = 10, COMMA = 44, EQ = 61, BSLASH = 92, QUOTE = 34, HASH = 35;
/** How many times a timestamp is multiplied by 1000 to reach nanoseconds. */
const SCALE: Record<TimeUnit, number> = { s: 3, ms: 2, us: 1, ns: 0 };

/** Bytes that end a field value outside quotes. */
function isDelimiter(b: number): boolean {
  return b === COMMA || b === SPACE || b === LF || b === CR || b === TAB;
}

export abstract class LineScanner {
  protected line = 1;
  protected lineStart = 0;
  readonly interner = new Interner();
  readonly timeColumn: string;
  private readonly scale: number;
  private readonly defaultLo: number = 0;
  private readonly defaultHi: number = 0;
  private readonly hasDefault: boolean;
  /** The input as a DataView: known keys are compared with it 4 bytes at a time. */
  protected readonly view: DataView;

  constructor(protected readonly buf: Uint8Array, opts: LineProtocolOptions) {
    this.view = viewOf(buf);
    const p = opts.precision ?? 'ns';
    if (!(p in SCALE)) throw new ParseError(`unknown precision '${String(p)}'`, { line: 1, column: 1 });
    this.scale = SCALE[p];
    this.timeColumn = opts.timeColumn ?? 'ts';
    this.hasDefault = opts.defaultTimeNs !== undefined;
    if (opts.defaultTimeNs !== undefined) {
      const u = BigInt.asUintN(64, opts.defaultTimeNs);
      this.defaultLo = Number(u & 0xffffffffn);
      this.defaultHi = Number(u >> 32n);
    }
  }

  /** Drops what a failed parse must not keep (called before its error is thrown). */
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

  /**
   * Length of the p-th key of the previous line when the bytes at i repeat it (followed by '='),
   * else -1: most payloads repeat their keys in order, so a byte compare replaces scan and lookup.
   */
  protected sameKey(m: MeasurementBuilder, p: number, i: number): number {
    const c = m.seq[p];
    if (c === undefined) return -1;
    const key = c.rawKey;
    const len = key.length;
    const buf = this.buf;
    if (i + len >= buf.length || buf[i + len] !== EQ || !matchesKey(this.view, buf, i, key)) return -1;
    return len;
  }

  /** The column named by the key [s, e), created on first sight, cached as the p-th key of the line. */
  protected lookup(m: MeasurementBuilder, p: number, s: number, e: number, semantic: SemanticType, type: DataType): ColumnBuilder {
    const name = this.interner.get(this.buf, s, e, Unescape.Name);
    if (name === undefined) this.fail(`${semantic} key is not valid UTF-8`, s);
    let c = m.cols.get(name);
    if (c === undefined) {
      if (name === this.timeColumn) this.fail(`${semantic} key '${name}' is the name of the time column`, s);
      c = m.add(name, type, semantic, new RawKey(this.buf.slice(s, e)));
    }
    m.seq[p] = c;
    return c;
  }

  /** Checks that the key at s is used with the same kind and type as before. */
  protected check(m: MeasurementBuilder, c: ColumnBuilder, s: number, semantic: SemanticType, type: DataType, vs: number): void {
    if (c.semantic !== semantic) {
      const where = c.lastRow === m.rows ? 'on the same line' : 'on another line';
      this.fail(`'${c.name}' is a ${semantic} key here but a ${c.semantic} key ${where} of measurement '${m.name}'`, s);
    }
    if (c.type !== type) {
      this.fail(`field '${c.name}' is ${type} here but ${c.type} in an earlier line of measurement '${m.name}'`, vs);
    }
  }

  /** Parses the field set (after the series key, at the space before it) and the timestamp of row r. */
  protected parseFields(m: MeasurementBuilder, r: number, p: number, i: number): number {
    const buf = this.buf;
    const n = buf.length;
    while (i < n && buf[i] === SPACE) i++;
    if (i >= n || buf[i] === LF || buf[i] === CR) this.fail('missing fields', i);
    const seq = m.seq;
    for (;;) {
      // The key the previous line had here, when it names a float field, is tried first (TSBS: every field).
      const c = seq[p];
      const e = c !== undefined && c.type === 'float64' && c.semantic === 'field' ? this.floatField(c, r, i) : -1;
      i = e >= 0 ? e : this.parseField(m, r, p, i);
      p++;
      const b = i < n ? buf[i]! : LF;
      if (b === COMMA) {
        i++;
        continue;
      }
      if (b === SPACE || b === TAB || b === CR || b === LF) break;
      this.fail(`unexpected character '${String.fromCharCode(b)}' after field value`, i);
    }
    return this.finishLine(m, i);
  }

  /**
   * `key=float` at i where key is c's: stores row r's value and returns the index after it, or -1 (another key, another
   * kind of value, a value out of range) for parseField to parse the field or report it.
   */
  private floatField(c: ColumnBuilder, r: number, i: number): number {
    const buf = this.buf;
    const n = buf.length;
    const key = c.rawKey;
    const vs = i + key.length + 1;
    if (vs >= n || buf[vs - 1] !== EQ || !matchesKey(this.view, buf, i, key)) return -1;
    const e = scanFloat(buf, vs, n);
    if (e < 0 || (e < n && !isDelimiter(buf[e]!))) return -1;
    const f = FLOAT[0]!;
    if (f === Infinity || f === -Infinity) return -1;
    c.mark(r);
    c.f64[r] = f;
    return e;
  }

  /** Parses `key=value` at i; returns the index after the value. */
  private parseField(m: MeasurementBuilder, r: number, p: number, i: number): number {
    const buf = this.buf;
    const n = buf.length;
    const ks = i;
    const len = this.sameKey(m, p, i);
    let col: ColumnBuilder | null = null;
    if (len >= 0) {
      col = m.seq[p]!;
      i += len;
    } else {
      i = this.scanName(i, true);
      if (i === ks) this.fail('missing field key', i);
      if (i >= n || buf[i] !== EQ) this.fail(`missing '=' after field key`, i);
    }
    const ke = i++;
    if (i >= n) this.fail('missing field value', i);
    const vs = i;
    const c = buf[i]!;
    if (isDelimiter(c)) this.fail('missing field value', i);
    if (c === QUOTE) {
      i = this.scanString(i);
      const v = this.stringId;
      col ??= this.lookup(m, p, ks, ke, 'field', 'string');
      this.check(m, col, ks, 'field', 'string', vs);
      col.mark(r);
      col.codes[r] = col.codeOfId(v, this.interner.strs);
      return i;
    }
    if (c === 116 || c === 84 || c === 102 || c === 70) {
      while (i < n && !isDelimiter(buf[i]!)) i++;
      const v = this.parseBool(vs, i);
      col ??= this.lookup(m, p, ks, ke, 'field', 'boolean');
      this.check(m, col, ks, 'field', 'boolean', vs);
      col.mark(r);
      col.u8[r] = v;
      return i;
    }
    const e = scanFloat(buf, vs, n);
    if (e >= 0 && (e >= n || isDelimiter(buf[e]!))) {
      const f = FLOAT[0]!;
      if (f === Infinity || f === -Infinity) this.fail('float out of range', vs);
      col ??= this.lookup(m, p, ks, ke, 'field', 'float64');
      this.check(m, col, ks, 'field', 'float64', vs);
      col.mark(r);
      col.f64[r] = f;
      return e;
    }
    while (i < n && !isDelimiter(buf[i]!)) i++;
    const last = buf[i - 1];
    if (i === vs || (last !== 105 && last !== 117)) this.fail('invalid field value', vs);
    const unsigned = last === 117;
    const neg = c === 45;
    const rc = parseMagnitude(buf, neg ? vs + 1 : vs, i - 1);
    if (rc !== NUM_OK || (unsigned && neg) || (!unsigned && !fitsInt64(neg))) {
      const kind = unsigned ? 'unsigned integer' : 'integer';
      this.fail(rc === NUM_OK || rc === NUM_OVERFLOW ? `${kind} out of range` : `invalid ${kind}`, vs);
    }
    const type = unsigned ? 'uint64' : 'int64';
    col ??= this.lookup(m, p, ks, ke, 'field', type);
    this.check(m, col, ks, 'field', type, vs);
    col.mark(r);
    storeWords(col.words, r, neg);
    return i;
  }

  private parseBool(s: number, e: number): number {
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
  private stringId = 0;

  /** Scans a quoted string at q (the opening quote) into stringId; returns the index after the closing quote. */
  private scanString(q: number): number {
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

  /** Reads the optional timestamp from i, stores the row's time and returns the index after the line. */
  private finishLine(m: MeasurementBuilder, i: number): number {
    const buf = this.buf;
    const n = buf.length;
    while (i < n && (buf[i] === SPACE || buf[i] === TAB)) i++;
    const t = m.time;
    const r = m.rows;
    t.mark(r);
    if (i < n && buf[i] !== LF && buf[i] !== CR) {
      const ts = i;
      const neg = buf[i] === 45;
      if (neg) i++;
      const ds = i;
      while (i < n && ((buf[i]! - 48) >>> 0) <= 9) i++;
      // Many lines share a timestamp (one scrape of many series): the same digits copy the previous row.
      const len = i - ds;
      const same = r > 0 && len > 0 && neg === t.lastNeg && len === t.lastEnd - t.lastStart && sameRanges(this.view, buf, ds, t.lastStart, len);
      const w = t.words;
      if (same) {
        w[2 * r] = w[2 * r - 2]!;
        w[2 * r + 1] = w[2 * r - 1]!;
      } else {
        const rc = parseMagnitude(buf, ds, i);
        if (rc !== NUM_OK) this.fail(rc === NUM_OVERFLOW ? 'timestamp out of range' : 'invalid timestamp', ts);
        for (let k = this.scale; k > 0; k--) if (!multiplyMagnitude(1000)) this.fail('timestamp out of range', ts);
        if (!fitsInt64(neg)) this.fail('timestamp out of range', ts);
        storeWords(w, r, neg);
        t.lastStart = ds;
        t.lastEnd = i;
        t.lastNeg = neg;
      }
      while (i < n && (buf[i] === SPACE || buf[i] === TAB || buf[i] === CR)) i++;
      if (i < n && buf[i] !== LF) this.fail(`unexpected character '${String.fromCharCode(buf[i]!)}' after timestamp`, i);
    } else {
      while (i < n && (buf[i] === SPACE || buf[i] === TAB || buf[i] === CR)) i++;
      if (i < n && buf[i] !== LF) this.fail('invalid timestamp', i);
      if (!this.hasDefault) this.fail('missing timestamp and no default time was given', i);
      t.lastStart = t.lastEnd = -1;
      W.lo = this.defaultLo;
      W.hi = this.defaultHi;
      storeWords(t.words, r, false);
    }
    m.rows = r + 1;
    if (r === 0) m.setHint(Math.min(Math.ceil((n - i) / Math.max(1, i - this.lineStart)), 1 << 22));
    if (i < n) {
      this.line++;
      return i + 1;
    }
    return i;
  }
}
