// Planar geometry over WKT shapes (GreptimeDB's st_distance, st_area, st_contains, st_within, st_intersects):
// coordinates in degrees treated as a plane (SRID 4326 euclidean, as GreptimeDB documents st_distance).
import type { Geom } from './fn_geo_wkt.ts';

type Seg = [number, number, number, number];

function segments(g: Geom): Seg[] {
  const out: Seg[] = [];
  const add = (xy: Float64Array): void => { for (let i = 0; i + 3 < xy.length; i += 2) out.push([xy[i]!, xy[i + 1]!, xy[i + 2]!, xy[i + 3]!]); };
  if (g.t === 'line') add(g.xy);
  else if (g.t === 'polygon') for (const r of g.rings) add(r);
  return out;
}

function vertices(g: Geom): [number, number][] {
  if (g.t === 'point') return [[g.x, g.y]];
  const out: [number, number][] = [];
  const add = (xy: Float64Array): void => { for (let i = 0; i + 1 < xy.length; i += 2) out.push([xy[i]!, xy[i + 1]!]); };
  if (g.t === 'line') add(g.xy); else for (const r of g.rings) add(r);
  return out;
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(px: number, py: number, [ax, ay, bx, by]: Seg): boolean {
  if (cross(ax, ay, bx, by, px, py) !== 0) return false;
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Segments share a point (touching counts). */
function segsIntersect(s: Seg, t: Seg): boolean {
  const d1 = cross(t[0], t[1], t[2], t[3], s[0], s[1]), d2 = cross(t[0], t[1], t[2], t[3], s[2], s[3]);
  const d3 = cross(s[0], s[1], s[2], s[3], t[0], t[1]), d4 = cross(s[0], s[1], s[2], s[3], t[2], t[3]);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return onSegment(s[0], s[1], t) || onSegment(s[2], s[3], t) || onSegment(t[0], t[1], s) || onSegment(t[2], t[3], s);
}

/** Segments cross at a single point inside both (not at an end of either). */
function segsCrossProperly(s: Seg, t: Seg): boolean {
  const d1 = cross(t[0], t[1], t[2], t[3], s[0], s[1]), d2 = cross(t[0], t[1], t[2], t[3], s[2], s[3]);
  const d3 = cross(s[0], s[1], s[2], s[3], t[0], t[1]), d4 = cross(s[0], s[1], s[2], s[3], t[2], t[3]);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

function inRing(px: number, py: number, r: Float64Array): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    const xi = r[i]!, yi = r[i + 1]!, xj = r[j]!, yj = r[j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** 'in' (interior), 'on' (boundary) or 'out' for a point against a polygon with holes. */
function locate(px: number, py: number, p: Extract<Geom, { t: 'polygon' }>): 'in' | 'on' | 'out' {
  for (const s of segments(p)) if (onSegment(px, py, s)) return 'on';
  if (!inRing(px, py, p.rings[0]!)) return 'out';
  for (let h = 1; h < p.rings.length; h++) if (inRing(px, py, p.rings[h]!)) return 'out';
  return 'in';
}

function pointSegDist(px: number, py: number, [ax, ay, bx, by]: Seg): number {
  const dx = bx - ax, dy = by - ay;
  const len = dx * dx + dy * dy;
  if (len === 0) return Math.hypot(px - ax, py - ay);
  const r = ((px - ax) * dx + (py - ay) * dy) / len;
  if (r <= 0) return Math.hypot(px - ax, py - ay);
  if (r >= 1) return Math.hypot(px - bx, py - by);
  // perpendicular distance as the cross product over the segment length (the classic closed form)
  return Math.abs(((ay - py) * dx - (ax - px) * dy) / len) * Math.hypot(dx, dy);
}

export function intersects(a: Geom, b: Geom): boolean {
  if (a.t === 'point' && b.t === 'point') return a.x === b.x && a.y === b.y;
  if (a.t === 'point') return pointTouches(a.x, a.y, b);
  if (b.t === 'point') return pointTouches(b.x, b.y, a);
  const sa = segments(a), sb = segments(b);
  for (const s of sa) for (const t of sb) if (segsIntersect(s, t)) return true;
  if (b.t === 'polygon' && vertices(a).some(([x, y]) => locate(x, y, b) !== 'out')) return true;
  if (a.t === 'polygon' && vertices(b).some(([x, y]) => locate(x, y, a) !== 'out')) return true;
  return false;
}

function pointTouches(x: number, y: number, g: Geom): boolean {
  if (g.t === 'point') return g.x === x && g.y === y;
  if (g.t === 'line') return segments(g).some((s) => onSegment(x, y, s));
  return locate(x, y, g) !== 'out';
}

/**
 * a contains b (OGC): no point of b lies outside a, and some point of b lies in a's interior. Lines and shells of b
 * are checked at their vertices and segment midpoints, with no proper crossing of a's boundary.
 */
export function contains(a: Geom, b: Geom): boolean {
  if (a.t === 'point') return b.t === 'point' && a.x === b.x && a.y === b.y;
  if (a.t === 'line') {
    if (b.t === 'point') return segments(a).some((s) => onSegment(b.x, b.y, s));
    return vertices(b).every(([x, y]) => segments(a).some((s) => onSegment(x, y, s))) && segments(b).every((t) => segments(a).some((s) => onSegment((t[0] + t[2]) / 2, (t[1] + t[3]) / 2, s)));
  }
  if (b.t === 'point') return locate(b.x, b.y, a) === 'in';
  const sb = segments(b), sa = segments(a);
  for (const s of sb) for (const t of sa) if (segsCrossProperly(s, t)) return false;
  const probes: [number, number][] = [...vertices(b), ...sb.map((s): [number, number] => [(s[0] + s[2]) / 2, (s[1] + s[3]) / 2])];
  let interior = false;
  for (const [x, y] of probes) {
    const l = locate(x, y, a);
    if (l === 'out') return false;
    if (l === 'in') interior = true;
  }
  // a polygon b whose whole boundary lies on a's boundary (b equals a) still has interior points inside a
  return interior || b.t === 'polygon';
}

export function distance(a: Geom, b: Geom): number {
  if (a.t === 'point' && b.t === 'point') return Math.hypot(a.x - b.x, a.y - b.y);
  if (intersects(a, b)) return 0;
  let best = Infinity;
  const sa = segments(a), sb = segments(b);
  for (const [x, y] of vertices(a)) for (const s of sb) best = Math.min(best, pointSegDist(x, y, s));
  for (const [x, y] of vertices(b)) for (const s of sa) best = Math.min(best, pointSegDist(x, y, s));
  return best;
}

/** Planar area (square degrees): the shell's minus the holes'; 0 for points and lines. */
export function area(g: Geom): number {
  if (g.t !== 'polygon') return 0;
  const ringArea = (r: Float64Array): number => {
    // shoelace relative to the first vertex: coordinates near 100 degrees would otherwise cancel digits away
    let s = 0;
    const x0 = r[0]!, y0 = r[1]!;
    for (let i = 0; i + 3 < r.length; i += 2) s += (r[i]! - x0) * (r[i + 3]! - y0) - (r[i + 2]! - x0) * (r[i + 1]! - y0);
    return Math.abs(s) / 2;
  };
  return g.rings.reduce((acc, r, k) => acc + (k === 0 ? ringArea(r) : -ringArea(r)), 0);
}
