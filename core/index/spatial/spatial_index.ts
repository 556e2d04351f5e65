// Spatial index of one segment over a latitude/longitude column pair: a packed Hilbert R-tree (npm flatbush) of the
// rows' points, serialized with its buffer. Probes: a bounding box (inclusive, as BETWEEN) and a radius in metres
// (haversine), each returning candidate row ranges that never miss a matching row.
import Flatbush from 'flatbush';
import { CorruptDataError } from '../../errors.ts';
import { EARTH_RADIUS_M, haversineM } from './sphere.ts';

/** Rows an index says may match: sorted, disjoint, non-empty [start, end) ranges (core/index's RowSelection shape). */
export interface RowRanges {
  start: Uint32Array;
  end: Uint32Array;
}

/** One coordinate column of the segment: values in row order and a byte per row validity (null: all valid). */
export interface CoordColumn {
  values: ArrayLike<number>;
  valid: Uint8Array | null;
}

export type SpatialPredicate =
  /**
   * lat in [minLat, maxLat] and lng in [minLng, maxLng], bounds inclusive (an open side is +-Infinity). `earth`: the
   * box holds the rows only among points on the earth's ranges (an H3 cell: a point beyond them maps somewhere), so
   * an index holding other points cannot answer.
   */
  | { op: 'bbox'; minLat: number; maxLat: number; minLng: number; maxLng: number; earth?: boolean }
  /** haversine distance from (lat, lng) at most `meters`. */
  | { op: 'radius'; lat: number; lng: number; meters: number };

const MAGIC = 0x32505345; // 'ESP2' (ESP1, the flatbush tree of every point, kept 4 float64 per point: 62% of the data)
const HEADER = 64; // magic, rows, items, block size, blocks, tree bytes, id bytes, spare; then the points' bounds (4 f64)
const TREE_NODE = 16;
const Q = 65536; // per-block coordinate grid (16 bits a coordinate)

/**
 * Hilbert curve position of (x, y) on a 2^16 grid (the classic xy -> d walk): points close on the curve are close in
 * space, so consecutive points form tight blocks.
 */
function hilbert(x: number, y: number): number {
  let d = 0;
  for (let s = 1 << 15; s > 0; s >>>= 1) {
    const rx = (x & s) !== 0 ? 1 : 0, ry = (y & s) !== 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) { x = 65535 - x; y = 65535 - y; }
      const t = x; x = y; y = t;
    }
  }
  return d;
}

/** Indices 0..n-1 ordered by key (LSD radix sort, two 16-bit passes; stable). */
function orderByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from = new Uint32Array(n), to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  const count = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[i]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 1; b <= 65536; b++) count[b]! += count[b - 1]!;
    for (let i = 0; i < n; i++) { const k = from[i]!; to[count[(keys[k]! >>> shift) & 0xffff]!++] = k; }
    const t = from; from = to; to = t;
  }
  return from;
}

function quantize(v: number, lo: number, hi: number): number {
  return hi > lo ? Math.min(Q - 1, Math.floor(((v - lo) / (hi - lo)) * Q)) : 0;
}

/** Little-endian bit writer into a byte array (a block's row-id deltas, `width` bits each). */
class Bits {
  acc = 0;
  n = 0;
  constructor(public out: Uint8Array, public at: number) {}
  put(v: number, width: number): void {
    this.acc += v * 2 ** this.n;
    this.n += width;
    while (this.n >= 8) { this.out[this.at++] = this.acc % 256; this.acc = Math.floor(this.acc / 256); this.n -= 8; }
  }
  end(): number {
    if (this.n > 0) { this.out[this.at++] = this.acc; this.acc = 0; this.n = 0; }
    return this.at;
  }
}

/**
 * Builds the index; rows with a null or NaN coordinate are left out (no predicate is true for them). Points are put
 * in Hilbert order and cut into blocks of `nodeSize`; a flatbush R-tree holds the blocks' exact boxes; each point
 * keeps its row (blocks' rows ascending, delta-coded at the block's bit width) and its coordinates quantized to 16
 * bits within its block's box, so a probe tests a point's tiny cell and never misses a row.
 */
