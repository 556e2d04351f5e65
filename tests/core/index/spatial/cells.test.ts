// Cell equalities as boxes: every point the function maps to a cell lies in the cell's box (or there is no box).
import fc from 'fast-check';
import * as h3 from 'h3-js';
import { describe, expect, it } from 'vitest';
import { geohashBox, h3Box } from '../../../../core/index/spatial/cells.ts';
import { geohashEncode } from '../../../../core/query/expr/fn_geo.ts';

const inBox = (b: ReturnType<typeof h3Box>, lat: number, lng: number) =>
  b === undefined || (b.op === 'bbox' && lat >= b.minLat && lat <= b.maxLat && lng >= b.minLng && lng <= b.maxLng);

describe('cell boxes', () => {
  const lat = fc.double({ min: -90, max: 90, noNaN: true });
  const lng = fc.double({ min: -180, max: 180, noNaN: true });
  it('an H3 cell box holds every point of the cell', () => {
    fc.assert(fc.property(lat, lng, fc.integer({ min: 0, max: 15 }), (a, b, r) => {
      expect(inBox(h3Box(h3.latLngToCell(a, b, r)), a, b)).toBe(true);
    }), { numRuns: 5000 });
  });
  it('a geohash box holds every point of the cell, and an edge cell has none', () => {
    fc.assert(fc.property(lat, lng, fc.integer({ min: 1, max: 12 }), (a, b, r) => {
      expect(inBox(geohashBox(geohashEncode(a, b, r)), a, b)).toBe(true);
    }), { numRuns: 5000 });
    expect(geohashBox('0')).toBeUndefined();
    expect(geohashBox('s00')).toMatchObject({ minLat: 0, minLng: 0 });
    // not a cell at all: an empty box (no row maps to it)
    expect(geohashBox('ai')).toMatchObject({ minLat: 1, maxLat: 0 });
    expect(h3Box('zz')).toMatchObject({ minLat: 1, maxLat: 0 });
  });
});
