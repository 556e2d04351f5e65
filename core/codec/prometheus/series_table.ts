// Remote-write series known across requests: a WriteRequest is read straight into columns, and a series seen before
// costs a hash of its label bytes and a byte compare (no label string decoded, no label checked again).
import { InvalidArgumentError } from '../../errors.ts';
import { newSeriesSource } from '../../batch.ts';
import { ProtoReader, WireType } from '../../proto/wire.ts';
import { METRIC_NAME_LABEL, PROM_TIME_COLUMN, PROM_VALUE_COLUMN } from './remote_write.ts';
import { decodeCommon, grow, RequestColumns } from './series_fast.ts';
import { ByteArena, ByteStrings, bytesEqual, hashBytes, releaseView, viewOf } from './byte_keys.ts';

/**
 * One WriteRequest: series i of the request is `sid[i]` of the table; its samples are [sampleStart[i], sampleStart[i+1]).
 * Its arrays are views of the table's own, valid until its next decode.
 */
export interface DecodedWrite {
  count: number;
  sid: Int32Array;
  sampleStart: Int32Array;
  /** Unix ms. */
  t: Float64Array;
  /** Bit-exact (stale markers kept). */
  v: Float64Array;
  samples: number;
  metadata: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });


/**
 * The label sets of series seen so far, keyed by the bytes of their Label fields as the client encodes them
 * (Prometheus sends one series' labels identically in every request). Strings are interned once: a label pair is a
 * `pair` id (name id, value id). Labels with an empty value are left out (Prometheus: empty = absent); `__name__`
 * is kept apart as the series' metric. Bounded: past `maxSeries` the table starts again empty.
 */
