// Geo functions (GreptimeDB's names and argument orders): geohash, geohash_neighbours, wkt_point_from_latlng, and
// st_distance, st_distance_sphere_m, st_area, st_contains, st_within, st_intersects over WKT; h3_* and s2_* are in
// fn_geo_h3.ts and fn_geo_cells.ts. A bad argument (resolution, WKT) is a 4xx naming it, never a 500.
import type { FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import { haversineM } from '../../index/spatial/sphere.ts';
import { PlanError } from '../plan/rel.ts';
import type { Vec } from '../vector.ts';
import { boolVec, getValue, isNull, numVec, setNull, strVec } from '../vector.ts';
import type { Fn } from './fn_util.ts';
import { num } from './fn_util.ts';
import { area, contains, distance, intersects } from './fn_geo_measure.ts';
import type { Geom } from './fn_geo_wkt.ts';
import { WktError, parseWkt, wktPoint } from './fn_geo_wkt.ts';

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

export function geohashEncode(lat: number, lng: number, len: number): string {
  let latLo = -90, latHi = 90, lngLo = -180, lngHi = 180;
  let out = '', bits = 0, ch = 0, even = true;
  while (out.length < len) {
    if (even) { const mid = (lngLo + lngHi) / 2; if (lng >= mid) { ch = ch * 2 + 1; lngLo = mid; } else { ch *= 2; lngHi = mid; } }
    else { const mid = (latLo + latHi) / 2; if (lat >= mid) { ch = ch * 2 + 1; latLo = mid; } else { ch *= 2; latHi = mid; } }
    even = !even;
    if (++bits === 5) { out += BASE32[ch]; bits = 0; ch = 0; }
  }
  return out;
}

/** The 8 cells around the point's cell at `len` characters: N, NW, W, SW, S, SE, E, NE (GreptimeDB's order). */
export function geohashNeighbours(lat: number, lng: number, len: number): string[] {
  const lngBits = Math.ceil((len * 5) / 2), latBits = Math.floor((len * 5) / 2);
  const h = 180 / 2 ** latBits, w = 360 / 2 ** lngBits;
  const cLat = Math.floor((lat + 90) / h) * h - 90 + h / 2, cLng = Math.floor((lng + 180) / w) * w - 180 + w / 2;
  const wrap = (x: number): number => ((((x + 180) % 360) + 360) % 360) - 180;
  const at = (dy: number, dx: number): string => geohashEncode(Math.max(-90, Math.min(90, cLat + dy * h)), wrap(cLng + dx * w), len);
  return [at(1, 0), at(1, -1), at(0, -1), at(-1, -1), at(-1, 0), at(-1, 1), at(0, 1), at(1, 1)];
}

function fnName(call: FunctionCall): string {
  return call.name.map((p) => p.value).join('.');
}

function badArg(call: FunctionCall, msg: string, cause?: unknown): PlanError {
  return new PlanError(`${fnName(call)}: ${msg}`, call.pos, StatusCode.InvalidArguments, cause);
}

function arity(args: Vec[], k: number, call: FunctionCall): void {
  if (args.length !== k) throw badArg(call, `expects ${k} arguments, got ${args.length}`);
}

function geohashLen(x: number, call: FunctionCall): number {
  if (!Number.isInteger(x) || x < 1 || x > 12) throw badArg(call, `invalid geohash resolution ${x}, expected 1..12`);
  return x;
}

/** Parsed WKT per distinct text (a column of one shape parses once). */
function wktReader(call: FunctionCall): (v: Vec, i: number) => Geom {
  const cache = new Map<string, Geom>();
  return (v, i) => {
    const s = String(getValue(v, i));
    let g = cache.get(s);
    if (!g) {
      try { g = parseWkt(s); } catch (e) { if (e instanceof WktError) throw badArg(call, e.message, e); throw e; }
      cache.set(s, g);
    }
    return g;
  };
}

function geomBool(f: (a: Geom, b: Geom) => boolean): Fn {
  return (args, n, _s, call) => {
    arity(args, 2, call);
    const read = wktReader(call);
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      if (isNull(args[0]!, i) || isNull(args[1]!, i)) { setNull(out, i); continue; }
      out.v[i] = f(read(args[0]!, i), read(args[1]!, i)) ? 1 : 0;
    }
    return out;
  };
}

function geomNum(k: number, f: (gs: Geom[], call: FunctionCall) => number): Fn {
  return (args, n, _s, call) => {
    arity(args, k, call);
    const read = wktReader(call);
    const out = numVec('Float64', n);
    for (let i = 0; i < n; i++) {
      if (args.some((a) => isNull(a, i))) { setNull(out, i); continue; }
      out.v[i] = f(args.map((a) => read(a, i)), call);
    }
    return out;
  };
}

export const GEO: Record<string, Fn> = {
  geohash: (args, n, _s, call) => {
    arity(args, 3, call);
    const lat = num(args[0]!, call), lng = num(args[1]!, call), res = num(args[2]!, call);
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(lat, i) && !isNull(lng, i) && !isNull(res, i)) out.v[i] = geohashEncode(lat.v[i]!, lng.v[i]!, geohashLen(res.v[i]!, call));
    return out;
  },
  geohash_neighbours: (args, n, _s, call) => {
    arity(args, 3, call);
    const lat = num(args[0]!, call), lng = num(args[1]!, call), res = num(args[2]!, call);
    const v: (string[] | null)[] = new Array(n).fill(null);
    for (let i = 0; i < n; i++) if (!isNull(lat, i) && !isNull(lng, i) && !isNull(res, i)) v[i] = geohashNeighbours(lat.v[i]!, lng.v[i]!, geohashLen(res.v[i]!, call));
    return { kind: 'any', dt: 'List', v };
  },
  wkt_point_from_latlng: (args, n, _s, call) => {
    arity(args, 2, call);
    const lat = num(args[0]!, call), lng = num(args[1]!, call);
    const out = strVec(n);
    for (let i = 0; i < n; i++) if (!isNull(lat, i) && !isNull(lng, i)) out.v[i] = wktPoint(lng.v[i]!, lat.v[i]!);
    return out;
  },
  st_distance: geomNum(2, ([a, b]) => distance(a!, b!)),
  st_distance_sphere_m: geomNum(2, ([a, b], call) => {
    if (a!.t !== 'point' || b!.t !== 'point') throw badArg(call, 'great circle distance is defined between two POINTs only');
    return haversineM(a.y, a.x, b.y, b.x);
  }),
  st_area: geomNum(1, ([g]) => area(g!)),
  st_contains: geomBool((a, b) => contains(a, b)),
  st_within: geomBool((a, b) => contains(b, a)),
  st_intersects: geomBool((a, b) => intersects(a, b)),
};
