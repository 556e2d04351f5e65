// The full-text and spatial kinds in the index framework's shape (IndexKind): build from segment-style columns, open,
// answer only their own predicate shapes, and prune without dropping matches; the WHERE recognizers feed them.
import { describe, expect, it } from 'vitest';
import { fulltextIndexKind, fulltextPredicatesOf, matchesTerm, rangesToMask } from '../../../core/index/fulltext/index.ts';
import { spatialIndexKind } from '../../../core/index/spatial/index.ts';
import { parseExpr } from '../../../core/sql/index.ts';
import type { Expr } from '../../../core/sql/index.ts';

const flatten = (e: Expr, out: Expr[] = []): Expr[] => {
  if (e.type === 'binary' && e.op === 'AND') { flatten(e.left, out); flatten(e.right, out); } else out.push(e);
  return out;
};

describe('fulltext kind', () => {
  it('builds from dictionary codes and prunes matches_term / @@ / matches conjuncts', () => {
    const dict = ['GET /api ok', 'POST /api failed: timeout', 'trace abc123 error'];
    const values = Int32Array.from({ length: 3000 }, (_, i) => (i === 2500 ? 2 : i % 2));
    const valid = new Uint8Array(3000).fill(1);
    valid[7] = 0;
    for (const backend of ['bloom', 'tantivy']) {
      const o = fulltextIndexKind.options({ backend, granularity: '100' }, 'msg');
      const r = fulltextIndexKind.open(fulltextIndexKind.build([{ type: 'string', values, valid, dict }], 3000, o));
      const probes = fulltextPredicatesOf(flatten(parseExpr("msg @@ 'abc123' AND matches(msg, 'error -timeout') AND other = 1")), (c) => (c === 'msg' ? { analyzer: 'English', caseSensitive: false } : undefined));
      expect(probes.map((p) => p.query.kind)).toEqual(['term', 'matches']);
      for (const p of probes) {
        expect(fulltextIndexKind.answers({ op: 'fulltext' } as never)).toBe(true);
        const sel = fulltextIndexKind.prune(r, { column: p.column, op: 'fulltext', query: p.query } as never, 3000)!;
        const m = rangesToMask(sel, 3000);
        expect(m[2500]).toBe(1);
        expect(m.reduce((a, x) => a + x, 0)).toBeLessThanOrEqual(backend === 'bloom' ? 100 : 1);
      }
      expect(fulltextIndexKind.prune(r, { column: 'msg', op: 'in', values: ['x'] } as never, 3000)).toBeUndefined();
      expect(fulltextIndexKind.answers({ op: 'in' } as never)).toBe(false);
    }
    expect(matchesTerm(dict[2]!, 'abc123')).toBe(true);
    expect(fulltextIndexKind.supports('float64')).toBe(false);
    expect(() => fulltextIndexKind.options({ granularity: '-1' }, 'msg')).toThrow(/granularity/);
  });
});

describe('spatial kind', () => {
  it('builds from two float columns (or int64) and prunes its predicates', () => {
    const lat = Float64Array.from({ length: 1000 }, (_, i) => (i % 180) - 89.5), lng = Float64Array.from({ length: 1000 }, (_, i) => ((i * 7) % 360) - 179.5);
    const o = spatialIndexKind.options({}, 'lat');
    expect(o.nodeSize).toBe(16);
    const r = spatialIndexKind.open(spatialIndexKind.build([{ type: 'float64', values: lat, valid: null }, { type: 'float64', values: lng, valid: null }], 1000, o));
    const sel = spatialIndexKind.prune(r, { column: 'lat', op: 'spatial', predicate: { op: 'bbox', minLat: 0, maxLat: 1, minLng: -180, maxLng: 180 } } as never, 1000)!;
    let n = 0;
    for (let i = 0; i < sel.start.length; i++) for (let k = sel.start[i]!; k < sel.end[i]!; k++) { expect(lat[k]! >= 0 && lat[k]! <= 1).toBe(true); n++; }
    expect(n).toBe(lat.filter((x) => x >= 0 && x <= 1).length);
    const ints = spatialIndexKind.build([{ type: 'int64', values: BigInt64Array.of(1n, 50n), valid: null }, { type: 'int64', values: BigInt64Array.of(2n, 60n), valid: null }], 2, o);
    expect([...spatialIndexKind.prune(spatialIndexKind.open(ints), { column: 'lat', op: 'spatial', predicate: { op: 'radius', lat: 50, lng: 60, meters: 10 } } as never, 2)!.start]).toEqual([1]);
    expect(() => spatialIndexKind.options({ node_size: 'x' }, 'lat')).toThrow(/node_size/);
    expect(spatialIndexKind.supports('string')).toBe(false);
  });
});
