// Grid cell equalities a SPATIAL INDEX answers as boxes: `h3_latlng_to_cell(lat, lng, r) = <cell>` (and the
// _string form) and `geohash(lat, lng, r) = '<hash>'`, either side. Each box holds every point the function maps
// to the cell; a cell it cannot bound safely (poles, antimeridian, the edges of the geohash grid) gives no probe.
import * as h3 from 'h3-js';
import type { Expr } from '../../sql/index.ts';
import type { SpatialPredicate } from './spatial_index.ts';

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The box of a geohash, or undefined when it touches an edge of the grid (points beyond the ranges and NaN land there). */
export function geohashBox(hash: string): SpatialPredicate | undefined {
  let latLo = -90, latHi = 90, lngLo = -180, lngHi = 180, even = true;
  if (hash.length < 1 || hash.length > 12) return undefined;
  for (const ch of hash) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return { op: 'bbox', minLat: 1, maxLat: 0, minLng: 1, maxLng: 0 }; // not a geohash: no row maps to it
    for (let b = 4; b >= 0; b--) {
      const bit = (v >> b) & 1;
      if (even) { const mid = (lngLo + lngHi) / 2; if (bit) lngLo = mid; else lngHi = mid; }
      else { const mid = (latLo + latHi) / 2; if (bit) latLo = mid; else latHi = mid; }
      even = !even;
    }
  }
  if (latLo === -90 || latHi === 90 || lngLo === -180 || lngHi === 180) return undefined;
  return { op: 'bbox', minLat: latLo, maxLat: latHi, minLng: lngLo, maxLng: lngHi };
}

/**
 * The box of an H3 cell: its boundary's vertices, widened by a quarter of its extent (edges are great-circle arcs
 * that bulge poleward between vertices). Undefined for coarse cells (resolution < 2), a cell on a pole or across
 * the antimeridian.
 */
export function h3Box(cell: string): SpatialPredicate | undefined {
  if (!h3.isValidCell(cell)) return { op: 'bbox', minLat: 1, maxLat: 0, minLng: 1, maxLng: 0 };
  const res = h3.getResolution(cell);
  if (res < 2 || h3.latLngToCell(90, 0, res) === cell || h3.latLngToCell(-90, 0, res) === cell) return undefined;
  const vs = h3.cellToBoundary(cell);
  const lats = vs.map((v) => v[0]), lngs = vs.map((v) => v[1]);
  const minLat = Math.min(...lats), maxLat = Math.max(...lats), minLng = Math.min(...lngs), maxLng = Math.max(...lngs);
  if (maxLng - minLng > 180) return undefined;
  const m = Math.max(maxLat - minLat, maxLng - minLng) / 4 + 1e-9;
  return { op: 'bbox', minLat: minLat - m, maxLat: maxLat + m, minLng: minLng - m, maxLng: maxLng + m, earth: true };
}

function fnOf(e: Expr, names: string[]): { name: string; args: Expr[] } | undefined {
  if (e.type !== 'function' || e.over) return undefined;
  const name = e.name[e.name.length - 1]!.value.toLowerCase();
  return names.includes(name) ? { name, args: e.args } : undefined;
}

const colName = (e: Expr) => (e.type === 'column' ? e.path[e.path.length - 1]!.value : undefined);

/** The box for `cellfn(lat, lng, res) = const` (either side), or undefined. */
export function cellEqualityBox(e: Expr, lat: string, lng: string): SpatialPredicate | undefined {
  if (e.type !== 'binary' || e.op !== '=') return undefined;
  for (const [f, c] of [[e.left, e.right], [e.right, e.left]] as const) {
    const call = fnOf(f, ['h3_latlng_to_cell', 'h3_latlng_to_cell_string', 'geohash']);
    if (!call || call.args.length !== 3 || colName(call.args[0]!) !== lat || colName(call.args[1]!) !== lng) continue;
    if (call.name === 'geohash') return c.type === 'string' ? geohashBox(c.value) : undefined;
    if (c.type === 'string') return /^[0-9a-fA-F]{1,16}$/.test(c.value) ? h3Box(c.value.toLowerCase()) : undefined;
    if (c.type === 'number' && /^\d+$/.test(c.value)) return h3Box(BigInt(c.value).toString(16));
  }
  return undefined;
}
