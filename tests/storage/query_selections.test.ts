// Scans of one query share index selections (ScanRequest.queryId): on random data, flushes, index builds and
// compactions, a query's scans (one per lead-tag value, as a metric engine query scans one per logical table) return
// what the same scans return without the memo, and each segment's index is asked each distinct predicate once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ColumnPredicate } from '../../core/index.ts';
import { RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, sortRows, tempDir } from './fixtures.ts';

const HOSTS = ['h0', 'h1', 'h2', 'h3'];
const REGIONS = ['eu', 'us', 'ap', 'eu-2'];

const rowArb = fc.record({ host: fc.constantFrom(...HOSTS), region: fc.oneof(fc.constantFrom(...REGIONS), fc.constant(null)), t: fc.integer({ min: 0, max: 30 }), v: fc.integer({ min: 0, max: 9 }) });
const opArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(rowArb, { minLength: 1, maxLength: 25 }).map((rows) => ({ kind: 'write' as const, rows })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'index' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'compact' as const }) },
);
const predArb: fc.Arbitrary<ColumnPredicate> = fc.oneof(
  fc.array(fc.constantFrom(...REGIONS, 'none'), { minLength: 1, maxLength: 3 }).map((values) => ({ column: 'region', op: 'in' as const, values })),
  fc.constantFrom(...REGIONS).map((value) => ({ column: 'region', op: 'ne' as const, value })),
  fc.record({ pattern: fc.constantFrom('^eu', 'u', '^(us|ap)$', '2$'), flags: fc.constantFrom('' as const, 'i' as const), negated: fc.boolean() })
    .map((r) => ({ column: 'region', op: 'regex' as const, ...r })),
);

describe('per-query index selections', () => {
  it('a query\'s scans return what they return without the memo (fast-check)', async () => {
    let q = 0;
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), fc.array(predArb, { minLength: 1, maxLength: 2 }), async (ops, preds) => {
      const { dir, cleanup } = await tempDir();
      try {
        const sch = cpuSchema();
        const store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 8, pageRows: 3, compactionWindowMs: 1e9, decodedCache: undefined });
        let seq = 0;
        for (const op of ops) {
          if (op.kind === 'write') store.apply(batchOf(sch, op.rows.map((r) => ({ host: r.host, region: r.region, ts: r.t, usage_user: r.v }))), ++seq);
          else if (op.kind === 'flush') await store.flush();
          else if (op.kind === 'index') await store.indexes.buildNext();
          else await store.compact();
        }
        const queryId = `q${++q}`;
        for (const host of HOSTS) {
          const plain = rowsOf(await store.scan({ tagFilter: { host: [host] }, predicates: preds }));
          const shared = rowsOf(await store.scan({ tagFilter: { host: [host] }, predicates: preds, queryId }));
          expect(sortRows(shared)).toEqual(sortRows(plain));
        }
        await store.close();
      } finally {
        await cleanup();
      }
    }), { numRuns: 60 });
  });

  it('asks each segment\'s index a predicate once per query', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const sch = cpuSchema();
      const store = await RegionStore.open({ dir, regionId: 'r1', schema: sch, rowGroupRows: 8, pageRows: 3, compactionWindowMs: 1e9, decodedCache: undefined });
      for (let s = 0; s < 3; s++) {
        store.apply(batchOf(sch, HOSTS.flatMap((host, k) => REGIONS.map((region, j) => ({ host, region, ts: s * 100 + k * 10 + j, usage_user: k })))), s + 1);
        await store.flush();
      }
      await store.indexes.buildAll();
      const segments = store.stats().segments as number;
      expect(segments).toBe(3);
      const preds: ColumnPredicate[] = [{ column: 'region', op: 'regex', pattern: '^eu', flags: '', negated: false }];
      const ask = async (queryId?: string) => {
        const before = store.indexes.selections.computed;
        const got = [];
        for (const host of HOSTS) got.push(...rowsOf(await store.scan({ tagFilter: { host: [host] }, predicates: preds, ...(queryId ? { queryId } : {}) })));
        return { lookups: store.indexes.selections.computed - before, rows: sortRows(got) };
      };
      const plain = await ask();
      const shared = await ask('q1');
      expect(plain.lookups).toBe(HOSTS.length * segments);
      expect(shared.lookups).toBe(segments);
      expect(shared.rows).toEqual(plain.rows);
      expect(shared.rows.length).toBe(HOSTS.length * 2 * 3);
      // another query asks again
      expect((await ask('q2')).lookups).toBe(segments);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});
