// Issue 9: int64 values one apart beyond 2^53 stay apart wherever rows are keyed or ordered: ORDER BY, DISTINCT,
// GROUP BY, joins, IN (subquery), scalar subqueries, UNION / INTERSECT / EXCEPT, VALUES.
import { describe, expect, it } from 'vitest';
import { executeSql } from '../../../../core/query/index.ts';
import { parseLineProtocol } from '../../../../core/codec/line_protocol/index.ts';
import { conformBatch, inferSchema } from '../../../../core/writes.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

const MAX = 9223372036854775807n;
const LP = `m,h=a v=${MAX}i 1\nm,h=b v=${MAX - 1n}i 2\nm,h=c v=${MAX - 2n}i 3\nm,h=d v=${MAX - 1n}i 4\n`;

async function context() {
  const ctx = new MemoryCatalog().context();
  for (const b of parseLineProtocol(new TextEncoder().encode(LP))) {
    let s = await ctx.getTable('public', b.table);
    if (!s) s = (await ctx.createTable(inferSchema('public', b, 0, 0), true)).schema;
    await ctx.write('public', conformBatch(s, b));
  }
  return ctx;
}

async function rows(sql: string): Promise<unknown[][]> {
  const [out] = await executeSql(await context(), sql);
  if (out?.kind !== 'records') throw new Error('expected records');
  return out.rows;
}

describe('int64 keys beyond 2^53', () => {
  it('ORDER BY and DISTINCT', async () => {
    expect(await rows('SELECT h FROM m ORDER BY v, h')).toEqual([['c'], ['b'], ['d'], ['a']]);
    expect(await rows('SELECT h FROM m ORDER BY v DESC, h')).toEqual([['a'], ['b'], ['d'], ['c']]);
    expect(await rows('SELECT DISTINCT v FROM m ORDER BY v')).toEqual([[MAX - 2n], [MAX - 1n], [MAX]]);
    expect(await rows('SELECT v, count(*) FROM m GROUP BY v ORDER BY v')).toEqual([[MAX - 2n, 1], [MAX - 1n, 2], [MAX, 1]]);
  });

  it('joins, IN and scalar subqueries', async () => {
    expect(await rows('SELECT a.h, b.h FROM m a JOIN m b ON a.v = b.v WHERE a.h < b.h')).toEqual([['b', 'd']]);
    expect(await rows("SELECT h FROM m WHERE v IN (SELECT v FROM m WHERE h = 'b') ORDER BY h")).toEqual([['b'], ['d']]);
    expect(await rows('SELECT h FROM m WHERE v = (SELECT max(v) FROM m)')).toEqual([['a']]);
  });

  it('set operations and VALUES', async () => {
    expect(await rows('SELECT v FROM m UNION SELECT v FROM m ORDER BY v')).toEqual([[MAX - 2n], [MAX - 1n], [MAX]]);
    expect(await rows("SELECT v FROM m WHERE h = 'a' INTERSECT SELECT v FROM m WHERE h <> 'b'")).toEqual([[MAX]]);
    expect(await rows("SELECT v FROM m EXCEPT SELECT v FROM m WHERE h = 'b' ORDER BY v")).toEqual([[MAX - 2n], [MAX]]);
    expect(await rows(`SELECT column1::string FROM (VALUES (${MAX}), (${MAX - 1n})) ORDER BY column1`)).toEqual([[`${MAX - 1n}`], [`${MAX}`]]);
  });
});
