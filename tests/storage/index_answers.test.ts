// An open index file keeps its entries' answers to repeated predicates (the file is immutable): a warm needle asks the
// index once; large answers are not kept, and only the most recent predicates are.
import { describe, expect, it } from 'vitest';
import { encodeIndexFile, type RowSelection } from '../../core/index.ts';
import { openIndexFile } from '../../storage/index/readers.ts';

const sel = (ranges: number): RowSelection => ({ start: Uint32Array.from({ length: ranges }, (_, i) => 2 * i), end: Uint32Array.from({ length: ranges }, (_, i) => 2 * i + 1) });

describe('index answers kept per open file', () => {
  it('computes a predicate once, keeps no large answer, and keeps the most recent predicates only', () => {
    const idx = openIndexFile(encodeIndexFile([{ kind: 'inverted', columns: ['host'], key: 'inverted(host)', bytes: new Uint8Array(8) }]), 'x.idx');
    const e = idx.file.entries[0]!;
    let computed = 0;
    const ask = (key: string, ranges: number | undefined) => idx.answer(e, key, () => { computed++; return ranges === undefined ? undefined : sel(ranges); });
    const a = ask('p1', 3);
    expect(ask('p1', 3)).toBe(a);
    expect(computed).toBe(1);
    ask('none', undefined); ask('none', undefined); // "cannot answer" is an answer too
    expect(computed).toBe(2);
    ask('big', 5000); ask('big', 5000);
    expect(computed).toBe(4);
    for (let i = 0; i < 20; i++) ask(`q${i}`, 1);
    computed = 0;
    ask('p1', 3); // pushed out by 20 newer predicates
    ask('q19', 1);
    expect(computed).toBe(1);
  });
});
