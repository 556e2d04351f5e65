// SPATIAL INDEX predicates end to end in the evaluator: random WHERE conjuncts are parsed, the ones the index answers
// become probes, and every row the real SQL filter keeps is among the probes' candidates (no false negatives).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../../../core/sql/index.ts';
import type { Expr } from '../../../../core/sql/index.ts';
import { evalExpr } from '../../../../core/query/expr/index.ts';
import { relNamer } from '../../../../core/query/expr/names.ts';
import type { Rel } from '../../../../core/query/plan/rel.ts';
import { fromValues } from '../../../../core/query/vector.ts';
import { buildSpatialIndex, probeSpatialIndex, spatialPredicatesOf } from '../../../../core/index/spatial/index.ts';

const lat = fc.integer({ min: -9000, max: 9000 }).map((x) => x / 100);
const lng = fc.integer({ min: -18000, max: 18000 }).map((x) => x / 100);
const row = fc.option(fc.tuple(lat, lng), { nil: null, freq: 10 });

const conj = fc.oneof(
  fc.tuple(lat, lat).map(([a, b]) => `lat BETWEEN ${Math.min(a, b)} AND ${Math.max(a, b)}`),
  fc.tuple(lng, lng).map(([a, b]) => `lng BETWEEN ${Math.min(a, b)} AND ${Math.max(a, b)}`),
  fc.tuple(fc.constantFrom('lat', 'lng'), fc.constantFrom('<', '<=', '>', '>=', '='), lat).map(([c, op, v]) => `${c} ${op} ${v}`),
  fc.tuple(lat, fc.constantFrom('<', '<=', '>', '>='), fc.constantFrom('lat', 'lng')).map(([v, op, c]) => `${v} ${op} ${c}`),
  fc.tuple(lat, lng, fc.integer({ min: 0, max: 3_000_000 }), fc.boolean(), fc.boolean()).map(([a, b, m, lit, swap]) => {
    const row = 'wkt_point_from_latlng(lat, lng)';
    const center = lit ? `'POINT(${b} ${a})'` : `wkt_point_from_latlng(${a}, ${b})`;
    return `st_distance_sphere_m(${swap ? center : row}, ${swap ? row : center}) ${swap ? '<=' : '<'} ${m}`;
  }),
  fc.tuple(lat, lat, lng, lng).map(([a, b, c, d]) => {
    const [y0, y1, x0, x1] = [Math.min(a, b), Math.max(a, b) + 1, Math.min(c, d), Math.max(c, d) + 1];
    return `st_within(wkt_point_from_latlng(lat, lng), 'POLYGON ((${x0} ${y0}, ${x1} ${y0}, ${x1} ${y1}, ${x0} ${y1}, ${x0} ${y0}))')`;
  }),
  fc.constant('city = \'x\''),
);

function flatten(e: Expr, out: Expr[] = []): Expr[] {
  if (e.type === 'binary' && e.op === 'AND') { flatten(e.left, out); flatten(e.right, out); } else out.push(e);
  return out;
}

describe('SPATIAL INDEX predicates', () => {
  it('rows kept by the SQL filter are all among the candidates of the recognized probes', () => {
    fc.assert(fc.property(fc.array(row, { maxLength: 60 }), fc.array(conj, { minLength: 1, maxLength: 4 }), (rows, conjs) => {
      const rel: Rel = {
        fields: [{ name: 'lat', dt: 'Float64' }, { name: 'lng', dt: 'Float64' }, { name: 'city', dt: 'String' }],
        cols: [fromValues('Float64', rows.map((r) => r?.[0] ?? null)), fromValues('Float64', rows.map((r) => r?.[1] ?? null)), fromValues('String', rows.map(() => 'y'))],
        len: rows.length,
      };
      const where = parseExpr(conjs.join(' AND '));
      const kept = evalExpr(where, { rel, env: { qctx: {} as never, nowNs: 0n, subqueries: new Map() }, namer: relNamer(rel) });
      const preds = spatialPredicatesOf(flatten(where), 'lat', 'lng');
      const recognised = conjs.filter((c) => !c.startsWith('city')).length;
      if (recognised) expect(preds.length).toBeGreaterThan(0);
      const latV = Float64Array.from(rows, (r) => r?.[0] ?? 0), lngV = Float64Array.from(rows, (r) => r?.[1] ?? 0), valid = Uint8Array.from(rows, (r) => (r ? 1 : 0));
      const bytes = buildSpatialIndex({ values: latV, valid }, { values: lngV, valid }, rows.length, 4);
      const mask = new Uint8Array(rows.length).fill(1);
      for (const p of preds) {
        const sel = probeSpatialIndex(bytes, p)!;
        const m = new Uint8Array(rows.length);
        for (let i = 0; i < sel.start.length; i++) m.fill(1, sel.start[i]!, sel.end[i]!);
        for (let i = 0; i < rows.length; i++) mask[i]! &= m[i]!;
      }
      for (let i = 0; i < rows.length; i++) {
        const v = kept.kind === 'bool' ? (kept.valid && !kept.valid[i] ? 0 : kept.v[i]) : 0;
        if (v) expect(mask[i], `row ${i} ${rows[i]} kept by ${conjs.join(' AND ')} but not a candidate of ${JSON.stringify(preds)}`).toBe(1);
      }
    }), { numRuns: 600 });
  });

  it('ignores what it cannot answer', () => {
    const e = flatten(parseExpr("lat + 1 > 3 AND NOT lat BETWEEN 1 AND 2 AND st_distance_sphere_m(wkt_point_from_latlng(lng, lat), 'POINT(1 2)') < 5 AND st_distance_sphere_m(wkt_point_from_latlng(lat, lng), 'POINT(1 2)') > 5"));
    expect(spatialPredicatesOf(e, 'lat', 'lng')).toEqual([]);
  });
});
