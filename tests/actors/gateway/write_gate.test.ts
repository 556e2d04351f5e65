// The write gate under the memory budget (the real MemoryBudget and WriteGate, regions as plain byte counters):
// random writes, applies and flushes never let memtables and writes in flight pass the writes' share by more than
// one write, and once memory is freed every waiting write is admitted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WriteGate, type Release } from '../../../actors/gateway/write_gate.ts';
import { MemoryBudget, type BudgetRegion } from '../../../actors/runtime/memory_budget.ts';

/** A region as the budget sees it: bytes in its memtable and in the memtable it flushes (a flush ends when the test says). */
class Region implements BudgetRegion {
  memBytes = 0;
  flushingBytes = 0;
  requestFlush(): boolean {
    if (this.flushingBytes > 0 || this.memBytes === 0) return false;
    this.flushingBytes = this.memBytes;
    this.memBytes = 0;
    return true;
  }
}

/** Lets every settled promise's callbacks run (they all run before the next macrotask). */
const settled = () => new Promise<void>((r) => setImmediate(r));

const MAX_WRITE = 300;
/** Writes are frequent and large against the budget (its writes' share is 800 bytes), flushes end now and then. */
const Op = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('write' as const), n: fc.integer({ min: 1, max: MAX_WRITE }), region: fc.nat(2), mayRefuse: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('apply' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('flushEnd' as const), region: fc.nat(2) }), weight: 1 },
);

describe('WriteGate with a MemoryBudget', () => {
  it('property: memtables + writes in flight stay within the share plus one write; once memory is freed every waiting write is admitted', async () => {
    await fc.assert(fc.asyncProperty(fc.array(Op, { maxLength: 80 }), async (ops) => {
      const regions = [new Region(), new Region(), new Region()];
      const budget = new MemoryBudget(1600, () => regions);
      const gate = new WriteGate(0, { writesRefused: 0, writesWaited: 0 }, budget);
      const admitted: { n: number; region: number; release: Release }[] = [];
      const open = new Set<number>();
      const refusals: string[] = [];
      let id = 0;
      const held = () => regions.reduce((a, r) => a + r.memBytes + r.flushingBytes, 0);
      /** Admitted writes land in their region's memtable and leave the gate (what a region write does). */
      const apply = () => {
        for (const a of admitted.splice(0)) {
          regions[a.region]!.memBytes += a.n;
          budget.applied(a.n);
          a.release();
        }
      };
      try {
        for (const op of ops) {
          if (op.kind === 'write') {
            const k = id++;
            open.add(k);
            gate.acquire(op.n, { mayRefuse: op.mayRefuse }).then(
              (release) => { admitted.push({ n: op.n, region: op.region, release }); open.delete(k); },
              (e: Error) => { refusals.push(e.message); open.delete(k); },
            );
          } else if (op.kind === 'apply') apply();
          else {
            regions[op.region]!.flushingBytes = 0;
            budget.released();
          }
          await settled();
          expect(held() + gate.inflight).toBeLessThanOrEqual(budget.writeLimitBytes + MAX_WRITE);
        }
        // free everything, again and again: every write still waiting gets in
        for (let round = 0; open.size > 0 && round <= ops.length; round++) {
          apply();
          for (const r of regions) { r.memBytes = 0; r.flushingBytes = 0; }
          budget.released();
          await settled();
        }
        expect(open.size).toBe(0);
        // only a write that may be refused is, and for memory: the waiting writes' share was full
        expect(refusals.length).toBeLessThanOrEqual(ops.filter((o) => o.kind === 'write' && o.mayRefuse).length);
        for (const m of refusals) expect(m).toMatch(/the writes' share of the memory limit is 800 \(--memory-limit-mb\)/);
      } finally {
        gate.close();
      }
    }), { numRuns: 200 });
  });
});
