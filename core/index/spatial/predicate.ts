// Which WHERE conjuncts a SPATIAL INDEX (lat, lng) answers, read off the SQL AST as probes (all must hold):
//   lat BETWEEN a AND b, lng BETWEEN c AND d, lat >= a, lng < d, a <= lat, lat = a   -> bounding box
//   st_distance_sphere_m(wkt_point_from_latlng(lat, lng), <point>) < r  (or <=, either argument order,
//     r > ... ; <point> a WKT 'POINT(lng lat)' literal or wkt_point_from_latlng(c1, c2) of constants) -> radius
//   st_within(wkt_point_from_latlng(lat, lng), '<WKT>'), st_contains('<WKT>', ...), st_intersects(either) -> the
//     shape's bounding box
//   h3_latlng_to_cell(lat, lng, r) = <cell>, h3_latlng_to_cell_string(...) = '<hex>', geohash(lat, lng, r) = '<hash>'
//     -> the cell's box (cells.ts)
// Anything else is left to the row filter; a probe is a superset, so the filter still decides every row.
import type { Expr, FunctionCall } from '../../sql/index.ts';
import { parseWkt } from '../../query/expr/fn_geo_wkt.ts';
import { cellEqualityBox } from './cells.ts';
import type { SpatialPredicate } from './spatial_index.ts';

function constNum(e: Expr): number | undefined {
  if (e.type === 'number') { const v = Number(e.value); return Number.isFinite(v) ? v : undefined; }
  if (e.type === 'unary' && (e.op === '-' || e.op === '+')) { const v = constNum(e.expr); return v === undefined ? undefined : e.op === '-' ? -v : v; }
  return undefined;
}

function colName(e: Expr): string | undefined {
  return e.type === 'column' ? e.path[e.path.length - 1]!.value : undefined;
}

function fn(e: Expr, name: string): FunctionCall | undefined {
  return e.type === 'function' && e.name[e.name.length - 1]!.value.toLowerCase() === name && !e.over ? e : undefined;
}

/** Whether e is wkt_point_from_latlng(lat, lng) over the indexed columns. */
function isRowPoint(e: Expr, lat: string, lng: string): boolean {
  const f = fn(e, 'wkt_point_from_latlng');
  return !!f && f.args.length === 2 && colName(f.args[0]!) === lat && colName(f.args[1]!) === lng;
}

/** A constant point as [lat, lng]: wkt_point_from_latlng(c1, c2) or a 'POINT(lng lat)' literal. */
function constPoint(e: Expr): [number, number] | undefined {
  const f = fn(e, 'wkt_point_from_latlng');
  if (f && f.args.length === 2) {
    const a = constNum(f.args[0]!), b = constNum(f.args[1]!);
    return a === undefined || b === undefined ? undefined : [a, b];
  }
  if (e.type === 'string') {
    try { const g = parseWkt(e.value); return g.t === 'point' ? [g.y, g.x] : undefined; } catch { return undefined; }
  }
  return undefined;
}

function constShapeBox(e: Expr): SpatialPredicate | undefined {
  if (e.type !== 'string') return undefined;
  let g;
  try { g = parseWkt(e.value); } catch { return undefined; }
  const xs: number[] = [], ys: number[] = [];
  const add = (a: Float64Array): void => { for (let i = 0; i + 1 < a.length; i += 2) { xs.push(a[i]!); ys.push(a[i + 1]!); } };
  if (g.t === 'point') { xs.push(g.x); ys.push(g.y); } else if (g.t === 'line') add(g.xy); else add(g.rings[0]!);
  return { op: 'bbox', minLat: Math.min(...ys), maxLat: Math.max(...ys), minLng: Math.min(...xs), maxLng: Math.max(...xs) };
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

/** Probes for the conjuncts of a WHERE clause that the index on (lat, lng) can answer; empty when none. */
export function spatialPredicatesOf(conjuncts: Expr[], lat: string, lng: string): SpatialPredicate[] {
  const box = { minLat: -Infinity, maxLat: Infinity, minLng: -Infinity, maxLng: Infinity };
  let boxed = false;
  const out: SpatialPredicate[] = [];
  const bound = (col: string, op: string, v: number): void => {
    const k = col === lat ? 'Lat' : 'Lng';
    if (op === '>' || op === '>=' || op === '=') box[`min${k}`] = Math.max(box[`min${k}`], v);
    if (op === '<' || op === '<=' || op === '=') box[`max${k}`] = Math.min(box[`max${k}`], v);
    boxed = true;
  };
  for (const e of conjuncts) {
    if (e.type === 'between' && !e.negated) {
      const c = colName(e.expr), lo = constNum(e.low), hi = constNum(e.high);
      if ((c === lat || c === lng) && lo !== undefined && hi !== undefined) { bound(c, '>=', lo); bound(c, '<=', hi); }
      continue;
    }
    const cell = cellEqualityBox(e, lat, lng);
    if (cell) { out.push(cell); continue; }
    if (e.type === 'binary' && e.op in FLIP) {
      let [l, r, op] = [e.left, e.right, e.op as string];
      if (constNum(l) !== undefined) { [l, r, op] = [r, l, FLIP[op]!]; }
      const c = colName(l), v = constNum(r);
      if ((c === lat || c === lng) && v !== undefined) { bound(c, op, v); continue; }
      const d = fn(l, 'st_distance_sphere_m');
      if (d && d.args.length === 2 && v !== undefined && (op === '<' || op === '<=')) {
        const [a, b] = d.args as [Expr, Expr];
        const center = isRowPoint(a, lat, lng) ? constPoint(b) : isRowPoint(b, lat, lng) ? constPoint(a) : undefined;
        if (center) out.push({ op: 'radius', lat: center[0], lng: center[1], meters: v });
      }
      continue;
    }
    for (const [name, rowAt] of [['st_within', 0], ['st_contains', 1], ['st_intersects', -1]] as const) {
      const f = fn(e, name);
      if (!f || f.args.length !== 2) continue;
      const [a, b] = f.args as [Expr, Expr];
      const shape = (rowAt === 0 || rowAt === -1) && isRowPoint(a, lat, lng) ? b : (rowAt === 1 || rowAt === -1) && isRowPoint(b, lat, lng) ? a : undefined;
      const p = shape && constShapeBox(shape);
      if (p) out.push(p);
    }
  }
  if (boxed) out.unshift({ op: 'bbox', ...box });
  return out;
}