export function buildSpatialIndex(lat: CoordColumn, lng: CoordColumn, rows: number, nodeSize = 16): Uint8Array {
  const ids = new Uint32Array(rows);
  let n = 0;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let r = 0; r < rows; r++) {
    if ((lat.valid && !lat.valid[r]) || (lng.valid && !lng.valid[r])) continue;
    const y = lat.values[r]!, x = lng.values[r]!;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    ids[n++] = r;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const head = (out: Uint8Array): DataView => {
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    dv.setUint32(0, MAGIC, true); dv.setUint32(4, rows, true); dv.setUint32(8, n, true); dv.setUint32(12, nodeSize, true);
    return dv;
  };
  if (n === 0) { const out = new Uint8Array(HEADER); head(out); return out; }
  // Infinite coordinates: the grid keys fold them onto the bounds' edges (any order is correct, only less tight)
  const spanX = Number.isFinite(maxX - minX) ? maxX - minX : 0, spanY = Number.isFinite(maxY - minY) ? maxY - minY : 0;
  const keys = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const r = ids[k]!;
    const qx = spanX > 0 ? Math.max(0, Math.min(65535, Math.floor(((lng.values[r]! - minX) / spanX) * 65535))) : 0;
    const qy = spanY > 0 ? Math.max(0, Math.min(65535, Math.floor(((lat.values[r]! - minY) / spanY) * 65535))) : 0;
    keys[k] = hilbert(qx | 0, qy | 0);
  }
  const order = orderByKey(keys);
  const blocks = Math.ceil(n / nodeSize);
  const tree = new Flatbush(blocks, TREE_NODE);
  const quant = new Uint16Array(2 * n);
  const idOff = new Uint32Array(blocks + 1);
  const idBytes = new Uint8Array(blocks * 5 + n * 4);
  const bits = new Bits(idBytes, 0);
  const rowsOf = new Uint32Array(nodeSize);
  for (let b = 0; b < blocks; b++) {
    const from = b * nodeSize, cnt = Math.min(nodeSize, n - from);
    const own = rowsOf.subarray(0, cnt);
    for (let j = 0; j < cnt; j++) own[j] = ids[order[from + j]!]!;
    own.sort();
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, maxD = 0;
    for (let j = 0; j < cnt; j++) {
      const r = own[j]!, x = lng.values[r]!, y = lat.values[r]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (j > 0 && r - own[j - 1]! > maxD) maxD = r - own[j - 1]!;
    }
    tree.add(x0, y0, x1, y1);
    for (let j = 0; j < cnt; j++) {
      const r = own[j]!;
      quant[2 * (from + j)] = quantize(lng.values[r]!, x0, x1);
      quant[2 * (from + j) + 1] = quantize(lat.values[r]!, y0, y1);
    }
    const width = maxD === 0 ? 0 : 32 - Math.clz32(maxD);
    idOff[b] = bits.at;
    bits.put(own[0]!, 32);
    bits.put(width, 8);
    for (let j = 1; j < cnt; j++) bits.put(own[j]! - own[j - 1]!, width);
    bits.end();
  }
  idOff[blocks] = bits.at;
  tree.finish();
  const treeBytes = new Uint8Array(tree.data as ArrayBuffer);
  const treeLen = (treeBytes.byteLength + 7) & ~7;
  const offAt = HEADER + treeLen, quantAt = offAt + 4 * (blocks + 1), idAt = quantAt + 4 * n;
  const out = new Uint8Array(idAt + bits.at);
  const dv = head(out);
  dv.setUint32(16, blocks, true); dv.setUint32(20, treeBytes.byteLength, true); dv.setUint32(24, bits.at, true);
  dv.setFloat64(32, minX, true); dv.setFloat64(40, minY, true); dv.setFloat64(48, maxX, true); dv.setFloat64(56, maxY, true);
  out.set(treeBytes, HEADER);
  out.set(new Uint8Array(idOff.buffer), offAt);
  out.set(new Uint8Array(quant.buffer), quantAt);
  out.set(idBytes.subarray(0, bits.at), idAt);
  return out;
}

export interface SpatialReader {
  rows: number;
  /** Points indexed (rows with both coordinates). */
  items: number;
  blockSize: number;
  /** R-tree over the blocks' boxes (null: no point). */
  tree: Flatbush | null;
  /** Bounds of every point: minLng, minLat, maxLng, maxLat. */
  bounds: [number, number, number, number];
  /** Per block: byte offset of its row ids in `idBytes` (blocks + 1 entries). */
  idOff: Uint32Array;
  /** Per point, in block order: lng, lat quantized within the block's box. */
  quant: Uint16Array;
  idBytes: Uint8Array;
}

