// Issue 9 item 1: 64-bit integers and nanosecond timestamps stay exact through SQL expressions
// (comparison, arithmetic with wrapping, casts), written by line protocol into the in-memory context.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sqlHandler } from '../../../../actors/gateway/http/sql.ts';
import { executeSql } from '../../../../core/query/index.ts';
import type { QueryContext } from '../../../../core/query/index.ts';
import { parseLineProtocol } from '../../../../core/codec/line_protocol/index.ts';
import { conformBatch, inferSchema } from '../../../../core/writes.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

async function writeLp(ctx: QueryContext, text: string): Promise<void> {
  for (const b of parseLineProtocol(new TextEncoder().encode(text))) {
    let schema = await ctx.getTable('public', b.table);
    if (!schema) schema = (await ctx.createTable(inferSchema('public', b, 0, 0), true)).schema;
    await ctx.write('public', conformBatch(schema, b));
  }
}

async function rows(ctx: QueryContext, sql: string): Promise<unknown[][]> {
  const [out] = await executeSql(ctx, sql);
  if (out?.kind !== 'records') throw new Error('expected records');
  return out.rows;
}

describe('int64 exactness in SQL expressions', () => {
  it('compares and subtracts int64 max exactly', async () => {
    const ctx = new MemoryCatalog().context();
    await writeLp(ctx, 'm v=9223372036854775807i 1000000000\n');
    expect(await rows(ctx, 'SELECT v = 9223372036854775806, v = 9223372036854775807, v > 9223372036854775806 FROM m')).toEqual([[false, true, true]]);
    expect(await rows(ctx, 'SELECT (v - 1)::string, CAST(v AS STRING), (v - 9223372036854775806)::string FROM m')).toEqual([['9223372036854775806', '9223372036854775807', '1']]);
    // wrapping like DataFusion's Int64 +
    expect(await rows(ctx, 'SELECT (v + 1)::string FROM m')).toEqual([['-9223372036854775808']]);
    expect(await rows(ctx, 'SELECT (v * 2)::string, (-v)::string, (v / 2)::string, (v % 10)::string FROM m')).toEqual([['-2', '-9223372036854775807', '4611686018427387903', '7']]);
    expect(await rows(ctx, 'SELECT count(*) FROM m WHERE v = 9223372036854775807')).toEqual([[1]]);
    expect(await rows(ctx, 'SELECT abs(-v)::string, abs(v - 9223372036854775806)::string FROM m')).toEqual([['9223372036854775807', '1']]);
    await expect(executeSql(ctx, 'SELECT abs(v + 1) FROM m')).rejects.toThrow(/overflow on abs/);
    // conditionals keep the exact value they pass through
    expect(await rows(ctx, 'SELECT coalesce(NULL, v)::string, greatest(v, 1)::string, nullif(v, 1)::string, (CASE WHEN v > 0 THEN v ELSE 0 END)::string FROM m'))
      .toEqual([['9223372036854775807', '9223372036854775807', '9223372036854775807', '9223372036854775807']]);
    expect(await rows(ctx, 'SELECT count(*) FROM m WHERE v = 9223372036854775806')).toEqual([[0]]);
    expect(await rows(ctx, 'SELECT count(*) FROM m WHERE v IN (9223372036854775806, 1)')).toEqual([[0]]);
    expect(await rows(ctx, 'SELECT count(*) FROM m WHERE v BETWEEN 9223372036854775806 AND 9223372036854775807')).toEqual([[1]]);
  });

  it('keeps distinct nanosecond timestamps distinct through ::bigint', async () => {
    const ctx = new MemoryCatalog().context();
    const base = 1800000000000000000n;
    await writeLp(ctx, Array.from({ length: 200 }, (_, i) => `t,h=a x=${i} ${base + BigInt(i)}`).join('\n'));
    expect(await rows(ctx, 'SELECT count(*) FROM t WHERE ts::bigint = 1800000000000000050')).toEqual([[1]]);
    expect(await rows(ctx, 'SELECT x FROM t WHERE ts::bigint = 1800000000000000050')).toEqual([[50]]);
    const strs = (await rows(ctx, 'SELECT (ts::bigint)::string FROM t ORDER BY ts')).map((r) => r[0]);
    expect(new Set(strs).size).toBe(200);
    expect(strs[7]).toBe('1800000000000000007');
    expect(await rows(ctx, 'SELECT ((ts::bigint) - 1800000000000000000)::string FROM t WHERE x = 123')).toEqual([['123']]);
    // and back to a timestamp exactly
    expect(await rows(ctx, 'SELECT count(*) FROM t WHERE (ts::bigint)::timestamp(9) = ts')).toEqual([[200]]);
  });

  it('parses integer literals beyond 2^53 exactly and types them', async () => {
    const ctx = new MemoryCatalog().context();
    expect(await rows(ctx, "SELECT 9007199254740993 = 9007199254740992, (9007199254740993)::string, arrow_typeof(18446744073709551615), (18446744073709551615)::string")).toEqual([[false, '9007199254740993', 'UInt64', '18446744073709551615']]);
    expect(await rows(ctx, 'SELECT (-9223372036854775808)::string, (9223372036854775807 - 1)::string')).toEqual([['-9223372036854775808', '9223372036854775806']]);
    expect(await rows(ctx, "SELECT ('9223372036854775807'::bigint - 1)::string")).toEqual([['9223372036854775806']]);
  });

  it('fails casts out of range and division overflow, as DataFusion does', async () => {
    const ctx = new MemoryCatalog().context();
    await expect(executeSql(ctx, 'SELECT 300::tinyint')).rejects.toThrow(/Int8/);
    await expect(executeSql(ctx, 'SELECT (-1)::uint64')).rejects.toThrow(/UInt64/);
    await expect(executeSql(ctx, 'SELECT 18446744073709551615::bigint')).rejects.toThrow(/Int64/);
    await expect(executeSql(ctx, 'SELECT (-9223372036854775808) / -1')).rejects.toThrow(/Overflow/);
    expect(await rows(ctx, 'SELECT TRY_CAST(300 AS TINYINT), TRY_CAST(18446744073709551615 AS BIGINT)')).toEqual([[null, null]]);
    // narrow ints wrap on arithmetic, as DataFusion's wrapping kernels do
    expect(await rows(ctx, 'SELECT 2147483647::int + 1::int, 65536::int * 65536::int')).toEqual([[-2147483648, 0]]);
  });

  it('inserts and reads back int64 and uint64 extremes through SQL', async () => {
    const ctx = new MemoryCatalog().context();
    await executeSql(ctx, 'CREATE TABLE e (ts TIMESTAMP TIME INDEX, i BIGINT, u BIGINT UNSIGNED)');
    await executeSql(ctx, 'INSERT INTO e VALUES (1, 9223372036854775807, 18446744073709551615), (2, -9223372036854775808, 9007199254740993)');
    expect(await rows(ctx, 'SELECT i::string, u::string FROM e ORDER BY ts')).toEqual([
      ['9223372036854775807', '18446744073709551615'],
      ['-9223372036854775808', '9007199254740993'],
    ]);
    expect(await rows(ctx, 'SELECT count(*) FROM e WHERE u > 18446744073709551614')).toEqual([[1]]);
    expect(await rows(ctx, 'SELECT count(*) FROM e WHERE u > i')).toEqual([[2]]);
  });

  it('answers exactly over the /v1/sql handler', async () => {
    const cat = new MemoryCatalog();
    await writeLp(cat.context(), 'm v=9223372036854775807i 1000000000\n');
    const handle = sqlHandler((db) => cat.context(db));
    const r = await handle(
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } } as unknown as IncomingMessage,
      new URL('http://localhost/v1/sql'),
      async () => Buffer.from(new URLSearchParams({ sql: 'SELECT v = 9223372036854775806 AS eq, (v - 1)::string AS s FROM m' }).toString()),
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(Buffer.from(r.body ?? "").toString()).output[0].records.rows).toEqual([[false, '9223372036854775806']]);
    const bad = await handle(
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } } as unknown as IncomingMessage,
      new URL('http://localhost/v1/sql'),
      async () => Buffer.from(new URLSearchParams({ sql: 'SELECT v::int FROM m' }).toString()),
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(Buffer.from(bad.body ?? "").toString()).error).toMatch(/Cannot cast 9223372036854775807 to value of Int32 type/);
  });
});
