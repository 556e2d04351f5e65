// Discrete global grid functions: h3_* through the h3-js package (Uber's H3 compiled to JavaScript), s2_* from
// fn_geo_s2.ts. Cells are UInt64 (exact beyond 2^53) or, where GreptimeDB accepts it, their hex string.
import * as h3 from 'h3-js';
import type { FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import { PlanError } from '../plan/rel.ts';
import type { AnyVec, NumVec, Vec } from '../vector.ts';
import { boolVec, exactInts, getValue, int64Vec, isNull, numVec, setNull, strVec } from '../vector.ts';
import type { Fn } from './fn_util.ts';
import { num } from './fn_util.ts';
import { s2CellLevel, s2CellParent, s2CellToToken, s2LatLngToCell } from './fn_geo_s2.ts';

function badArg(call: FunctionCall, msg: string, cause?: unknown): PlanError {
  return new PlanError(`${call.name.map((p) => p.value).join('.')}: ${msg}`, call.pos, StatusCode.InvalidArguments, cause);
}

/** Row accessor of a cell argument as a 64-bit id: integer columns exactly, strings as hex (H3) or token (S2). */
function cellIds(v: Vec, call: FunctionCall, fromString: (s: string) => bigint | null): (i: number) => bigint | null {
  if (v.kind === 'num') {
    const ex = exactInts(v);
    return (i) => (isNull(v, i) ? null : BigInt.asUintN(64, ex[i]!));
  }
  return (i) => {
    if (isNull(v, i)) return null;
    const s = String(getValue(v, i)).trim();
    const id = fromString(s);
    if (id === null) throw badArg(call, `invalid cell '${s}'`);
    return id;
  };
}

const h3FromString = (s: string): bigint | null => (/^[0-9a-fA-F]{1,16}$/.test(s) && h3.isValidCell(s.toLowerCase()) ? BigInt('0x' + s) : null);
const s2FromString = (s: string): bigint | null => (/^[0-9a-fA-F]{1,16}$/.test(s) ? BigInt('0x' + s.padEnd(16, '0')) : null);
const hex = (id: bigint): string => id.toString(16);

function h3Cells(v: Vec, call: FunctionCall): (i: number) => string | null {
  const ids = cellIds(v, call, h3FromString);
  return (i) => {
    const id = ids(i);
    if (id === null) return null;
    const h = hex(id);
    if (!h3.isValidCell(h)) throw badArg(call, `invalid H3 cell ${id}`);
    return h;
  };
}

function intArg(v: Vec, call: FunctionCall, what: string, lo: number, hi: number): (i: number) => number | null {
  const a = num(v, call);
  return (i) => {
    if (isNull(a, i)) return null;
    const x = a.v[i]!;
    if (!Number.isInteger(x) || x < lo || x > hi) throw badArg(call, `invalid ${what} ${x}, expected ${lo}..${hi}`);
    return x;
  };
}

/** Runs f per row (null when any argument is null) into a result of the given shape. */
function rows<T>(n: number, f: (i: number) => T | null): (T | null)[] {
  const out = new Array<T | null>(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

function u64(vals: (bigint | null)[]): NumVec {
  const ex = new BigUint64Array(vals.length);
  let valid: Uint8Array | null = null;
  vals.forEach((x, i) => { if (x === null) (valid ??= new Uint8Array(vals.length).fill(1))[i] = 0; else ex[i] = x; });
  return int64Vec('UInt64', ex, valid);
}
function nums(dt: string, vals: (number | null)[]): NumVec {
  const out = numVec(dt, vals.length);
  vals.forEach((x, i) => { if (x === null) setNull(out, i); else out.v[i] = x; });
  return out;
}
function strs(vals: (string | null)[]): Vec { const o = strVec(vals.length); o.v = vals; return o; }
function bools(vals: (boolean | null)[]): Vec {
  const out = boolVec(vals.length);
  vals.forEach((x, i) => { if (x === null) setNull(out, i); else out.v[i] = x ? 1 : 0; });
  return out;
}
function list(vals: (unknown[] | null)[]): AnyVec { return { kind: 'any', dt: 'List', v: vals }; }
const ids = (cells: string[]): bigint[] => cells.map((c) => BigInt('0x' + c));

function h3Call<T>(call: FunctionCall, f: () => T): T {
  try { return f(); } catch (e) {
    if (e instanceof PlanError) throw e;
    throw badArg(call, `H3 error: ${(e as Error).message}`, e);
  }
}

function arity(args: Vec[], k: number, call: FunctionCall): void {
  if (args.length !== k) throw badArg(call, `expects ${k} arguments, got ${args.length}`);
}

/** h3 functions of one cell (and maybe a resolution / k argument). */
function h3One<T>(k: number, wrap: (v: (T | null)[]) => Vec, f: (cell: string, extra: number | null, call: FunctionCall) => T, extra?: [string, number, number]): Fn {
  return (args, n, _s, call) => {
    arity(args, k, call);
    const cell = h3Cells(args[0]!, call);
    const x = extra ? intArg(args[1]!, call, extra[0], extra[1], extra[2]) : () => 0;
    return wrap(rows(n, (i) => { const c = cell(i), e = x(i); return c === null || e === null ? null : h3Call(call, () => f(c, e, call)); }));
  };
}

function h3Two<T>(wrap: (v: (T | null)[]) => Vec, f: (a: string, b: string) => T): Fn {
  return (args, n, _s, call) => {
    arity(args, 2, call);
    const a = h3Cells(args[0]!, call), b = h3Cells(args[1]!, call);
    return wrap(rows(n, (i) => { const x = a(i), y = b(i); return x === null || y === null ? null : h3Call(call, () => f(x, y)); }));
  };
}

function latLngRes<T>(wrap: (v: (T | null)[]) => Vec, f: (lat: number, lng: number, res: number) => T, maxRes = 15): Fn {
  return (args, n, _s, call) => {
    arity(args, 3, call);
    const lat = num(args[0]!, call), lng = num(args[1]!, call), res = intArg(args[2]!, call, 'resolution', 0, maxRes);
    return wrap(rows(n, (i) => { const r = res(i); return isNull(lat, i) || isNull(lng, i) || r === null ? null : h3Call(call, () => f(lat.v[i]!, lng.v[i]!, r)); }));
  };
}

const RES: [string, number, number] = ['resolution', 0, 15];

function cellSet(v: unknown, call: FunctionCall): string[] {
  const items = Array.isArray(v) ? v : String(v).split(',');
  return items.map((x) => {
    const id = typeof x === 'string' ? h3FromString(x.trim()) : typeof x === 'bigint' || typeof x === 'number' ? BigInt(x) : null;
    if (id === null || !h3.isValidCell(hex(id))) throw badArg(call, `invalid cell '${String(x)}' in the cell set`);
    return hex(id);
  });
}

export const GEO_CELLS: Record<string, Fn> = {
  h3_latlng_to_cell: latLngRes(u64, (lat, lng, r) => BigInt('0x' + h3.latLngToCell(lat, lng, r))),
  h3_latlng_to_cell_string: latLngRes(strs, (lat, lng, r) => h3.latLngToCell(lat, lng, r)),
  h3_cell_to_string: h3One(1, strs, (c) => c),
  h3_string_to_cell: h3One(1, u64, (c) => BigInt('0x' + c)),
  h3_cell_center_latlng: h3One(1, list, (c) => h3.cellToLatLng(c)),
  h3_cell_resolution: h3One(1, (v: (number | null)[]) => nums('UInt8', v), (c) => h3.getResolution(c)),
  h3_cell_base: h3One(1, (v: (number | null)[]) => nums('UInt8', v), (c) => h3.getBaseCellNumber(c)),
  h3_cell_is_pentagon: h3One(1, bools, (c) => h3.isPentagon(c)),
  h3_cell_parent: h3One(2, u64, (c, r) => BigInt('0x' + h3.cellToParent(c, r!)), RES),
  h3_cell_to_children: h3One(2, list, (c, r) => ids(h3.cellToChildren(c, r!)), RES),
  h3_cell_to_children_size: h3One(2, u64, (c, r) => BigInt(h3.cellToChildrenSize(c, r!)), RES),
  h3_cell_to_child_pos: h3One(2, u64, (c, r) => BigInt(h3.cellToChildPos(c, r!)), RES),
  h3_child_pos_to_cell: (args, n, _s, call) => {
    arity(args, 3, call);
    const pos = intArg(args[0]!, call, 'position', 0, Number.MAX_SAFE_INTEGER), cell = h3Cells(args[1]!, call), res = intArg(args[2]!, call, 'resolution', 0, 15);
    return u64(rows(n, (i) => { const p = pos(i), c = cell(i), r = res(i); return p === null || c === null || r === null ? null : h3Call(call, () => BigInt('0x' + h3.childPosToCell(p, c, r))); }));
  },
  h3_grid_disk: h3One(2, list, (c, k) => ids(h3.gridDisk(c, k!)), ['k', 0, 1000]),
  h3_grid_disk_distances: h3One(2, list, (c, k) => ids(h3.gridDiskDistances(c, k!).flat()), ['k', 0, 1000]),
  h3_grid_distance: h3Two((v: (number | null)[]) => nums('Int32', v), (a, b) => h3.gridDistance(a, b)),
  h3_grid_path_cells: h3Two(list, (a, b) => ids(h3.gridPathCells(a, b))),
  h3_distance_sphere_km: h3Two((v: (number | null)[]) => nums('Float64', v), (a, b) => h3.greatCircleDistance(h3.cellToLatLng(a), h3.cellToLatLng(b), 'km')),
  h3_distance_degree: h3Two((v: (number | null)[]) => nums('Float64', v), (a, b) => {
    const [y1, x1] = h3.cellToLatLng(a), [y2, x2] = h3.cellToLatLng(b);
    return Math.hypot(x1! - x2!, y1! - y2!);
  }),
  h3_cells_contains: (args, n, _s, call) => {
    arity(args, 2, call);
    const cell = h3Cells(args[1]!, call);
    const sets = new Map<unknown, string[]>();
    return bools(rows(n, (i) => {
      const c = cell(i);
      if (c === null || isNull(args[0]!, i)) return null;
      const raw = getValue(args[0]!, i);
      let set = sets.get(raw);
      if (!set) sets.set(raw, (set = cellSet(raw, call)));
      const res = h3.getResolution(c);
      return set.some((s) => { const r = h3.getResolution(s); return r <= res && h3.cellToParent(c, r) === s; });
    }));
  },
  s2_latlng_to_cell: (args, n, _s, call) => {
    arity(args, 2, call);
    const lat = num(args[0]!, call), lng = num(args[1]!, call);
    return u64(rows(n, (i) => (isNull(lat, i) || isNull(lng, i) ? null : s2LatLngToCell(lat.v[i]!, lng.v[i]!))));
  },
  s2_cell_level: s2One((id, call) => BigInt(validS2(id, call))),
  s2_cell_to_token: (args, n, _s, call) => {
    arity(args, 1, call);
    const c = cellIds(args[0]!, call, s2FromString);
    return strs(rows(n, (i) => { const id = c(i); return id === null ? null : s2CellToToken(id); }));
  },
  s2_cell_parent: (args, n, _s, call) => {
    arity(args, 2, call);
    const c = cellIds(args[0]!, call, s2FromString), lvl = intArg(args[1]!, call, 'level', 0, 30);
    return u64(rows(n, (i) => {
      const id = c(i), l = lvl(i);
      if (id === null || l === null) return null;
      if (l > validS2(id, call)) throw badArg(call, `level ${l} is below the cell's own level ${s2CellLevel(id)}`);
      return s2CellParent(id, l);
    }));
  },
};

function validS2(id: bigint, call: FunctionCall): number {
  const l = s2CellLevel(id);
  if (l < 0) throw badArg(call, `invalid S2 cell ${id}`);
  return l;
}

function s2One(f: (id: bigint, call: FunctionCall) => bigint): Fn {
  return (args, n, _s, call) => {
    arity(args, 1, call);
    const c = cellIds(args[0]!, call, s2FromString);
    return u64(rows(n, (i) => { const id = c(i); return id === null ? null : f(id, call); }));
  };
}