export function openSpatialIndex(bytes: Uint8Array): SpatialReader {
  if (bytes.byteLength < HEADER) throw new CorruptDataError('spatial index file too short');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new CorruptDataError('not a spatial index file (bad magic)');
  const rows = dv.getUint32(4, true), n = dv.getUint32(8, true), blockSize = dv.getUint32(12, true);
  if (n === 0) return { rows, items: 0, blockSize, tree: null, bounds: [0, 0, 0, 0], idOff: new Uint32Array(1), quant: new Uint16Array(0), idBytes: new Uint8Array(0) };
  const blocks = dv.getUint32(16, true), treeBytes = dv.getUint32(20, true), idLen = dv.getUint32(24, true);
  const treeLen = (treeBytes + 7) & ~7;
  const offAt = HEADER + treeLen, quantAt = offAt + 4 * (blocks + 1), idAt = quantAt + 4 * n;
  if (blocks !== Math.ceil(n / blockSize) || idAt + idLen > bytes.byteLength) throw new CorruptDataError('spatial index file truncated or inconsistent');
  // the views need 4- and 8-byte alignment: copy once when the blob sits unaligned in its buffer
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const buf = own.buffer as ArrayBuffer, at = own.byteOffset;
  const tree = Flatbush.from(buf.slice(at + HEADER, at + HEADER + treeBytes));
  return {
    rows, items: n, blockSize, tree,
    bounds: [dv.getFloat64(32, true), dv.getFloat64(40, true), dv.getFloat64(48, true), dv.getFloat64(56, true)],
    idOff: new Uint32Array(buf, at + offAt, blocks + 1),
    quant: new Uint16Array(buf, at + quantAt, 2 * n),
    idBytes: new Uint8Array(buf, at + idAt, idLen),
  };
}

/** Row ids of block `b`, ascending, into `out` (returns the count). */
function blockRows(r: SpatialReader, b: number, out: Uint32Array): number {
  const cnt = Math.min(r.blockSize, r.items - b * r.blockSize);
  const src = r.idBytes;
  let at = r.idOff[b]!, acc = 0, have = 0;
  const take = (width: number): number => {
    while (have < width) { acc += src[at++]! * 2 ** have; have += 8; }
    const v = acc % 2 ** width;
    acc = Math.floor(acc / 2 ** width);
    have -= width;
    return v;
  };
  let row = take(32);
  const width = take(8);
  out[0] = row;
  for (let j = 1; j < cnt; j++) { row += take(width); out[j] = row; }
  return cnt;
}

/** A point's quantized cell within its block's box, widened by a hair so float rounding never excludes it. */
function cell(q: number, lo: number, hi: number): [number, number] {
  // a span too small for 16-bit cells (subnormal steps round to nothing) or too large to subtract: the whole box
  if (!(hi - lo > 1e-290) || !Number.isFinite(hi - lo)) return [lo, hi];
  const w = (hi - lo) / Q, slack = (Math.abs(lo) + Math.abs(hi)) * 1e-12 + (hi - lo) * 1e-9;
  return [lo + q * w - slack, lo + (q + 1) * w + slack];
}

/**
 * Calls `keep` for each point of the blocks the tree finds in (x0, y0, x1, y1), with the point's cell; `all` is true
 * for a block that lies wholly in the box. Rows kept are pushed to `out`.
 */
function visit(r: SpatialReader, x0: number, y0: number, x1: number, y1: number, out: number[],
  keep: (cx0: number, cy0: number, cx1: number, cy1: number, all: boolean) => boolean): void {
  const tmp = new Uint32Array(r.blockSize);
  r.tree!.search(x0, y0, x1, y1, (b, bx0, by0, bx1, by1) => {
    const cnt = blockRows(r, b, tmp);
    const all = bx0 >= x0 && bx1 <= x1 && by0 >= y0 && by1 <= y1;
    const base = b * r.blockSize;
    for (let j = 0; j < cnt; j++) {
      const [cx0, cx1] = cell(r.quant[2 * (base + j)]!, bx0, bx1);
      const [cy0, cy1] = cell(r.quant[2 * (base + j) + 1]!, by0, by1);
      if (keep(cx0, cy0, cx1, cy1, all)) out.push(tmp[j]!);
    }
    return false;
  });
}

