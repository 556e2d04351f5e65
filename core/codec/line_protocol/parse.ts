// InfluxDB line protocol parser: one pass over the bytes into one columnar WriteBatch per measurement.
import { ParseError } from '../../errors.ts';
import type { WriteBatch } from '../../batch.ts';
import type { DataType, SemanticType, TimeUnit } from '../../schema.ts';
import { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import { HASH_PRIME, HASH_SEED, Interner, Unescape, decodeSlice, sameBytes } from './intern.ts';
import { NUM_OK, NUM_OVERFLOW, W, fitsInt64, multiplyMagnitude, parseMagnitude, scanFloat, storeWords } from './numbers.ts';
import { SeriesCache, SeriesEntry } from './series_cache.ts';
import type { LineProtocolOptions } from './options.ts';
import { rememberEntry, resolveEntry } from './series_resolve.ts';

const SPACE = 32, TAB = 9, CR = 13, LF = 10, COMMA = 44, EQ = 61, BSLASH = 92, QUOTE = 34, HASH = 35;
/** How many times a timestamp is multiplied by 1000 to reach nanoseconds. */
const SCALE: Record<TimeUnit, number> = { s: 3, ms: 2, us: 1, ns: 0 };

/** Bytes that end a field value outside quotes. */
function isDelimiter(b: number): boolean {
  return b === COMMA || b === SPACE || b === LF || b === CR || b === TAB;
}

export type { LineProtocolOptions };

export function parseLineProtocol(input: Uint8Array, opts: LineProtocolOptions = {}): WriteBatch[] {
  return new Parser(input, opts).run();
}

class Parser {
  private line = 1;
  private lineStart = 0;
  readonly interner = new Interner();
  private readonly byName = new Map<string, MeasurementBuilder>();
  private readonly measurements: MeasurementBuilder[] = [];
  private last: MeasurementBuilder | null = null;
  private readonly scale: number;
  readonly timeColumn: string;
  private readonly defaultLo: number = 0;
  private readonly defaultHi: number = 0;
  private readonly hasDefault: boolean;
  readonly cache: SeriesCache;
  readonly stamp: number;
  /** Entries resolved in this parse; their references to this parse's builders are dropped at the end. */
  readonly resolved: SeriesEntry[] = [];
  /** Columns and interner ids of the tags of the line being parsed the slow way. */
  tagCols: ColumnBuilder[] = [];
  tagIds: number[] = [];

  constructor(private readonly buf: Uint8Array, opts: LineProtocolOptions) {
    this.cache = opts.seriesCache ?? new SeriesCache();
    this.stamp = this.cache.nextParse();
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

  run(): WriteBatch[] {
    const buf = this.buf;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      this.lineStart = i;
      let c = buf[i]!;
      while ((c === SPACE || c === TAB || c === CR) && ++i < n) c = buf[i]!;
      if (i >= n) break;
      if (c === LF) {
        i++;
        this.line++;
        continue;
      }
      if (c === HASH) {
        while (i < n && buf[i] !== LF) i++;
        continue;
      }
      i = this.parseLine(i);
    }
    this.release();
    return this.measurements.map((m) => m.finish(this.cache.sourceSince(this.stamp)));
  }

  private release(): void {
    for (const e of this.resolved) {
      e.resMeasurement = null;
      e.resCols = [];
    }
    this.resolved.length = 0;
  }

  private fail(message: string, at: number): never {
    this.release();
    throw new ParseError(message, { line: this.line, column: at - this.lineStart + 1 });
  }

  /** Index of the first unescaped delimiter (space, comma, newline, or '=' when stopAtEq) from i. */
  private scanName(i: number, stopAtEq: boolean): number {
    const buf = this.buf;
    const n = buf.length;
    for (; i < n; i++) {
      const b = buf[i]!;
      if (b === SPACE || b === COMMA || b === LF || (stopAtEq && b === EQ)) return i;
      if (b === BSLASH && i + 1 < n && buf[i + 1] !== LF) i++;
    }
    return i;
  }

  private measurement(s: number, e: number): MeasurementBuilder {
    const last = this.last;
    if (last !== null && last.rawName.length === e - s && sameBytes(this.buf, s, last.rawName)) return last;
    const name = this.interner.get(this.buf, s, e, Unescape.Name);
    if (name === undefined) this.fail('measurement is not valid UTF-8', s);
    return (this.last = this.measurementNamed(name, this.buf.slice(s, e)));
  }

  measurementNamed(name: string, raw: Uint8Array): MeasurementBuilder {
    let m = this.byName.get(name);
    if (m === undefined) {
      m = new MeasurementBuilder(name, raw, this.timeColumn);
      this.byName.set(name, m);
      this.measurements.push(m);
    }
    return m;
  }

  /** See resolveEntry (series_resolve.ts): cold code, once per series key and parse. */
  private resolve(e: SeriesEntry): SeriesEntry | null {
    return resolveEntry(this, e);
  }

  /** Index of the first unescaped space from i (or of a newline / the end), hashing the bytes on the way into keyHash. */
  private keyHash = 0;
  private scanKey(i: number): number {
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

  /**
   * Length of the p-th key of the previous line when the bytes at i repeat it (followed by '='),
   * else -1: most payloads repeat their keys in order, so a byte compare replaces scan and lookup.
   */
  private sameKey(m: MeasurementBuilder, p: number, i: number): number {
    const c = m.seq[p];
    if (c === undefined) return -1;
    const key = c.rawKey;
    const len = key.length;
    const buf = this.buf;
    if (i + len >= buf.length || buf[i + len] !== EQ) return -1;
    for (let k = 0; k < len; k++) if (buf[i + k] !== key[k]) return -1;
    return len;
  }

  /** The column named by the key [s, e), created on first sight, cached as the p-th key of the line. */
  private lookup(m: MeasurementBuilder, p: number, s: number, e: number, semantic: SemanticType, type: DataType): ColumnBuilder {
    const name = this.interner.get(this.buf, s, e, Unescape.Name);
    if (name === undefined) this.fail(`${semantic} key is not valid UTF-8`, s);
    let c = m.cols.get(name);
    if (c === undefined) {
      if (name === this.timeColumn) this.fail(`${semantic} key '${name}' is the name of the time column`, s);
      c = m.add(name, type, semantic, this.buf.slice(s, e));
    }
    m.seq[p] = c;
    return c;
  }

  /** Checks that the key at s is used with the same kind and type as before. */
  private check(m: MeasurementBuilder, c: ColumnBuilder, s: number, semantic: SemanticType, type: DataType, vs: number): void {
    if (c.semantic !== semantic) {
      const where = c.lastRow === m.rows ? 'on the same line' : 'on another line';
      this.fail(`'${c.name}' is a ${semantic} key here but a ${c.semantic} key ${where} of measurement '${m.name}'`, s);
    }
    if (c.type !== type) {
      this.fail(`field '${c.name}' is ${type} here but ${c.type} in an earlier line of measurement '${m.name}'`, vs);
    }
  }

  /** Parses one line starting at its measurement; returns the index after its newline. */
  private parseLine(i: number): number {
    const buf = this.buf;
    const n = buf.length;
    const ms = i;
    const cache = this.cache;
    // The key that followed the previous line's last time is tried first: equal bytes up to a space
    // are the whole key (they hold no unescaped space), so no scan or hash is needed.
    const last = cache.last;
    let hit = last === null ? null : last.next;
    if (hit !== null) {
      const len = hit.key.length;
      if (!(ms + len < n && buf[ms + len] === SPACE && sameBytes(buf, ms, hit.key))) hit = null;
    }
    let ke = -1;
    let keyH = 0;
    let cacheable = false;
    if (hit === null) {
      ke = this.scanKey(i);
      keyH = this.keyHash;
      if (ke < n && buf[ke] === SPACE) {
        hit = cache.find(buf, ms, ke, keyH);
        cacheable = hit === null;
        if (hit !== null && last !== null) last.next = hit;
      }
    } else ke = ms + hit.key.length;
    if (hit !== null) {
      cache.last = hit;
      const e = this.resolve(hit);
      if (e !== null) {
        const m = e.resMeasurement!;
        this.last = m;
        const r = m.rows;
        m.setSeries(r, e.serial);
        const cols = e.resCols;
        const codes = e.resCodes;
        for (let t = 0; t < cols.length; t++) {
          const c = cols[t]!;
          c.mark(r);
          c.codes[r] = codes[t]!;
        }
        return this.parseFields(m, r, cols.length, ke);
      }
    }
    const tagCols = this.tagCols;
    const tagIds = this.tagIds;
    i = this.scanName(i, false);
    if (i === ms) this.fail('missing measurement', i);
    if (i >= n || buf[i] === LF) this.fail('missing fields', i);
    const m = this.measurement(ms, i);
    const r = m.rows;
    let p = 0;
    if (buf[i] === COMMA) {
      for (;;) {
        const ks = ++i;
        const len = this.sameKey(m, p, i);
        let col: ColumnBuilder;
        if (len >= 0) {
          col = m.seq[p]!;
          i += len;
        } else {
          i = this.scanName(i, true);
          if (i === ks) this.fail('missing tag key', i);
          if (i >= n || buf[i] !== EQ) this.fail(`missing '=' after tag key`, i);
          col = this.lookup(m, p, ks, i, 'tag', 'string');
        }
        p++;
        this.check(m, col, ks, 'tag', 'string', i + 1);
        // The tag value: when it repeats the column's previous value (constant tags), a compare suffices.
        const vs = ++i;
        const lvs = col.lastStart;
        const llen = col.lastEnd - lvs;
        let v = -1;
        if (lvs >= 0 && i + llen < n && (buf[i + llen] === COMMA || buf[i + llen] === SPACE)) {
          let k = 0;
          while (k < llen && buf[i + k] === buf[lvs + k]) k++;
          if (k === llen) {
            v = col.lastCode;
            i += llen;
          }
        }
        if (v < 0) {
          // Otherwise it is scanned and hashed in one pass for the interner.
          let h = HASH_SEED ^ Unescape.Name;
          let escaped = false;
          for (; i < n; i++) {
            const b = buf[i]!;
            if (b === SPACE || b === COMMA || b === LF || b === EQ) break;
            if (b === BSLASH && i + 1 < n && buf[i + 1] !== LF) {
              escaped = true;
              h = Math.imul(h ^ b, HASH_PRIME);
              i++;
              h = Math.imul(h ^ buf[i]!, HASH_PRIME);
              continue;
            }
            h = Math.imul(h ^ b, HASH_PRIME);
          }
          if (i < n && buf[i] === EQ) this.fail(`unescaped '=' in tag value`, i);
          if (i === vs) this.fail('missing tag value', i);
          v = this.interner.idHashed(buf, vs, i, Unescape.Name, h, escaped);
          if (v < 0) this.fail('tag value is not valid UTF-8', vs);
          col.lastStart = vs;
          col.lastEnd = i;
          col.lastCode = v;
        }
        col.mark(r);
        col.codes[r] = col.codeOfId(v, this.interner.strs);
        tagCols[p - 1] = col;
        tagIds[p - 1] = v;
        if (i >= n || buf[i] === LF) this.fail('missing fields', i);
        if (buf[i] === SPACE) break;
      }
    }
    if (cacheable && i === ke) this.remember(m, ms, ke, keyH, p); else m.sidsOk = false; // the row has no serial
    return this.parseFields(m, r, p, i);
  }

  private remember(m: MeasurementBuilder, s: number, e: number, h: number, p: number): void {
    rememberEntry(this, m, this.buf.slice(s, e), h, p);
  }

  /** Parses the field set (after the series key, at the space before it) and the timestamp of row r. */
  private parseFields(m: MeasurementBuilder, r: number, p: number, i: number): number {
    const buf = this.buf;
    const n = buf.length;
    while (i < n && buf[i] === SPACE) i++;
    if (i >= n || buf[i] === LF || buf[i] === CR) this.fail('missing fields', i);
    for (;;) {
      i = this.parseField(m, r, p++, i);
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
    const f = scanFloat(buf, vs, n);
    const e = W.end;
    if (f === f && (e >= n || isDelimiter(buf[e]!))) {
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
      let same = r > 0 && len > 0 && neg === t.lastNeg && len === t.lastEnd - t.lastStart;
      for (let k = 0; same && k < len; k++) same = buf[ds + k] === buf[t.lastStart + k];
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
