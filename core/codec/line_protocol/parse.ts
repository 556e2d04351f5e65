// InfluxDB line protocol parser: one pass over the bytes into one columnar WriteBatch per measurement.
import type { WriteBatch } from '../../batch.ts';
import { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import { HASH_PRIME, HASH_SEED, Unescape } from './intern.ts';
import { RawKey, matchesKey } from './raw_key.ts';
import { SeriesCache, SeriesEntry, type SeriesLayout } from './series_cache.ts';
import type { LineProtocolOptions } from './options.ts';
import { rememberEntry, resolveEntry } from './series_resolve.ts';
import { BSLASH, COMMA, CR, EQ, HASH, LF, LineScanner, SPACE, TAB } from './fields.ts';

export type { LineProtocolOptions };

export function parseLineProtocol(input: Uint8Array, opts: LineProtocolOptions = {}): WriteBatch[] {
  return new Parser(input, opts).run();
}

class Parser extends LineScanner {
  private readonly byName = new Map<string, MeasurementBuilder>();
  private readonly measurements: MeasurementBuilder[] = [];
  private last: MeasurementBuilder | null = null;
  readonly cache: SeriesCache;
  readonly stamp: number;
  /** Layouts bound in this parse; their references to this parse's builders are dropped at the end. */
  readonly resolved: SeriesLayout[] = [];
  /** Columns and interner ids of the tags of the line being parsed the slow way. */
  tagCols: ColumnBuilder[] = [];
  tagIds: number[] = [];

  constructor(buf: Uint8Array, opts: LineProtocolOptions) {
    super(buf, opts);
    this.cache = opts.seriesCache ?? new SeriesCache();
    this.stamp = this.cache.nextParse();
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

  protected release(): void {
    for (const l of this.resolved) {
      l.resMeasurement = null;
      l.resCols = [];
    }
    this.resolved.length = 0;
  }

  private measurement(s: number, e: number): MeasurementBuilder {
    const last = this.last;
    if (last !== null && last.rawName.length === e - s && matchesKey(this.view, this.buf, s, last.rawName)) return last;
    const name = this.interner.get(this.buf, s, e, Unescape.Name);
    if (name === undefined) this.fail('measurement is not valid UTF-8', s);
    return (this.last = this.measurementNamed(name, new RawKey(this.buf.slice(s, e))));
  }

  measurementNamed(name: string, raw: RawKey): MeasurementBuilder {
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
      if (!(ms + len < n && buf[ms + len] === SPACE && matchesKey(this.view, buf, ms, hit.key))) hit = null;
    }
    let ke = -1;
    let keyH = 0;
    let cacheable = false;
    if (hit === null) {
      ke = this.scanKey(i);
      keyH = this.keyHash;
      if (ke < n && buf[ke] === SPACE) {
        hit = cache.find(this.view, buf, ms, ke, keyH);
        cacheable = hit === null;
        if (hit !== null && last !== null) last.next = hit;
      }
    } else ke = ms + hit.key.length;
    if (hit !== null) {
      cache.last = hit;
      const e = this.resolve(hit);
      if (e !== null) {
        const m = e.layout.resMeasurement!;
        this.last = m;
        const r = m.rows;
        m.setSeries(r, e.serial);
        const cols = e.layout.resCols;
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
    rememberEntry(this, m, new RawKey(this.buf.slice(s, e)), h, p);
  }


}
