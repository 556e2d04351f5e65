// SHOW CREATE TABLE's text reads back as the table it shows: partition rules, comments and option values survive a
// round trip through the parser; size options print as GreptimeDB's ReadableSize does.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { executeSql } from '../../../../core/query/index.ts';
import { readableSize } from '../../../../core/query/statements/show.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

describe('readableSize', () => {
  it('prints the largest binary unit reached with one decimal, or bytes', () => {
    expect(readableSize('128MiB')).toBe('128.0MiB');
    expect(readableSize('1KB')).toBe('1.0KiB');
    expect(readableSize('1536k')).toBe('1.5MiB');
    expect(readableSize('2 GiB')).toBe('2.0GiB');
    expect(readableSize('1023')).toBe('1023B');
    expect(readableSize('lots')).toBe('lots');
  });

  it('reads its own output back to the same text (within the decimal it keeps)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 52 }), (n) => {
      const once = readableSize(String(n));
      expect(readableSize(once)).toBe(once);
    }));
  });
});

const ident = fc.constantFrom('site', 'zone');
const literal = (col: string) => (col === 'site' ? fc.stringMatching(/^[a-z' ]{0,4}$/).map((s) => `'${s.replace(/'/g, "''")}'`) : fc.integer({ min: -50, max: 50 }).map(String));
const cmp = ident.chain((c) => fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '=', '<>'), literal(c)).map(([op, v]) => `${c} ${op} ${v}`));
const rule: fc.Arbitrary<string> = fc.letrec((tie) => ({
  expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, cmp, fc.tuple(tie('expr'), fc.constantFrom('AND', 'OR'), tie('expr')).map(([a, op, b]) => `(${a}) ${op} (${b})`)),
})).expr as fc.Arbitrary<string>;

describe('SHOW CREATE TABLE round trip', () => {
  it('a partitioned table with comments and options is created again, from its text, as the same table', async () => {
    await fc.assert(fc.asyncProperty(fc.array(rule, { minLength: 2, maxLength: 4 }), fc.string({ maxLength: 6 }), async (rules, note) => {
      const cat = new MemoryCatalog();
      const ctx = cat.context('public');
      await executeSql(ctx, (`CREATE TABLE t (site STRING COMMENT '${note.replace(/'/g, "''")}', zone INT, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (site, zone)) PARTITION ON COLUMNS (site, zone) (${rules.join(', ')}) WITH (write_buffer_size = '3MiB', ttl = '400days')`));
      await executeSql(ctx, `COMMENT ON TABLE t IS '${note.replace(/'/g, "''")}'`);
      const shown = async (name: string) => {
        const out = await executeSql(ctx, `SHOW CREATE TABLE ${name}`);
        return String((out[0] as { rows: unknown[][] }).rows[0]![1]);
      };
      const text = await shown('t');
      await executeSql(ctx, text.replace('"t"', '"t2"'));
      expect((await shown('t2')).replace('"t2"', '"t"')).toBe(text);
      const [a, b] = [await ctx.getTable('public', 't'), await ctx.getTable('public', 't2')];
      expect(b!.partition).toEqual(a!.partition);
      expect(b!.columns).toEqual(a!.columns);
    }), { numRuns: 40 });
  });
});
