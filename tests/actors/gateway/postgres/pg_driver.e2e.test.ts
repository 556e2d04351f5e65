// The `pg` npm driver against a real node: parameterized queries (extended protocol), text and binary results, many
// rows, errors with SQLSTATE and position, concurrent connections, cancel, prepared statements, session settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startNode, tempDir } from '../../../harness/index.ts';
import type { EddyNode } from '../../../../actors/node.ts';

let node: EddyNode & { url: string };
let dir: { path: string; cleanup: () => void };
let config: pg.ClientConfig;

async function client(database = 'public', binary = false): Promise<pg.Client> {
  // the driver decodes binary cells as bytes only on a client made with `binary`
  const c = new pg.Client({ ...config, database, binary } as pg.ClientConfig);
  await c.connect();
  return c;
}

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path });
  config = { host: '127.0.0.1', port: node.postgresAddress!.port, user: 'greptime', database: 'public' };
  const c = await client();
  await c.query('CREATE TABLE cpu (host STRING, usage DOUBLE, cores INT, up BOOLEAN, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))');
  await c.query("CREATE TABLE big (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))");
  await c.query("INSERT INTO big SELECT concat('h', number % 10), number * 1.5, number FROM numbers LIMIT 100000");
  await c.end();
});

afterAll(async () => {
  await node?.stop();
  dir?.cleanup();
});

