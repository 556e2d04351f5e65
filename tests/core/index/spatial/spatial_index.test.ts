// Spatial index (blocks of quantized points under a flatbush tree): bounding-box and radius probes never drop a row a full scan keeps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpatialPredicate } from '../../../../core/index/spatial/index.ts';
import { buildSpatialIndex, openSpatialIndex, probeSpatialIndex } from '../../../../core/index/spatial/index.ts';
import { haversineM } from '../../../../core/index/spatial/sphere.ts';

const latArb = fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), fc.constantFrom(-90, 90, 0, 89.9999, -89.9999));
const lngArb = fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom(-180, 180, 179.9999, -179.9999, 0));
const rowArb = fc.oneof({ weight: 8, arbitrary: fc.tuple(latArb, lngArb) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant([Number.NaN, 0] as [number, number]) });

const predArb: fc.Arbitrary<SpatialPredicate> = fc.oneof(
  fc.tuple(latArb, latArb, lngArb, lngArb).map(([a, b, c, d]) => ({ op: 'bbox' as const, minLat: Math.min(a, b), maxLat: Math.max(a, b), minLng: Math.min(c, d), maxLng: Math.max(c, d) })),
  fc.tuple(latArb, lngArb, fc.oneof(fc.double({ min: 0, max: 3e6, noNaN: true }), fc.constantFrom(0, 1, 2e7, 5e7))).map(([lat, lng, meters]) => ({ op: 'radius' as const, lat, lng, meters })),
);

function keeps(p: SpatialPredicate, lat: number, lng: number): boolean {
  if (p.op === 'bbox') return lat >= p.minLat && lat <= p.maxLat && lng >= p.minLng && lng <= p.maxLng;
  return haversineM(lat, lng, p.lat, p.lng) <= p.meters; // the argument order st_distance_sphere_m(row, center) uses
}

function columns(rows: ([number, number] | null)[]) {
  const lat = new Float64Array(rows.length), lng = new Float64Array(rows.length), valid = new Uint8Array(rows.length);
  rows.forEach((r, i) => { if (r) { lat[i] = r[0]; lng[i] = r[1]; valid[i] = 1; } });
  return { lat: { values: lat, valid }, lng: { values: lng, valid } };
}

describe('spatial index', () => {
  it('no false negatives for bounding boxes and radii (poles, antimeridian, nulls, NaN)', () => {
    fc.assert(fc.property(fc.array(rowArb, { maxLength: 120 }), fc.array(predArb, { minLength: 1, maxLength: 5 }), fc.integer({ min: 2, max: 16 }), (rows, preds, nodeSize) => {
      const { lat, lng } = columns(rows);
      const bytes = buildSpatialIndex(lat, lng, rows.length, nodeSize);
      // a blob at an odd offset inside a bigger buffer (as read from a file with other blobs) opens the same
      const shifted = new Uint8Array(bytes.length + 3);
      shifted.set(bytes, 3);
      const reader = openSpatialIndex(shifted.subarray(3));
      for (const p of preds) {
        const sel = probeSpatialIndex(reader, p);
        expect(sel).toBeDefined();
        const mask = new Uint8Array(rows.length);
        for (let i = 0; i < sel!.start.length; i++) mask.fill(1, sel!.start[i]!, sel!.end[i]!);
        rows.forEach((r, i) => { if (r && keeps(p, r[0], r[1])) expect(mask[i], `row ${i} ${r} dropped by ${JSON.stringify(p)}`).toBe(1); });
        // false positives only within a point's quantized cell (a block's extent / 65536: at most ~611 m a side)
        if (p.op === 'radius') rows.forEach((r, i) => { if (mask[i]) expect(r !== null && haversineM(r[0], r[1], p.lat, p.lng) <= p.meters * 1.000001 + 2_000).toBe(true); });
        if (p.op === 'bbox') rows.forEach((r, i) => { if (mask[i]) expect(r !== null && r[0] >= p.minLat - 0.006 && r[0] <= p.maxLat + 0.006 && r[1] >= p.minLng - 0.006 && r[1] <= p.maxLng + 0.006).toBe(true); });
      }
    }), { numRuns: 800 });
  });

  it('prunes a needle box and radius to a few rows of 100k', () => {
    const n = 100_000;
    const lat = new Float64Array(n), lng = new Float64Array(n);
    for (let i = 0; i < n; i++) { lat[i] = ((i * 7919) % 18000) / 100 - 90; lng[i] = ((i * 104729) % 36000) / 100 - 180; }
    const bytes = buildSpatialIndex({ values: lat, valid: null }, { values: lng, valid: null }, n);
    const r = openSpatialIndex(bytes);
    const box = probeSpatialIndex(r, { op: 'bbox', minLat: 10, maxLat: 10.5, minLng: 20, maxLng: 20.5 })!;
    const count = (s: { start: Uint32Array; end: Uint32Array }): number => s.start.reduce((a, x, i) => a + s.end[i]! - x, 0);
    let full = 0;
    for (let i = 0; i < n; i++) if (lat[i]! >= 10 && lat[i]! <= 10.5 && lng[i]! >= 20 && lng[i]! <= 20.5) full++;
    expect(count(box)).toBe(full);
    const near = probeSpatialIndex(r, { op: 'radius', lat: 10, lng: 20, meters: 50_000 })!;
    expect(count(near)).toBeLessThan(50);
  });

  it('refuses a radius over points outside the earth ranges; corrupt bytes are errors', () => {
    const bytes = buildSpatialIndex({ values: [95, 10], valid: null }, { values: [0, 0], valid: null }, 2);
    expect(probeSpatialIndex(bytes, { op: 'radius', lat: 10, lng: 0, meters: 10 })).toBeUndefined();
    expect(probeSpatialIndex(bytes, { op: 'bbox', minLat: 90, maxLat: 100, minLng: -1, maxLng: 1 })!.start[0]).toBe(0);
    // a block whose box is a subnormal step wide (its 16-bit cells would round to nothing) keeps its points
    const tiny = buildSpatialIndex({ values: [0, 0], valid: null }, { values: [-5e-324, 0], valid: null }, 2);
    expect(probeSpatialIndex(tiny, { op: 'bbox', minLat: -90, maxLat: 90, minLng: 0, maxLng: 0 })!.end[0]).toBe(2);
    expect(() => openSpatialIndex(new Uint8Array(64))).toThrow(/not a spatial index/);
    expect(() => openSpatialIndex(bytes.subarray(0, 40))).toThrow(/too short/);
    expect(() => openSpatialIndex(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
  });
});