function toRanges(rows: number[]): RowRanges {
  rows.sort((a, b) => a - b);
  const start: number[] = [], end: number[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i + 1;
    while (j < rows.length && rows[j] === rows[j - 1]! + 1) j++;
    start.push(rows[i]!); end.push(rows[j - 1]! + 1);
    i = j;
  }
  return { start: Uint32Array.from(start), end: Uint32Array.from(end) };
}

const RAD = Math.PI / 180;
const EPS_DEG = 1e-9;

/**
 * Boxes (minLng, minLat, maxLng, maxLat) covering the spherical cap of radius `m` around (lat, lng) (bounding
 * coordinates of a great-circle distance): one box, or two when it crosses the antimeridian.
 */
export function capBoxes(lat: number, lng: number, m: number): [number, number, number, number][] {
  const d = m / EARTH_RADIUS_M;
  if (d >= Math.PI) return [[-180, -90, 180, 90]];
  let minLat = lat - d / RAD, maxLat = lat + d / RAD;
  if (maxLat >= 90 || minLat <= -90) return [[-180, Math.max(-90, minLat) - EPS_DEG, 180, Math.min(90, maxLat) + EPS_DEG]];
  const dLng = Math.asin(Math.min(1, Math.sin(d) / Math.cos(lat * RAD))) / RAD;
  minLat -= EPS_DEG; maxLat += EPS_DEG;
  const lo = lng - dLng - EPS_DEG, hi = lng + dLng + EPS_DEG;
  if (lo < -180) return [[lo + 360, minLat, 180, maxLat], [-180, minLat, hi, maxLat]];
  if (hi > 180) return [[lo, minLat, 180, maxLat], [-180, minLat, hi - 360, maxLat]];
  return [[lo, minLat, hi, maxLat]];
}

/** Rows that may match, or undefined when this index cannot answer (points outside the earth's ranges for a radius). */
export function probeSpatialIndex(index: SpatialReader | Uint8Array, p: SpatialPredicate): RowRanges | undefined {
  const r = index instanceof Uint8Array ? openSpatialIndex(index) : index;
  if (r.tree === null) return { start: new Uint32Array(0), end: new Uint32Array(0) };
  const out: number[] = [];
  const [bx0, by0, bx1, by1] = r.bounds;
  const offEarth = by0 < -90 || by1 > 90 || bx0 < -180 || bx1 > 180;
  if (p.op === 'bbox') {
    if (p.earth && offEarth) return undefined;
    if (!(p.minLat <= p.maxLat && p.minLng <= p.maxLng)) return { start: new Uint32Array(0), end: new Uint32Array(0) };
    visit(r, p.minLng, p.minLat, p.maxLng, p.maxLat, out,
      (x0, y0, x1, y1, all) => all || (x1 >= p.minLng && x0 <= p.maxLng && y1 >= p.minLat && y0 <= p.maxLat));
    return toRanges(out);
  }
  if (!(p.meters >= 0) || Number.isNaN(p.lat) || Number.isNaN(p.lng)) return { start: new Uint32Array(0), end: new Uint32Array(0) };
  // haversine wraps longitudes and folds latitudes: points stored outside [-90, 90] x [-180, 180] defeat the boxes
  if (offEarth || Math.abs(p.lat) > 90) return undefined;
  const lng = ((((p.lng + 180) % 360) + 360) % 360) - 180;
  // a cell is kept when its centre is within the radius plus twice its half-diagonal (so no point in it is missed),
  // with a hair of slack so float rounding never drops a row the function keeps
  const limit = p.meters * (1 + 1e-12) + 1e-6;
  for (const [x0, y0, x1, y1] of capBoxes(p.lat, lng, p.meters)) {
    visit(r, x0, y0, x1, y1, out, (cx0, cy0, cx1, cy1) => {
      const mx = (cx0 + cx1) / 2, my = (cy0 + cy1) / 2;
      const half = Math.max(haversineM(my, mx, cy0, cx0), haversineM(my, mx, cy1, cx1));
      return haversineM(p.lat, p.lng, my, mx) <= limit + 2 * half + 1e-6;
    });
  }
  return toRanges([...new Set(out)]);
}