export class PromSeriesTable {
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** Label pairs: name and value string ids. */
  pairName = new Int32Array(1024);
  pairValue = new Int32Array(1024);
  pairs = 0;
  private readonly pairIds = new Map<number, number>();
  /** Per series: metric string id, first pair in `seriesPairs`, pair count. */
  metric = new Int32Array(1024);
  pairStart = new Int32Array(1025);
  seriesPairs = new Int32Array(4096);
  count = 0;
  private keyOff = new Int32Array(1024);
  private keyLen = new Int32Array(1024);
  /** The series' keys (their Label fields' bytes). */
  private readonly keys = new ByteArena();
  /** Label names and values by their bytes: a new series of known strings decodes none. */
  private readonly byteStrings = new ByteStrings();
  /** Per string id: the add() that last saw it as a label name (a label twice). */
  private nameStamp = new Int32Array(1024);
  private addStamp = 0;
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1024);
  /** Per series: the series that followed it in the last request (-1: none yet); see lookup(). */
  private succ = new Int32Array(1024).fill(-1);
  private firstGuess = -1;
  private prevSid = -1;
  private scratch = new Uint8Array(1024);
  /** The columns requests are read into, reused request after request (grown, never shrunk). */
  readonly columns = new RequestColumns();
  /** Label field byte ranges of the series being read (shared with series_fast.ts). */
  ranges = new Int32Array(64);

  constructor(readonly maxSeries = 2_000_000) {}

  /** Interned string id. */
  stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** Bumped by clear(): ids handed out before are void. */
  generation = 0;

  /** The SeriesHint source of the series ids (a new one on clear()). */
  source = newSeriesSource();

  clear(): void {
    this.generation++;
    this.source = newSeriesSource();
    this.strings.length = 0;
    this.stringIds.clear();
    this.count = 0;
    this.pairs = 0;
    this.keys.length = 0;
    this.byteStrings.clear();
    this.pairIds.clear();
    this.slots.fill(-1);
    this.succ.fill(-1);
    this.firstGuess = this.prevSid = -1;
  }

  /** True when the next decode starts the table again empty (clear): ids handed out so far are void after it. */
  get full(): boolean {
    return this.count >= this.maxSeries || this.strings.length >= this.maxSeries * 2;
  }

  /** Reads a (decompressed) WriteRequest; throws a 400-class error naming the series on bad input, before anything is kept of it. */
  decode(buf: Uint8Array): DecodedWrite {
    // only between requests: ids of this request's series stay valid until the caller is done with them
    if (this.full) this.clear();
    try {
      return decodeCommon(this, buf) ?? this.decodeChecked(buf);
    } finally {
      releaseView();
    }
  }

  /** Any WriteRequest, every field checked: the positioned error of a malformed one. */
  decodeChecked(buf: Uint8Array): DecodedWrite {
    if (this.full) this.clear();
    const r = new ProtoReader(buf);
    const c = this.columns;
    let n = 0;
    let count = 0;
    let metadata = 0;
    while (!r.done()) {
      const tag = r.uint32();
      if (tag === 0x0a) {
        const end = r.lenEnd();
        // one pass: label fields' byte ranges noted, samples read in place
        let ranges = 0;
        let from = -1, to = -1, contiguous = true;
        const first = n;
        let prevT = -Infinity;
        let disorder = -1;
        while (r.pos < end) {
          const at = r.pos;
          const t2 = r.uint32();
          if (t2 === 0x0a) {
            const le = r.lenEnd();
            if (le > end) r.fail('label runs past its time series');
            if (from < 0) from = at;
            else if (at !== to) contiguous = false;
            to = le;
            if (ranges * 2 + 2 > this.ranges.length) this.ranges = grow(this.ranges, ranges * 2 + 2);
            this.ranges[ranges * 2] = at;
            this.ranges[ranges * 2 + 1] = le;
            ranges++;
            r.pos = le;
          } else if (t2 === 0x12) {
            const se = r.lenEnd();
            if (se > end) r.fail('sample runs past its time series');
            c.sampleRoom(n);
            const { t, bits } = c;
            let ts = 0;
            bits[n * 2] = 0;
            bits[n * 2 + 1] = 0;
            while (r.pos < se) {
              const t3 = r.uint32();
              if (t3 === 0x09) {
                const p = r.pos;
                if (p + 8 > se) r.fail('truncated sample value');
                bits[n * 2] = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
                bits[n * 2 + 1] = (buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24)) >>> 0;
                r.pos = p + 8;
              } else if (t3 === 0x10) ts = r.int64();
              else r.skip(t3 & 7);
              if (r.pos > se) r.fail('sample field runs past the sample');
            }
            if (ts < prevT && disorder < 0) disorder = n;
            t[n++] = ts;
            prevT = ts;
          } else r.skip(t2 & 7);
          if (r.pos > end) r.fail('field runs past its time series');
        }
        c.seriesRoom(count);
        c.sampleStart[count] = first;
        const sid = this.seriesOf(buf, from, to, contiguous, ranges, count);
        c.sid[count] = sid;
        if (disorder >= 0) {
          const m = this.strings[this.metric[sid]!];
          throw new InvalidArgumentError(`out of order sample in time series ${count} (${m}): timestamp ${c.t[disorder]} after ${c.t[disorder - 1]}`, { row: count });
        }
        count++;
      } else if (tag >>> 3 === 3 && (tag & 7) === WireType.len) {
        metadata++;
        r.skip(WireType.len);
      } else r.skip(tag & 7);
    }
    return c.result(count, n, metadata);
  }

  /** The series id of the label fields in buf (found by their bytes, or checked and added); ranges in `this.ranges`. */
  seriesOf(buf: Uint8Array, from: number, to: number, contiguous: boolean, ranges: number, index: number): number {
    const id = this.lookup(buf, from, to, contiguous, ranges, index);
    // what followed the previous series (or began the previous request) is the guess for the next one
    if (index === 0) this.firstGuess = id;
    else this.succ[this.prevSid] = id;
    this.prevSid = id;
    return id;
  }

  private lookup(buf: Uint8Array, from: number, to: number, contiguous: boolean, ranges: number, index: number): number {
    // A client sends its series in the same order request after request: the series that followed this one's
    // predecessor last time is checked first, by its bytes, before any hash is computed.
    const guess = index === 0 ? this.firstGuess : this.succ[this.prevSid]!;
    if (guess >= 0 && guess < this.count && contiguous && from >= 0) {
      const len = to - from;
      if (this.keyLen[guess] === len && bytesEqual(this.keys.view, this.keyOff[guess]!, viewOf(buf), from, len)) return guess;
    }
    let key = buf, kFrom = from, kTo = to;
    if (from < 0) kFrom = kTo = 0;
    else if (!contiguous) {
      // labels interleaved with samples (no client does this): the key is their fields concatenated
      let len = 0;
      for (let i = 0; i < ranges; i++) len += this.ranges[i * 2 + 1]! - this.ranges[i * 2]!;
      if (this.scratch.length < len) this.scratch = new Uint8Array(len * 2);
      let o = 0;
      for (let i = 0; i < ranges; i++) {
        const a = this.ranges[i * 2]!, b = this.ranges[i * 2 + 1]!;
        this.scratch.set(buf.subarray(a, b), o);
        o += b - a;
      }
      key = this.scratch; kFrom = 0; kTo = len;
    }
    const h = hashBytes(key, kFrom, kTo);
    const kv = viewOf(key);
    const mask = this.slots.length - 1;
    const len = kTo - kFrom;
    let slot = h & mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e < 0) break;
      if (this.hashes[e] === h && this.keyLen[e] === len && bytesEqual(this.keys.view, this.keyOff[e]!, kv, kFrom, len)) return e;
      slot = (slot + 1) & mask;
    }
    return this.add(buf, ranges, index, key, kFrom, kTo, h);
  }

  private add(buf: Uint8Array, ranges: number, index: number, key: Uint8Array, kFrom: number, kTo: number, h: number): number {
    // checked whole before anything is kept (strings interned on the way are harmless): a bad series leaves the
    // table's series as they were
    const st = ++this.addStamp;
    let metric = -1;
    if (ranges > this.addNames.length) { this.addNames = grow(this.addNames, ranges); this.addValues = grow(this.addValues, ranges); }
    const names = this.addNames, values = this.addValues;
    let k = 0;
    for (let i = 0; i < ranges; i++) {
      const r = new ProtoReader(buf, this.ranges[i * 2]!, this.ranges[i * 2 + 1]!);
      r.uint32();
      const le = r.lenEnd();
      // -1: the empty string (not interned: an empty name is refused, an empty value is no label)
      let name = -1, value = -1;
      while (r.pos < le) {
        const t3 = r.uint32();
        if (t3 === 0x0a) name = this.strOf(r, le, 'label name');
        else if (t3 === 0x12) value = this.strOf(r, le, `value of label '${name < 0 ? '' : this.strings[name]}'`);
        else r.skip(t3 & 7);
        if (r.pos > le) r.fail('field runs past its label');
      }
      if (name < 0) throw new InvalidArgumentError(`time series ${index} has a label with an empty name`);
      if (name >= this.nameStamp.length) this.nameStamp = grow(this.nameStamp, this.strings.length);
      const s = this.strings[name]!;
      if (s === METRIC_NAME_LABEL) { if (this.nameStamp[name] === st) dup(index, s); metric = k; }
      else if (s === PROM_TIME_COLUMN || s === PROM_VALUE_COLUMN) {
        throw new InvalidArgumentError(`time series ${index} has a label named '${s}', which is the column EddyDB stores ${s === PROM_TIME_COLUMN ? 'timestamps' : 'values'} in`);
      } else if (this.nameStamp[name] === st) dup(index, s);
      this.nameStamp[name] = st;
      names[k] = name;
      values[k] = value;
      k++;
    }
    if (metric < 0 || values[metric]! < 0) throw new InvalidArgumentError(`time series ${index} has no metric name (label __name__)`, { row: index });
    const id = this.count++;
    if (id >= this.metric.length) {
      const cap = this.metric.length * 2;
      for (const f of ['metric', 'keyOff', 'keyLen', 'hashes'] as const) { const b = new Int32Array(cap); b.set(this[f]); this[f] = b; }
      const succ = new Int32Array(cap).fill(-1);
      succ.set(this.succ);
      this.succ = succ;
      this.pairStart = grow(this.pairStart, cap + 1);
    }
    this.metric[id] = values[metric]!;
    let p0 = id === 0 ? 0 : this.pairStart[id]!;
    this.pairStart[id] = p0;
    for (let i = 0; i < k; i++) {
      if (i === metric || values[i]! < 0) continue;
      this.seriesPairs = grow(this.seriesPairs, p0 + 1);
      this.seriesPairs[p0++] = this.pairOf(names[i]!, values[i]!);
    }
    this.pairStart[id + 1] = p0;
    this.keyOff[id] = this.keys.push(key, kFrom, kTo);
    this.keyLen[id] = kTo - kFrom;
    this.hashes[id] = h;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id);
    return id;
  }

  /** A series' label names and values being added (string ids), reused. */
  private addNames = new Int32Array(16);
  private addValues = new Int32Array(16);

  /** The string id of the length-delimited field at r.pos (found by its bytes, or decoded, checked and interned); -1: empty. */
  private strOf(r: ProtoReader, end: number, what: string): number {
    const e = r.lenEnd();
    if (e > end) r.fail(`${what} runs past its label`);
    const from = r.pos;
    if (e === from) return -1;
    let id = this.byteStrings.find(r.buf, from, e);
    if (id < 0) {
      let s: string;
      try {
        s = utf8.decode(r.buf.subarray(from, e));
      } catch {
        throw new InvalidArgumentError(`${what} at byte ${from} is not valid UTF-8`);
      }
      id = this.stringId(s);
      this.byteStrings.add(r.buf, from, e, id);
    }
    r.pos = e;
    return id;
  }

  private pairOf(name: number, value: number): number {
    const k = name * 0x4000000 + value;
    let p = this.pairIds.get(k);
    if (p === undefined) {
      p = this.pairs++;
      this.pairName = grow(this.pairName, p + 1);
      this.pairValue = grow(this.pairValue, p + 1);
      this.pairName[p] = name;
      this.pairValue[p] = value;
      this.pairIds.set(k, p);
    }
    return p;
  }

  private place(id: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[id]! & mask;
    while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
    this.slots[slot] = id;
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(-1);
    for (let i = 0; i < this.count; i++) this.place(i);
  }
}

function dup(index: number, name: string): never {
  throw new InvalidArgumentError(`time series ${index} has the label '${name}' twice`);
}
