// The hand-written digests (core imports no node: modules) against node:crypto's, on arbitrary text.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Hex, sha224Hex, sha256Hex, sha384Hex, sha512HexOf } from '../../../../core/query/expr/digests.ts';

const ours: [string, (s: string) => string][] = [['md5', md5Hex], ['sha224', sha224Hex], ['sha256', sha256Hex], ['sha384', sha384Hex], ['sha512', sha512HexOf]];

describe('digests', () => {
  it('agree with node:crypto on any UTF-8 text, block boundaries included', () => {
    const lengths = fc.oneof(fc.string({ maxLength: 300 }), fc.integer({ min: 50, max: 140 }).map((n) => 'x'.repeat(n)), fc.string({ unit: 'grapheme', maxLength: 60 }));
    fc.assert(fc.property(lengths, (s) => {
      for (const [algo, f] of ours) expect(f(s)).toBe(createHash(algo).update(s, 'utf8').digest('hex'));
    }), { numRuns: 200 });
  });
});