describe('pg driver', () => {
  it('runs parameterized inserts and selects with typed values', async () => {
    const c = await client();
    const ins = await c.query('INSERT INTO cpu (host, usage, cores, up, ts) VALUES ($1, $2, $3, $4, $5)', ['a', 12.5, 4, true, new Date('2024-01-01T00:00:00.123Z')]);
    expect(ins.command).toBe('INSERT');
    expect(ins.rowCount).toBe(1);
    await c.query('INSERT INTO cpu (host, usage, cores, up, ts) VALUES ($1, $2, $3, $4, $5)', ["b'quote", null, 8, false, '2024-01-01 00:00:01']);
    const r = await c.query('SELECT host, usage, cores, up, ts FROM cpu WHERE cores >= $1 ORDER BY host LIMIT $2', [4, 10]);
    expect(r.command).toBe('SELECT');
    expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['host', 25], ['usage', 701], ['cores', 23], ['up', 16], ['ts', 1114]]);
    expect(r.rows).toEqual([
      { host: 'a', usage: 12.5, cores: 4, up: true, ts: new Date('2024-01-01T00:00:00.123') },
      { host: "b'quote", usage: null, cores: 8, up: false, ts: new Date('2024-01-01T00:00:01') },
    ]);
    // the same statement prepared once, executed with other values
    const named = { name: 'by_host', text: 'SELECT cores FROM cpu WHERE host = $1' };
    expect((await c.query({ ...named, values: ['a'] })).rows).toEqual([{ cores: 4 }]);
    expect((await c.query({ ...named, values: ["b'quote"] })).rows).toEqual([{ cores: 8 }]);
    await c.end();
  });

  it('asks for binary results and decodes them', async () => {
    // pg-protocol reads every cell as UTF-8 text before the binary parsers see it, so the values here are ones whose
    // binary bytes are all ASCII (the binary encoders are checked byte for byte in tests/core/pgwire)
    const c = await client('public', true);
    await c.query("INSERT INTO cpu (host, usage, cores, up, ts) VALUES ('bin', 12.5, 4, true, '2000-01-01 00:00:00')");
    const r = await c.query({ text: 'SELECT cores, usage, up, host, ts FROM cpu WHERE host = $1', values: ['bin'] });
    expect(r.fields.map((f) => f.format)).toEqual(['binary', 'binary', 'binary', 'binary', 'binary']);
    expect(r.rows[0]).toEqual({ cores: 4, usage: 12.5, up: true, host: 'bin', ts: new Date('2000-01-01T00:00:00') });
    await c.query("DELETE FROM cpu WHERE host = 'bin' AND ts = '2000-01-01 00:00:00'");
    await c.end();
  });

  it('fetches 100k rows', async () => {
    const c = await client();
    const r = await c.query('SELECT host, v, ts FROM big ORDER BY ts');
    expect(r.rowCount).toBe(100000);
    expect(r.rows[99999]).toEqual({ host: 'h9', v: 99999 * 1.5, ts: new Date(99999) });
    let sum = 0;
    for (const row of r.rows) sum += row.v as number;
    expect(sum).toBe(7499925000);
    await c.end();
  });

  it('reports errors with SQLSTATE and position, and the session goes on', async () => {
    const c = await client();
    const err = (sql: string, values?: unknown[]) => c.query(sql, values).then(() => { throw new Error(`no error for ${sql}`); }, (e: pg.DatabaseError) => e);
    const syntax = await err('SELEC 1');
    expect([syntax.code, syntax.position]).toEqual(['42601', '1']);
    const table = await err('SELECT * FROM nope');
    expect([table.code, table.position]).toEqual(['42P01', '15']);
    expect(table.message).toMatch(/Table not found/);
    const column = await err('SELECT nope FROM cpu WHERE host = $1', ['a']);
    expect(column.code).toBe('42703');
    expect((await err('SELECT 1 / 0')).code).toBe('22012');
    expect((await err("SELECT CAST('x' AS INT)")).code).toBe('22P02');
    expect((await err('SELECT $1::int4', ['not a number'])).code).toBe('22P02');
    // an integer literal is Int64 (as in GreptimeDB): int8, which the driver gives as a string
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: '1' }]);
    await c.end();
  });

  it('runs several statements in one simple query, empty queries and transaction commands', async () => {
    const c = await client();
    const multi = (await c.query('SELECT 1::int4 AS a; SELECT 2::int4 AS b')) as unknown as pg.QueryResult[];
    expect(multi.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    const empty = await c.query('  ;  ');
    expect(empty.command).toBeNull();
    expect((await c.query('BEGIN')).command).toBe('BEGIN');
    expect((await c.query('COMMIT')).command).toBe('COMMIT');
    // an error in the middle stops the rest of the query string
    const e = await c.query('SELECT 1; SELECT * FROM nope; CREATE TABLE never (ts TIMESTAMP TIME INDEX)').catch((x: pg.DatabaseError) => x);
    expect((e as pg.DatabaseError).code).toBe('42P01');
    expect((await c.query("SELECT count(*)::int4 AS n FROM information_schema.tables WHERE table_name = 'never'")).rows).toEqual([{ n: 0 }]);
    await c.end();
  });

  it('keeps SQL PREPARE statements for the session: EXECUTE later, not seen by another, DEALLOCATE forgets', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    await a.query("PREPARE above FROM 'SELECT count(*)::int4 AS n FROM big WHERE v > ?'");
    expect((await a.query('EXECUTE above USING 149985')).rows).toEqual([{ n: 9 }]);
    const other = await b.query('EXECUTE above USING 0').catch((x: pg.DatabaseError) => x);
    expect((other as pg.DatabaseError).message).toMatch(/Prepared statement not found: above/);
    expect((await a.query('DEALLOCATE above')).command).toBe('DEALLOCATE');
    const gone = await a.query('EXECUTE above USING 0').catch((x: pg.DatabaseError) => x);
    expect((gone as pg.DatabaseError).message).toMatch(/Prepared statement not found: above/);
    await Promise.all([a.end(), b.end()]);
  });

  it("keeps PostgreSQL's PREPARE name (types) AS statement with $n parameters, and EXECUTE name (args) binds them", async () => {
    const a = await client();
    expect((await a.query('PREPARE top_v (DOUBLE, INT) AS SELECT count(*)::int4 AS n, $2 AS k FROM big WHERE v > $1')).command).toBe('PREPARE');
    expect((await a.query('EXECUTE top_v (149985, 7)')).rows).toEqual([{ n: 9, k: 7 }]);
    // an untyped $n takes its argument as written; the argument is an expression
    await a.query('PREPARE twice AS SELECT $1 * 2 AS d');
    expect((await a.query('EXECUTE twice (20 + 1)')).rows).toEqual([{ d: '42' }]);
    // the declared type is what the argument binds as: text that is no integer fails as the cast does
    const bad = await a.query("EXECUTE top_v ('x', 1)").catch((x: pg.DatabaseError) => x);
    expect((bad as pg.DatabaseError).message).toMatch(/Cannot cast string 'x'/);
    await a.end();
  });

  it('serves concurrent connections, each its own session', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => client()));
    const results = await Promise.all(clients.map((c, i) => c.query('SELECT count(*) AS n, $1::int8 AS i FROM big WHERE v > $2', [i, i * 10000])));
    results.forEach((r, i) => expect(r.rows[0]).toEqual({ n: String(100000 - Math.floor(i * 10000 / 1.5) - 1), i: String(i) }));
    await clients[0]!.query("SET time_zone = '+08:00'");
    const [shifted, plain] = await Promise.all([clients[0]!.query('SHOW TimeZone'), clients[1]!.query('SHOW TimeZone')]);
    expect([shifted.rows[0].TimeZone, plain.rows[0].TimeZone]).toEqual(['+08:00', 'UTC']);
    expect((await clients[0]!.query("SELECT ts FROM cpu WHERE host = 'a'")).rows[0].ts).toEqual(new Date('2024-01-01T08:00:00.123'));
    await Promise.all(clients.map((c) => c.end()));
  });

  it('cancels a running query with 57014 and the connection stays usable', async () => {
    const c = await client();
    const q = c.query(new pg.Query('SELECT number FROM numbers LIMIT 3000000'));
    const failed = new Promise<pg.DatabaseError>((resolve, reject) => {
      q.on('error', (e) => resolve(e as pg.DatabaseError));
      q.on('end', () => reject(new Error('the query ran to its end')));
    });
    // cancel once rows flow: the query is then surely running on the server
    await new Promise<void>((resolve) => q.once('row', () => resolve()));
    // Client.cancel(client, query) opens a connection and sends CancelRequest with the client's backend key
    (new pg.Client(config) as pg.Client & { cancel(client: pg.Client, query: pg.Query): void }).cancel(c, q);
    const e = await failed;
    expect(e.code).toBe('57014');
    expect(e.message).toBe('canceling statement due to user request');
    expect((await c.query('SELECT 2::int4 AS two')).rows).toEqual([{ two: 2 }]);
    await c.end();
  });

  it('keeps USE and search_path for the connection, and answers catalog functions', async () => {
    const c = await client();
    await c.query('CREATE DATABASE other');
    await c.query('USE other');
    expect((await c.query('SELECT current_database() AS d, current_schema() AS s')).rows).toEqual([{ d: 'other', s: 'other' }]);
    await c.query('SET search_path TO public');
    expect((await c.query('SELECT count(*)::int4 AS n FROM cpu')).rows).toEqual([{ n: 2 }]);
    const v = await c.query('SELECT version() AS v');
    expect(v.rows[0].v).toMatch(/^PostgreSQL 16\.3/);
    const t = await c.query("SELECT relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY relname");
    // each table's primary key is an index relation too, as in PostgreSQL
    expect(t.rows.map((r) => r.relname)).toEqual(['big', 'big_pkey', 'cpu', 'cpu_pkey']);
    // SQL's niladic functions without parentheses, as JDBC tools and Grafana write them (current_catalog is
    // current_database(): a GreptimeDB database is the session's schema)
    const who = await c.query('SELECT current_user AS u, session_user AS s, current_role AS r, current_catalog AS c, current_schema AS sc');
    expect(who.rows).toEqual([{ u: 'greptime', s: 'greptime', r: 'greptime', c: 'public', sc: 'public' }]);
    await c.end();
  });

  it("answers Grafana's metadata queries: tables on the search_path, a table's columns", async () => {
    const c = await client();
    // Grafana's table list: search_path split with string_to_array, walked with generate_series, "$user" read as user
    const tables = await c.query(`SELECT quote_ident(table_name) AS "table" FROM information_schema.tables
      WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache')
        AND table_type = 'BASE TABLE' AND quote_ident(table_schema) IN (
          SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM generate_series(array_lower(string_to_array(current_setting('search_path'), ','), 1),
                               array_upper(string_to_array(current_setting('search_path'), ','), 1)) AS i,
               string_to_array(current_setting('search_path'), ',') s)
      ORDER BY 1`);
    expect(tables.rows.map((r) => r.table)).toEqual(['big', 'cpu']);
    const cols = await c.query(`SELECT quote_ident(column_name) AS "column", data_type AS "type" FROM information_schema.columns WHERE quote_ident(table_name) = 'big' ORDER BY 1`);
    expect(cols.rows).toEqual([{ column: 'host', type: 'string' }, { column: 'ts', type: 'timestamp(3)' }, { column: 'v', type: 'double' }]);
    // set-returning and scalar functions in FROM, a column named by the alias
    expect((await c.query('SELECT i FROM generate_series(10, 1, -4) AS i')).rows).toEqual([{ i: '10' }, { i: '6' }, { i: '2' }]);
    expect((await c.query("SELECT x, user AS u FROM unnest(string_to_array('a,,b', ',', '')) AS t(x)")).rows).toEqual([{ x: 'a', u: 'greptime' }, { x: null, u: 'greptime' }, { x: 'b', u: 'greptime' }]);
    await expect(c.query('SELECT * FROM generate_series(1, 2, 0)')).rejects.toMatchObject({ message: /step size cannot equal zero/ });
    await c.end();
  });

  it('takes timestamptz parameters and reads to_timestamp(double) as seconds with their fraction', async () => {
    const c = await client();
    await c.query('CREATE TABLE tsf (v DOUBLE, ts TIMESTAMP TIME INDEX)');
    await c.query('INSERT INTO tsf VALUES (1, 1000), (2, 1500), (3, 2000)');
    // Grafana's time range as to_timestamp(epoch seconds) bounds
    const r = await c.query('SELECT v FROM tsf WHERE ts >= to_timestamp(1.25) AND ts <= to_timestamp(2) ORDER BY ts');
    expect(r.rows).toEqual([{ v: 2 }, { v: 3 }]);
    const p = await c.query({ text: 'SELECT v FROM tsf WHERE ts > $1::timestamptz ORDER BY ts', values: [new Date(1200)] });
    expect(p.rows).toEqual([{ v: 2 }, { v: 3 }]);
    const lit = await c.query("SELECT count(*)::int4 AS n FROM tsf WHERE ts < timestamptz '1970-01-01 00:00:01.600+00'");
    expect(lit.rows).toEqual([{ n: 2 }]);
    await c.end();
  });
});
