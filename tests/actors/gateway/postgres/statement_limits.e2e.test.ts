// Statement limits on the PostgreSQL wire, with the `pg` driver and Debian's psql against a real node:
// statement_timeout (its default from --query-timeout) and CancelRequest stop a statement while it executes, with
// SQLSTATE 57014 as PostgreSQL words it; the memory budget fails a statement with 53200; the session goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startNode, tempDir, until } from '../../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
let node: Node;
let dir: ReturnType<typeof tempDir>;
let config: pg.ClientConfig;

/** Many scans of a small table (the memory budget is not what stops it), each an asynchronous step at which a cancelled statement stops. */
const SLOW = Array.from({ length: 1500 }, (_, i) => `SELECT count(*) AS n, ${i} AS i FROM small WHERE v > ${i % 10}`).join(' UNION ALL ');

async function client(): Promise<pg.Client> {
  const c = new pg.Client(config);
  await c.connect();
  return c;
}

/** Resolves once a statement of the slow query is in the node's process list (it is executing). */
async function running(watcher: pg.Client): Promise<void> {
  await until(async () => Number((await watcher.query("SELECT count(*) AS n FROM information_schema.process_list WHERE query LIKE '%UNION ALL%' AND query NOT LIKE '%process_list%'")).rows[0].n) > 0, 'the slow statement to run');
}

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path, overrides: { queryTimeout: '90s', queryMemoryMb: 1 } });
  config = { host: '127.0.0.1', port: node.postgresAddress!.port, user: 'greptime', database: 'public' };
  const c = await client();
  await c.query('CREATE TABLE big (h STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (h))');
  await c.query("INSERT INTO big SELECT concat('h', number % 10), number * 1.0, number FROM numbers LIMIT 3000");
  await c.query('CREATE TABLE small (h STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (h))');
  await c.query("INSERT INTO small SELECT concat('h', number), number * 1.0, number FROM numbers LIMIT 10");
  await c.query('CREATE TABLE wide (h STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (h))');
  await c.query("INSERT INTO wide SELECT concat('host-', number % 1000), number * 1.5, number FROM numbers LIMIT 60000");
  await c.end();
}, 120_000);

afterAll(async () => {
  await node?.stop();
  dir?.cleanup();
});

describe('statement_timeout', () => {
  it('defaults to --query-timeout, is set and reset per session, and refuses a bad value with 22023', async () => {
    const c = await client();
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '90s' }]);
    await c.query("SET statement_timeout = '250ms'");
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '250ms' }]);
    await c.query('SET statement_timeout TO 120000');
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '2min' }]);
    await expect(c.query("SET statement_timeout = 'soon'")).rejects.toMatchObject({ code: '22023', message: 'invalid value for parameter "statement_timeout": "soon"' });
    await c.query('RESET statement_timeout');
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '90s' }]);
    await c.end();
  });

  it('cancels an executing statement with 57014 "canceling statement due to statement timeout"; the session goes on', async () => {
    const c = await client();
    await c.query("SET statement_timeout = '5ms'");
    await expect(c.query(SLOW)).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    // the extended protocol (a parameterised query) meets it the same way
    await expect(c.query(`${SLOW} UNION ALL SELECT count(*), $1::int FROM big`, [1])).rejects.toMatchObject({ code: '57014' });
    await c.query('SET statement_timeout = 0');
    expect((await c.query('SELECT count(*) AS n FROM big')).rows).toEqual([{ n: '3000' }]);
    await c.end();
  });

  it('applies a statement_timeout given at connection start (the pg driver sends it as a startup parameter)', async () => {
    const c = new pg.Client({ ...config, statement_timeout: 5 } as pg.ClientConfig);
    await c.connect();
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '5ms' }]);
    await expect(c.query(SLOW)).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    await c.end();
  });
});

describe('CancelRequest', () => {
  it("the pg driver's cancel stops an executing statement with 57014; the connection stays usable", async () => {
    const [c, watcher] = await Promise.all([client(), client()]);
    const failed = c.query(SLOW).then(() => null, (e: pg.DatabaseError) => e);
    await running(watcher);
    // Client.cancel(client, query) opens a connection and sends CancelRequest with the client's backend key
    const q = (c as unknown as { activeQuery: pg.Query }).activeQuery;
    (new pg.Client(config) as pg.Client & { cancel(client: pg.Client, query: pg.Query): void }).cancel(c, q);
    const e = await failed;
    expect(e && [e.code, e.message]).toEqual(['57014', 'canceling statement due to user request']);
    expect((await c.query('SELECT 2::int4 AS two')).rows).toEqual([{ two: 2 }]);
    await Promise.all([c.end(), watcher.end()]);
  });

  it("psql's Ctrl-C (SIGINT) cancels the running statement", async () => {
    const watcher = await client();
    // the statement is too long for a command-line argument: psql reads it from a file
    const file = join(dir.path, 'slow.sql');
    writeFileSync(file, `${SLOW};\n`);
    const child = spawn('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(node.postgresAddress!.port), '-U', 'greptime', '-d', 'public', '-f', file], { env: { ...process.env, PGCONNECT_TIMEOUT: '10' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await running(watcher);
    child.kill('SIGINT');
    expect(await exited).toBe(3);
    expect(err).toMatch(/ERROR:  canceling statement due to user request/);
    await watcher.end();
  });
});

describe('memory budget', () => {
  it('a statement over --query-memory-mb fails with 53200 while the session and others go on', async () => {
    const [c, other] = await Promise.all([client(), client()]);
    const [heavy, light] = await Promise.all([
      c.query('SELECT h, v, ts FROM wide').then(() => null, (e: pg.DatabaseError) => e),
      other.query('SELECT count(*) AS n FROM big'),
    ]);
    expect(heavy?.code).toBe('53200');
    expect(heavy?.message).toMatch(/^query exceeded its memory budget: it would hold \d+ bytes of scanned data, the limit is 1048576 bytes \(--query-memory-mb\)/);
    expect(light.rows).toEqual([{ n: '3000' }]);
    expect((await c.query('SELECT count(*) AS n FROM big')).rows).toEqual([{ n: '3000' }]);
    await Promise.all([c.end(), other.end()]);
  });
});
