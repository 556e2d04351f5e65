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

const MAGIC = 0x31505345; // 'ESP1'
const HEADER = 16; // magic, rows, items, node size

/** Builds the index; rows with a null or NaN coordinate are left out (no predicate is true for them). */
export function buildSpatialIndex(lat: CoordColumn, lng: CoordColumn, rows: number, nodeSize = 16): Uint8Array {
  const ids = new Uint32Array(rows);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if ((lat.valid && !lat.valid[r]) || (lng.valid && !lng.valid[r])) continue;
    const y = lat.values[r]!, x = lng.values[r]!;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    ids[n++] = r;
  }
  const treeAt = HEADER + ((n * 4 + 7) & ~7); // flatbush's Float64Array needs 8-byte alignment
  if (n === 0) {
    const out = new Uint8Array(HEADER);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, MAGIC, true); dv.setUint32(4, rows, true);
    return out;
  }
  const fb = new Flatbush(n, nodeSize);
  for (let k = 0; k < n; k++) { const r = ids[k]!; fb.add(lng.values[r]!, lat.values[r]!); }
  fb.finish();
  const tree = new Uint8Array(fb.data as ArrayBuffer);
  const out = new Uint8Array(treeAt + tree.byteLength);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, rows, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, nodeSize, true);
  out.set(new Uint8Array(ids.buffer, 0, n * 4), HEADER);
  out.set(tree, treeAt);
  return out;
}

export interface SpatialReader {
  rows: number;
  /** item -> row */
  ids: Uint32Array;
  tree: Flatbush | null;
}

export function openSpatialIndex(bytes: Uint8Array): SpatialReader {
  if (bytes.byteLength < HEADER) throw new CorruptDataError('spatial index file too short');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new CorruptDataError('not a spatial index file (bad magic)');
  const rows = dv.getUint32(4, true), n = dv.getUint32(8, true);
  if (n === 0) return { rows, ids: new Uint32Array(0), tree: null };
  const treeAt = HEADER + ((n * 4 + 7) & ~7);
  // the views need 4- and 8-byte alignment: copy once when the blob sits unaligned in its buffer
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const ids = new Uint32Array(own.buffer, own.byteOffset + HEADER, n);
  const tree = Flatbush.from(own.buffer as ArrayBuffer, own.byteOffset + treeAt);
  return { rows, ids, tree };
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
  const t = r.tree;
  if (t === null) return { start: new Uint32Array(0), end: new Uint32Array(0) };
  const out: number[] = [];
  const offEarth = t.minY < -90 || t.maxY > 90 || t.minX < -180 || t.maxX > 180;
  if (p.op === 'bbox') {
    if (p.earth && offEarth) return undefined;
    if (!(p.minLat <= p.maxLat && p.minLng <= p.maxLng)) return { start: new Uint32Array(0), end: new Uint32Array(0) };
    for (const i of t.search(p.minLng, p.minLat, p.maxLng, p.maxLat)) out.push(r.ids[i]!);
    return toRanges(out);
  }
  if (!(p.meters >= 0) || Number.isNaN(p.lat) || Number.isNaN(p.lng)) return { start: new Uint32Array(0), end: new Uint32Array(0) };
  // haversine wraps longitudes and folds latitudes: points stored outside [-90, 90] x [-180, 180] defeat the boxes
  if (offEarth || Math.abs(p.lat) > 90) return undefined;
  const lng = ((((p.lng + 180) % 360) + 360) % 360) - 180;
  // exact test on the candidates, with a hair of slack so float rounding never drops a row the function keeps
  const limit = p.meters * (1 + 1e-12) + 1e-6;
  for (const [x0, y0, x1, y1] of capBoxes(p.lat, lng, p.meters)) {
    for (const i of t.search(x0, y0, x1, y1, (_k, x, y) => haversineM(p.lat, p.lng, y, x) <= limit)) out.push(r.ids[i]!);
  }
  return toRanges([...new Set(out)]);
}
