// XXH64 against the algorithm's published test vectors (seed 0), and the label-set hash limit_ratio places series by.
import { describe, expect, it } from 'vitest';
import { labelsHash, xxhash64 } from '../../../core/promql/engine/xxhash64.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('xxhash64', () => {
  it('matches the reference digests across the short, 4-, 8- and 32-byte paths', () => {
    expect(xxhash64(enc('')).toString(16)).toBe('ef46db3751d8e999');
    expect(xxhash64(enc('a')).toString(16)).toBe('d24ec4f1a98c6e5b');
    expect(xxhash64(enc('abc')).toString(16)).toBe('44bc2cf5ad770999');
    expect(xxhash64(enc('message digest')).toString(16).padStart(16, '0')).toBe('066ed728fceeb3be');
    expect(xxhash64(enc('abcdefghijklmnopqrstuvwxyz')).toString(16)).toBe('cfe1f278fa89835c');
    expect(xxhash64(enc('1234567890'.repeat(8))).toString(16)).toBe('e04a477f19ee145d');
  });

  it('hashes a label set as name 0xff value 0xff, in label order', () => {
    const bytes = new Uint8Array([...enc('__name__'), 0xff, ...enc('up'), 0xff, ...enc('job'), 0xff, ...enc('a'), 0xff]);
    expect(labelsHash([['__name__', 'up'], ['job', 'a']])).toBe(xxhash64(bytes));
    expect(labelsHash([])).toBe(xxhash64(new Uint8Array(0)));
  });
});
