// /v1/sql picks the output format (the writers live in core/query/output/) and times statements with the injected clock.
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { tableFromIPC } from 'apache-arrow';
import { sqlHandler } from '../../../actors/gateway/http/sql.ts';
import { MemoryCatalog } from '../../sql/memory_context.ts';
import type { Clock } from '../../../core/index.ts';

/** A reply body as text (the JSON and CSV writers answer UTF-8 bytes). */
const text = (b: string | Uint8Array | undefined): string => (typeof b === 'string' ? b : new TextDecoder().decode(b));

describe('/v1/sql formats', () => {
  const cat = new MemoryCatalog();
  // Every reading moves the clock 21 ms: execution_time_ms is the difference of two readings, never Date.now().
  let t = 1_000;
  const clock: Clock = { now: () => (t += 21) };
  const handle = sqlHandler((db) => cat.context(db), clock);
  const get = (sql: string, format?: string) => {
    const url = new URL(`http://x/v1/sql?${new URLSearchParams({ sql, ...(format ? { format } : {}) })}`);
    return handle({ method: 'GET', headers: {} } as IncomingMessage, url, async () => Buffer.alloc(0));
  };

  it('json, csv and arrow from one result; statements without rows answer JSON; time from the clock', async () => {
    expect(JSON.parse(text((await get('CREATE TABLE h (k STRING, v BIGINT, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (k))')).body))).toEqual({ output: [{ affectedrows: 0 }], execution_time_ms: 21 });
    await get("INSERT INTO h VALUES ('a', 1, '2023-11-14T22:13:20.123456789Z'), ('b,c', NULL, 1)");
    const json = await get('SELECT k, v, ts FROM h ORDER BY k');
    expect(json.contentType).toBe('application/json');
    expect(text(json.body)).toBe('{"output":[{"records":{"schema":{"column_schemas":[{"name":"k","data_type":"String"},{"name":"v","data_type":"Int64"},{"name":"ts","data_type":"TimestampNanosecond"}]},"rows":[["a",1,1700000000123456789],["b,c",null,1]],"total_rows":2}}],"execution_time_ms":21}');
    const csv = await get('SELECT k, v, ts FROM h ORDER BY k', 'csv');
    expect([csv.contentType, text(csv.body)]).toEqual(['text/csv', 'a,1,1700000000123456789\n"b,c",,1\n']);
    const arrow = await get('SELECT k, v, ts FROM h ORDER BY k', 'ARROW');
    expect(arrow.contentType).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(arrow.body as Uint8Array);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Int64', 'Timestamp<NANOSECOND>']);
    expect((table.getChild('ts')!.data[0]!.values as BigInt64Array)[0]).toBe(1700000000123456789n);
    const none = await get('DROP TABLE h', 'arrow');
    expect([none.contentType, JSON.parse(text(none.body))]).toEqual(['application/json', { output: [{ affectedrows: 0 }], execution_time_ms: 21 }]);
    const bad = await get('SELEC 1');
    expect(bad.status).toBe(400);
    expect(JSON.parse(text(bad.body)).execution_time_ms).toBe(21);
  });
});
