// IP CIDR functions and map values, fuzzed through SQL: a CIDR (given or guessed) always contains its address and
// has no host bits, IPv6 text round-trips through its 128-bit value (IPv4-mapped included), and a map gives back
// the keys and values it was built from, by key and as lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../../core/query/index.ts';
import { bigToIpv6, ipv6ToBig } from '../../../../core/query/expr/fn_ip.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const ctx = new MemoryCatalog().context('public');
async function row(q: string): Promise<unknown[]> {
  const [out] = await executeSql(ctx, q);
  if (out?.kind !== 'records') throw new Error(`no rows from ${q}`);
  return out.rel.cols.map((c) => (c.kind === 'any' || c.kind === 'str' ? c.v[0] : c.kind === 'bool' ? c.v[0] === 1 : Number(c.v[0])));
}
const v4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

describe('IP CIDR functions', () => {
  it('an IPv4 CIDR contains its address and has no host bits, with a prefix or guessed', async () => {
    await fc.assert(fc.asyncProperty(fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), async (n, p) => {
      const a = v4(n);
      const [given, guessed] = (await row(`SELECT ipv4_to_cidr(${lit(a)}, ${p}), ipv4_to_cidr(${lit(a)})`)) as string[];
      for (const cidr of [given!, guessed!]) {
        const [net, bits] = cidr.split('/');
        const [inRange, netNum] = await row(`SELECT ipv4_in_range(${lit(a)}, ${lit(cidr)}), ipv4_string_to_num(${lit(net!)})`);
        expect(inRange).toBe(true);
        const host = Number(bits) === 0 ? 0xffffffff : 2 ** (32 - Number(bits)) - 1;
        expect((Number(netNum) & host) >>> 0).toBe(0);
      }
      expect(given!.endsWith(`/${p}`)).toBe(true);
    }), { numRuns: 150 });
  });

  it('IPv6 text round-trips through its value; a CIDR contains its address', async () => {
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    await fc.assert(fc.asyncProperty(fc.array(group, { minLength: 8, maxLength: 8 }), fc.boolean(), fc.integer({ min: 0, max: 128 }), async (gs, mapped, p) => {
      let v = gs.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
      if (mapped) v = (0xffffn << 32n) | (v & 0xffffffffn);
      const text = bigToIpv6(v);
      expect(ipv6ToBig(text)).toBe(v);
      const [given, guessed] = (await row(`SELECT ipv6_to_cidr(${lit(text)}, ${p}), ipv6_to_cidr(${lit(text)})`)) as string[];
      for (const cidr of [given!, guessed!]) expect(await row(`SELECT ipv6_in_range(${lit(text)}, ${lit(cidr)})`)).toEqual([true]);
    }), { numRuns: 150 });
  });
});

describe('map values', () => {
  it('give back their keys and values, by key and as lists', async () => {
    const keys = fc.uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'x', "'", ' '), minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 });
    await fc.assert(fc.asyncProperty(keys, fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 5, maxLength: 5 }), async (ks, vs) => {
      const vals = vs.slice(0, ks.length);
      const m = `map([${ks.map(lit).join(', ')}], [${vals.join(', ')}])`;
      const [k, v, n, missing] = await row(`SELECT map_keys(${m}), map_values(${m}), cardinality(${m}), map_extract(${m}, 'absent key')`);
      expect(k).toEqual(ks);
      expect(v).toEqual(vals);
      expect(n).toBe(ks.length);
      expect(missing).toEqual([]);
      for (let i = 0; i < ks.length; i++) expect(await row(`SELECT ${m}[${lit(ks[i]!)}], map_extract(${m}, ${lit(ks[i]!)})`)).toEqual([vals[i], [vals[i]]]);
    }), { numRuns: 100 });
  });
});
