// Geo functions: the WKT parser (fuzzed), planar predicates, geohash and S2 cell ids against known values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WktError, parseWkt } from '../../../../core/query/expr/fn_geo_wkt.ts';
import type { Geom } from '../../../../core/query/expr/fn_geo_wkt.ts';
import { area, contains, distance, intersects } from '../../../../core/query/expr/fn_geo_measure.ts';
import { geohashEncode, geohashNeighbours } from '../../../../core/query/expr/fn_geo.ts';
import { s2CellLevel, s2CellParent, s2CellToToken, s2LatLngToCell } from '../../../../core/query/expr/fn_geo_s2.ts';
import { haversineM } from '../../../../core/index/spatial/sphere.ts';

const coord = fc.integer({ min: -20, max: 20 }).map((x) => x / 2);
const pt = fc.tuple(coord, coord);
function wktOf(g: { kind: 'point' | 'line' | 'box'; pts: [number, number][] }): string {
  const p = (xs: [number, number][]): string => xs.map(([x, y]) => `${x} ${y}`).join(', ');
  if (g.kind === 'point') return `POINT (${p(g.pts.slice(0, 1))})`;
  if (g.kind === 'line') return `LINESTRING (${p(g.pts)})`;
  const [[x0, y0], [x1, y1]] = g.pts as [[number, number], [number, number]];
  const [a, b, c, d] = [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1) + 0.5, Math.max(y0, y1) + 0.5];
  return `POLYGON ((${a} ${b}, ${c} ${b}, ${c} ${d}, ${a} ${d}, ${a} ${b}))`;
}
const geomArb = fc.record({ kind: fc.constantFrom('point' as const, 'line' as const, 'box' as const), pts: fc.array(pt, { minLength: 2, maxLength: 4 }) }).map(wktOf);

describe('WKT parser', () => {
  it('round-trips generated shapes and keeps their coordinates', () => {
    fc.assert(fc.property(geomArb, (w) => {
      const g = parseWkt(w);
      expect(g.t).toBe(w.startsWith('POINT') ? 'point' : w.startsWith('LINE') ? 'line' : 'polygon');
      expect(parseWkt(w.toLowerCase().replace(/ \(/g, '('))).toEqual(g);
    }));
  });

  it('any text parses or fails with a WktError positioned inside it (never another error)', () => {
    const tokens = ['POINT', 'LINESTRING', 'POLYGON', '(', ')', ',', ' ', '1', '-2.5', '1e3', 'Z', 'EMPTY', '.', 'x'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 14 }).map((t) => t.join('')), (s) => {
      try { parseWkt(s); } catch (e) {
        expect(e).toBeInstanceOf(WktError);
        const p = (e as WktError).position;
        expect(p >= 1 && p <= s.length + 1).toBe(true);
      }
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => { try { parseWkt(s); } catch (e) { expect(e).toBeInstanceOf(WktError); } }));
  });

  it('names the fault', () => {
    expect(() => parseWkt('POINT (1)')).toThrow(/expected a number at position 9/);
    expect(() => parseWkt('POLYGON ((0 0, 1 0, 1 1, 0 1))')).toThrow(/must end at its first point/);
    expect(() => parseWkt('POINT Z (1 2 3)')).toThrow(/expected '\('/);
    expect(() => parseWkt('POINT (1 2 3)')).toThrow(/2-dimensional/);
    expect(() => parseWkt('CIRCLE (1 2)')).toThrow(/unsupported geometry type CIRCLE/);
    expect(() => parseWkt('POINT (1 2) x')).toThrow(/unexpected 'x'/);
  });
});

describe('planar predicates', () => {
  it('intersects is symmetric; contains implies intersects and distance 0; within is contains reversed', () => {
    fc.assert(fc.property(geomArb, geomArb, (wa, wb) => {
      const a = parseWkt(wa), b = parseWkt(wb);
      expect(intersects(a, b)).toBe(intersects(b, a));
      if (contains(a, b)) { expect(intersects(a, b)).toBe(true); expect(distance(a, b)).toBe(0); }
      expect(distance(a, b) === 0).toBe(intersects(a, b));
      expect(distance(a, b)).toBeCloseTo(distance(b, a), 12);
    }), { numRuns: 2000 });
  });

  it('a box contains a point exactly when the point is strictly inside', () => {
    fc.assert(fc.property(pt, pt, pt, ([x0, y0], [x1, y1], [px, py]) => {
      const box = parseWkt(wktOf({ kind: 'box', pts: [[x0, y0], [x1, y1]] })) as Extract<Geom, { t: 'polygon' }>;
      const r = box.rings[0]!;
      const inside = px > r[0]! && px < r[2]! && py > r[1]! && py < r[5]!;
      expect(contains(box, { t: 'point', x: px, y: py })).toBe(inside);
      expect(area(box)).toBeCloseTo((r[2]! - r[0]!) * (r[5]! - r[1]!), 12);
    }));
  });

  it('holes', () => {
    const donut = parseWkt('POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 8 2, 8 8, 2 8, 2 2))');
    expect(area(donut)).toBe(64);
    expect(contains(donut, parseWkt('POINT (5 5)'))).toBe(false);
    expect(contains(donut, parseWkt('POINT (1 5)'))).toBe(true);
    expect(contains(donut, parseWkt('LINESTRING (1 1, 9 9)'))).toBe(false);
    expect(intersects(donut, parseWkt('POINT (2 5)'))).toBe(true);
  });
});

describe('cells and distances', () => {
  it('geohash: GreptimeDB values; neighbours are the adjacent cells', () => {
    expect(geohashEncode(37.76938, -122.3889, 11)).toBe('9q8yygxneft');
    expect(geohashNeighbours(37.76938, -122.3889, 11)).toEqual(['9q8yygxnefv', '9q8yygxnefu', '9q8yygxnefs', '9q8yygxnefk', '9q8yygxnefm', '9q8yygxnefq', '9q8yygxnefw', '9q8yygxnefy']);
  });

  it('S2: GreptimeDB values; parents nest, levels and tokens agree', () => {
    const id = s2LatLngToCell(37.76938, -122.3889);
    expect(id).toBe(9263763445276221387n);
    expect(s2CellToToken(id)).toBe('808f7fc59ef01fcb');
    expect(s2CellParent(id, 3)).toBe(9277415232383221760n);
    expect(s2LatLngToCell(0, 0)).toBe(0x1000000000000001n);
    fc.assert(fc.property(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.integer({ min: 0, max: 30 }), (lat, lng, l) => {
      const c = s2LatLngToCell(lat, lng);
      expect(s2CellLevel(c)).toBe(30);
      const p = s2CellParent(c, l);
      expect(s2CellLevel(p)).toBe(l);
      expect(s2CellParent(p, Math.max(0, l - 1))).toBe(s2CellParent(c, Math.max(0, l - 1)));
      expect(c >> 61n).toBe(p >> 61n);
    }));
  });

  it('haversine: GreptimeDB value, symmetric, zero on the same point', () => {
    expect(haversineM(37.76938, -122.3889, 38.5216, -121.4247)).toBe(118766.03647159638);
    expect(haversineM(10, 20, 10, 20)).toBe(0);
    expect(haversineM(0, 0, 0, 180)).toBeCloseTo(Math.PI * 6371008.8, 3);
  });
});
