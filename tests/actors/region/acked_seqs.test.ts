// AckedSeqs: which acknowledged WAL sequences still wait to be applied, so a flush never freezes past one of them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AckedSeqs } from '../../../actors/region/acked_seqs.ts';

describe('AckedSeqs', () => {
  it('below(applied) is true exactly while a tracked, resolved, unforgotten sequence is <= applied (fast-check)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ seq: fc.integer({ min: 1, max: 50 }), fails: fc.boolean(), forgotten: fc.boolean() }), { maxLength: 20 }),
      fc.integer({ min: 0, max: 60 }),
      async (writes, applied) => {
        const a = new AckedSeqs();
        const forgets = writes.map((w) => a.track(w.fails ? Promise.reject(new Error('no ack')) : Promise.resolve({ seq: w.seq })));
        await new Promise((r) => setImmediate(r));
        writes.forEach((w, i) => { if (w.forgotten) forgets[i]!(); });
        const waiting = writes.filter((w) => !w.fails && !w.forgotten).map((w) => w.seq);
        expect(a.below(applied)).toBe(waiting.some((s) => s <= applied));
        for (const f of forgets) { f(); f(); } // forgetting twice changes nothing
        expect(a.below(Number.MAX_SAFE_INTEGER)).toBe(false);
      },
    ), { numRuns: 300 });
  });

  it('an ack that has not come yet holds nothing', () => {
    const a = new AckedSeqs();
    a.track(new Promise<{ seq: number }>(() => undefined));
    expect(a.below(Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
