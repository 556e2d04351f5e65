// The native snappy decoder of remote write against the checked JS decoder (fast-check): same bytes for every block
// the JS decoder reads, the JS decoder's positioned error for every block it refuses.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { snappyNative } from '../../../actors/gateway/prom_write.ts';
import { snappyDecode, snappyEncode } from '../../../core/codec/prometheus/snappy.ts';

const outcome = (f: () => Uint8Array): string => {
  try {
    return Buffer.from(f()).toString('hex');
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};

// repetitive input so the blocks hold copies, not only literals
const plain = fc.array(fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.constantFrom(new Uint8Array(40).fill(7), new TextEncoder().encode('__name__node_cpu_seconds_total'))), { maxLength: 30 })
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));

describe('remote write snappy (native)', () => {
  it('reads what the JS decoder reads, and refuses with its error what it refuses', () => {
    const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'append', 'none'));
    fc.assert(fc.property(plain, fc.array(edit, { maxLength: 3 }), (raw, edits) => {
      let block = snappyEncode(raw);
      for (const [at, byte, kind] of edits) {
        if (kind === 'set' && block.length) { block = block.slice(); block[at % block.length] = byte; }
        else if (kind === 'cut') block = block.subarray(0, at % (block.length + 1));
        else if (kind === 'append') block = Uint8Array.from([...block, byte]);
      }
      expect(outcome(() => snappyNative(block))).toBe(outcome(() => snappyDecode(block)));
    }), { numRuns: 3000 });
  });

  it('random bytes: the same answer as the JS decoder', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      expect(outcome(() => snappyNative(b))).toBe(outcome(() => snappyDecode(b)));
    }), { numRuns: 3000 });
  });

  it('a corrupt block names the byte', () => {
    expect(() => snappyNative(Uint8Array.from([10, 0x00, 1]))).toThrow(/corrupt snappy block at byte \d+/);
  });
});
