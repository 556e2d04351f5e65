// /v1/sql picks the output format (the writers live in core/query/output/) and times statements with the injected clock.
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { tableFromIPC } from 'apache-arrow';
import { sqlHandler } from '../../../actors/gateway/http/sql.ts';
import { MemoryCatalog } from '../../sql/memory_context.ts';
import { registerCodecs } from '../../../storage/index.ts';
import type { Clock } from '../../../core/index.ts';

/** A reply body as text (the JSON and CSV writers answer UTF-8 bytes). */
const text = (b: string | Uint8Array | undefined): string => (typeof b === 'string' ? b : new TextDecoder().decode(b));

describe('/v1/sql formats', () => {
  const cat = new MemoryCatalog();
  // Every reading moves the clock 21 ms: execution_time_ms is the difference of two readings, never Date.now().
  let t = 1_000;
  const clock: Clock = { now: () => (t += 21) };
  const handle = sqlHandler((db) => cat.context(db), clock);
  const get = (sql: string, format?: string, more: Record<string, string> = {}) => {
    const url = new URL(`http://x/v1/sql?${new URLSearchParams({ sql, ...(format ? { format } : {}), ...more })}`);
    return handle({ method: 'GET', headers: {} } as IncomingMessage, url, async () => Buffer.alloc(0));
  };

  it('json, csv, arrow (IPC file) and arrow_stream from one result; time from the clock', async () => {
    expect(JSON.parse(text((await get('CREATE TABLE h (k STRING, v BIGINT, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (k))')).body))).toEqual({ output: [{ affectedrows: 0 }], execution_time_ms: 21 });
    await get("INSERT INTO h VALUES ('a', 1, '2023-11-14T22:13:20.123456789Z'), ('b,c', NULL, 1)");
    const json = await get('SELECT k, v, ts FROM h ORDER BY k');
    expect(json.contentType).toBe('application/json');
    expect(text(json.body)).toBe('{"output":[{"records":{"schema":{"column_schemas":[{"name":"k","data_type":"String"},{"name":"v","data_type":"Int64"},{"name":"ts","data_type":"TimestampNanosecond"}]},"rows":[["a",1,1700000000123456789],["b,c",null,1]],"total_rows":2}}],"execution_time_ms":21}');
    const csv = await get('SELECT k, v, ts FROM h ORDER BY k', 'csv');
    expect([csv.contentType, text(csv.body)]).toEqual(['text/csv', 'a,1,1700000000123456789\n"b,c",,1\n']);
    // format=arrow is GreptimeDB's: an Arrow IPC file (magic at both ends); arrow_stream is the IPC stream format
    const arrow = await get('SELECT k, v, ts FROM h ORDER BY k', 'ARROW');
    expect([arrow.contentType, arrow.headers?.['x-greptime-format']]).toEqual(['application/arrow', 'arrow']);
    const file = arrow.body as Uint8Array;
    expect([text(file.subarray(0, 6)), text(file.subarray(file.length - 6))]).toEqual(['ARROW1', 'ARROW1']);
    const stream = await get('SELECT k, v, ts FROM h ORDER BY k', 'arrow_stream');
    expect(stream.contentType).toBe('application/vnd.apache.arrow.stream');
    expect(text((stream.body as Uint8Array).subarray(0, 6))).not.toBe('ARROW1');
    for (const body of [file, stream.body as Uint8Array]) {
      const table = tableFromIPC(body);
      expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Utf8', 'Int64', 'Timestamp<NANOSECOND>']);
      expect((table.getChild('ts')!.data[0]!.values as BigInt64Array)[0]).toBe(1700000000123456789n);
      expect([...table.getChild('k')!]).toEqual(['a', 'b,c']);
      expect([...table.getChild('v')!]).toEqual([1n, null]);
    }
    // as GreptimeDB: a statement without rows answers an empty body, several statements are refused
    const none = await get('INSERT INTO h VALUES (\'z\', 9, 5)', 'arrow');
    expect([none.status, none.contentType, (none.body as Uint8Array).length]).toEqual([200, 'application/arrow', 0]);
    const multi = await get('SELECT 1; SELECT 2', 'arrow');
    expect([multi.status, JSON.parse(text(multi.body)).error]).toEqual([400, 'cannot output multi-statements result in arrow format']);
    await get('DROP TABLE h');
    const bad = await get('SELEC 1');
    expect(bad.status).toBe(400);
    expect(JSON.parse(text(bad.body)).execution_time_ms).toBe(21);
  });

  it('a bad index option, database name or database TTL is the user\'s mistake: 400 with code 1004, nothing created', async () => {
    await get('CREATE TABLE ix (ts TIMESTAMP TIME INDEX, msg STRING, lvl STRING)');
    for (const [sql, error] of [
      ["ALTER TABLE ix MODIFY COLUMN msg SET FULLTEXT INDEX WITH (analyzer = 'Klingon')", "Invalid fulltext option: Klingon, expected: 'English' | 'Chinese'"],
      ["ALTER TABLE ix MODIFY COLUMN lvl SET SKIPPING INDEX WITH (false_positive_rate = 2)", 'Invalid skipping index option: Invalid false positive rate: 2, expected: 0.0 < rate <= 1.0'],
      ['CREATE DATABASE "9lives"', 'Invalid database name: 9lives'],
      ["CREATE DATABASE later WITH (ttl = 'soon')", 'Failed to parse value soon into key ttl'],
    ] as const) {
      const r = await get(sql);
      expect([r.status, JSON.parse(text(r.body)).code, JSON.parse(text(r.body)).error], sql).toEqual([400, 1004, error]);
    }
    expect(text((await get('SHOW INDEX FROM ix', 'csv')).body)).not.toMatch(/msg|lvl/);
    expect(text((await get("SHOW DATABASES LIKE 'later'", 'csv')).body)).toBe('');
  });

  it('format=arrow compresses the IPC bodies with compression=zstd|lz4 and refuses any other codec before running', async () => {
    registerCodecs();
    await get('CREATE TABLE c (k STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (k))');
    const values = Array.from({ length: 2000 }, (_, i) => `('host-${i % 7}', ${i % 13}, ${i})`).join(',');
    await get(`INSERT INTO c VALUES ${values}`);
    const q = 'SELECT k, v, ts FROM c ORDER BY ts';
    const plain = (await get(q, 'arrow')).body as Uint8Array;
    const want = tableFromIPC(plain);
    for (const codec of ['zstd', 'LZ4']) {
      const r = await get(q, 'arrow', { compression: codec });
      const body = r.body as Uint8Array;
      expect(body.length, codec).toBeLessThan(plain.length / 2);
      const got = tableFromIPC(body);
      expect(got.numRows).toBe(2000);
      for (const c of ['k', 'v', 'ts']) expect([...got.getChild(c)!], `${codec} ${c}`).toEqual([...want.getChild(c)!]);
    }
    const bad = await get('INSERT INTO c VALUES (\'x\', 1, 99999)', 'arrow', { compression: 'brotli' });
    expect([bad.status, JSON.parse(text(bad.body)).error]).toEqual([400, "compression 'brotli' is not supported for format=arrow: use zstd, lz4 or none"]);
    expect(text((await get('SELECT count(*) FROM c')).body)).toContain('[[2000]]');
  });

  it('GreptimeDB\'s other formats: json (rows as objects), influxdb_v1 with epoch, table, null; limit; unknown ones refused', async () => {
    await get('CREATE TABLE f (k STRING, v DOUBLE, ts TIMESTAMP(3) TIME INDEX, PRIMARY KEY (k))');
    await get(`INSERT INTO f VALUES ('a', 1.5, 1700000000123), ('b "q"', NULL, 1700000001000), ('c', 3, 1700000002000)`);
    const q = 'SELECT k, v, ts FROM f ORDER BY k';
    const json = await get(q, 'json');
    expect([json.contentType, json.headers?.['x-greptime-format']]).toEqual(['application/json', 'json']);
    expect(JSON.parse(text(json.body))).toEqual({ data: [{ k: 'a', v: 1.5, ts: 1700000000123 }, { k: 'b "q"', v: null, ts: 1700000001000 }, { k: 'c', v: 3, ts: 1700000002000 }], execution_time_ms: 21 });
    expect(JSON.parse(text((await get("INSERT INTO f VALUES ('d', 4, 5)", 'json')).body))).toEqual({ data: [], affected_rows: 1, execution_time_ms: 21 });
    expect(JSON.parse(text((await get(q, 'json', { limit: '1' })).body)).data).toEqual([{ k: 'a', v: 1.5, ts: 1700000000123 }]);
    const influx = JSON.parse(text((await get(`${q} LIMIT 2; SELECT 1`, 'influxdb_v1', { epoch: 's' })).body));
    expect(influx).toEqual({
      results: [
        { statement_id: 0, series: [{ name: '', columns: ['k', 'v', 'ts'], values: [['a', 1.5, 1700000000], ['b "q"', null, 1700000001]] }] },
        { statement_id: 1, series: [{ name: '', columns: ['Int64(1)'], values: [[1]] }] },
      ],
      execution_time_ms: 21,
    });
    const table = await get(`${q} LIMIT 2`, 'table');
    expect(table.contentType).toBe('text/plain; charset=utf-8');
    expect(text(table.body)).toBe([
      '┌─k─────────┬─v────┬─ts────────────┐',
      '│ "a"       │ 1.5  │ 1700000000123 │',
      '│ "b \\"q\\"" │ null │ 1700000001000 │',
      '└───────────┴──────┴───────────────┘',
      '',
    ].join('\n'));
    expect(text((await get(q, 'null')).body)).toBe('4 rows in set.\nElapsed: 0.021 sec.\n');
    expect(text((await get(q, 'csv', { limit: '2' })).body)).toBe('a,1.5,1700000000123\n"b ""q""",,1700000001000\n');
    for (const [format, more, error] of [
      ['xml', {}, "unknown format 'xml'"], ['json', { limit: '-1' }, "limit '-1' is not a non-negative integer"],
      ['influxdb_v1', { epoch: 'h' }, "epoch 'h' is not one of ns, u, µ, ms, s"], ['table', {}, 'cannot output multi-statements result in table format'],
    ] as const) {
      const r = await get(format === 'table' ? 'SELECT 1; SELECT 2' : q, format, more);
      expect(r.status, format).toBe(400);
      expect(JSON.parse(text(r.body)).error).toContain(error);
    }
  });

  it('every answer carries Server-Timing: the wall ms of its stages, the table scan among them, none past the total', async () => {
    await get('CREATE TABLE st (k STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (k))');
    await get("INSERT INTO st VALUES ('a', 1.5, 1), ('b', 2.25, 2)");
    for (const format of ['greptimedb_v1', 'csv', 'json', 'arrow', 'influxdb_v1']) {
      const r = await get('SELECT k, max(v) FROM st GROUP BY k', format);
      const header = r.headers?.['Server-Timing'] ?? '';
      const stages = Object.fromEntries(header.split(', ').map((p) => { const m = /^(\w+);dur=(\d+\.\d{3})$/.exec(p); expect(m, `${format}: ${p}`).not.toBeNull(); return [m![1]!, Number(m![2])]; }));
      expect(Object.keys(stages), format).toEqual(['http', 'parse', 'plan', 'scan', 'to_vectors', 'execute', 'encode', 'total']);
      const parts = Object.entries(stages).filter(([k]) => k !== 'total').reduce((a, [, v]) => a + v, 0);
      // each stage is a reading of its own (rounded to the us): their sum cannot pass the total by more than the rounding
      expect(parts, format).toBeLessThanOrEqual(stages.total! + 0.008);
    }
    // a statement that scans nothing has no scan stage, and an error answer no header
    expect((await get('SELECT 1')).headers?.['Server-Timing']).not.toMatch(/scan/);
    expect((await get('SELECT * FROM nowhere')).headers?.['Server-Timing']).toBeUndefined();
  });
});
