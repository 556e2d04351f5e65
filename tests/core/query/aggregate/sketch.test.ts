// Sketch states: HyperLogLog exact while small and close when dense; UDDSketch within its (grown) error after compaction; merges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Hll, UddSketch } from '../../../../core/query/aggregate/sketch.ts';

describe('Hll', () => {
  it('counts exactly while sparse and within 2% once dense, also through encode/decode and merge', () => {
    const small = new Hll();
    for (let i = 0; i < 500; i++) small.addText(`v${i % 300}`);
    expect(Hll.decode(small.encode()).count()).toBe(300);
    const a = new Hll(), b = new Hll();
    for (let i = 0; i < 60_000; i++) a.addText(`k${i}`);
    for (let i = 40_000; i < 100_000; i++) b.addText(`k${i}`);
    expect(Math.abs(a.count() - 60_000) / 60_000).toBeLessThan(0.02);
    const u = Hll.decode(a.encode());
    u.merge(Hll.decode(b.encode()));
    expect(Math.abs(u.count() - 100_000) / 100_000).toBeLessThan(0.02);
    expect(() => Hll.decode('nonsense')).toThrow(/HyperLogLog/);
  });
});

describe('UddSketch', () => {
  it('estimates any quantile within its relative error, compacted or not, split and merged or not', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
      fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 400 }),
      (xs, q, cut) => {
        const whole = new UddSketch(16, 0.01), left = new UddSketch(16, 0.01), right = new UddSketch(16, 0.01);
        xs.forEach((x, i) => { whole.add(x); (i < cut ? left : right).add(x); });
        left.merge(UddSketch.decode(right.encode()));
        const sorted = [...xs].sort((p, r) => p - r);
        const want = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
        for (const s of [whole, left]) {
          const got = s.quantile(q)!;
          expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * s.alpha * (1 + 1e-9) + 1e-12);
        }
      },
    ));
  });

  it('refuses to merge states of other parameters', () => {
    expect(() => new UddSketch(8, 0.01).merge(new UddSketch(8, 0.02))).toThrow(/do not match/);
  });
});
