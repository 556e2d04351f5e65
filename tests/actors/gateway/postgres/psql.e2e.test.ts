// Debian's psql against a node: meta-commands (\dt, \d, \l, \dn), queries, errors with SQLSTATE and caret, SSL
// refused cleanly; and cleartext password authentication through the server's hook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startNode, tempDir, freePort } from '../../../harness/index.ts';
import type { EddyNode } from '../../../../actors/node.ts';
import { PgServer } from '../../../../actors/gateway/postgres/server.ts';
import { silentLogger } from '../../../../actors/runtime/logger.ts';
import { MemoryCatalog } from '../../../sql/memory_context.ts';

let node: EddyNode & { url: string };
let dir: { path: string; cleanup: () => void };

/** Runs psql (no psqlrc, no pager) with the given arguments; resolves with its exit code and output. */
function psql(port: number, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('psql', ['-X', '-P', 'pager=off', '-h', '127.0.0.1', '-p', String(port), '-U', 'greptime', ...args], {
      env: { ...process.env, PGCONNECT_TIMEOUT: '10', PGSSLMODE: 'prefer', ...env },
    });
    let out = '', err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path });
  const r = await psql(node.postgresAddress!.port, ['-d', 'public', '-v', 'ON_ERROR_STOP=1',
    '-c', "CREATE TABLE cpu (host STRING, usage DOUBLE DEFAULT 0, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host))",
    '-c', "INSERT INTO cpu VALUES ('a', 1.5, '2024-01-01 00:00:00'), ('b', 2.25, '2024-01-01 00:00:01')"]);
  expect(r.err).toBe('');
  expect(r.out).toBe('CREATE TABLE\nINSERT 0 2\n');
});

afterAll(async () => {
  await node?.stop();
  dir?.cleanup();
});

describe('psql', () => {
  it('lists tables, databases and schemas, and describes a table', async () => {
    const port = node.postgresAddress!.port;
    const dt = await psql(port, ['-d', 'public', '-c', '\\dt']);
    expect(dt.out).toContain(' public | cpu  | table | greptime');
    expect(dt.out).toContain('(1 row)');
    const d = await psql(port, ['-d', 'public', '-c', '\\d cpu']);
    expect(d.err).toBe('');
    expect(d.out).toMatch(/Table "public\.cpu"/);
    expect(d.out).toMatch(/ host\s+\| text\s+\|/);
    expect(d.out).toMatch(/ usage\s+\| double precision\s+\|\s+\|\s+\| 0/);
    expect(d.out).toMatch(/ ts\s+\| timestamp\(3\) without time zone \|\s+\| not null \|/);
    // the primary key (tags, then the time index) is listed as the table's unique btree index
    expect(d.out).toMatch(/Indexes:\n\s+"cpu_pkey" PRIMARY KEY, btree \(host, ts\)/);
    const di = await psql(port, ['-d', 'public', '-c', '\\di']);
    expect(di.out).toMatch(/ public \| cpu_pkey \| index \| greptime \| cpu/);
    const l = await psql(port, ['-d', 'public', '-c', '\\l']);
    expect(l.out).toMatch(/ public\s+\| greptime \| UTF8/);
    const dn = await psql(port, ['-d', 'public', '-c', '\\dn']);
    expect(dn.out).toMatch(/ public \| greptime/);
    // \df reads pg_proc through pg_get_function_result/arguments: an empty list, not an error
    const df = await psql(port, ['-d', 'public', '-c', '\\df']);
    expect(df.err).toBe('');
    expect(df.out).toMatch(/List of functions[\s\S]*Result data type \| Argument data types[\s\S]*\(0 rows\)/);
  });

  it('runs queries and prints errors with SQLSTATE and the caret under the fault', async () => {
    const port = node.postgresAddress!.port;
    const q = await psql(port, ['-d', 'public', '-A', '-F', ',', '-c', 'SELECT host, usage, ts FROM cpu ORDER BY host']);
    expect(q.out).toBe('host,usage,ts\na,1.5,2024-01-01 00:00:00\nb,2.25,2024-01-01 00:00:01\n(2 rows)\n');
    const e = await psql(port, ['-d', 'public', '-v', 'VERBOSITY=verbose', '-c', 'SELECT nope FROM cpu']);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/^ERROR:  42703: No field named nope/);
    expect(e.err).toContain('LINE 1: SELECT nope FROM cpu\n               ^');
    const t = await psql(port, ['-d', 'public', '-v', 'VERBOSITY=verbose', '-c', 'SELECT 1; SELECT * FROM missing']);
    expect(t.err).toMatch(/^ERROR:  42P01: Table not found: greptime\.public\.missing/);
    const db = await psql(port, ['-d', 'nowhere', '-c', 'SELECT 1']);
    expect(db.code).toBe(2);
    expect(db.err).toMatch(/FATAL:  database "nowhere" does not exist/);
  });

  it('is told there is no SSL: sslmode=require fails, prefer goes on in the clear', async () => {
    const port = node.postgresAddress!.port;
    const req = await psql(port, ['-d', 'public', '-c', 'SELECT 1'], { PGSSLMODE: 'require' });
    expect(req.code).toBe(2);
    expect(req.err).toMatch(/server does not support SSL, but SSL was required/);
    const prefer = await psql(port, ['-d', 'public', '-A', '-t', '-c', 'SHOW server_version'], { PGSSLMODE: 'prefer' });
    expect(prefer.out).toBe('16.3-eddydb\n');
  });
});

describe('password authentication', () => {
  let server: PgServer;
  let port: number;
  beforeAll(async () => {
    const cat = new MemoryCatalog();
    server = new PgServer({
      contextOf: (db) => cat.context(db),
      logger: silentLogger(),
      authenticate: async (user, password) => {
        if (user !== 'greptime' || password !== 's3cret') throw new Error('wrong password');
      },
    });
    port = (await server.listen('127.0.0.1', await freePort())).port;
  });
  afterAll(() => server?.close());

  it('asks for a cleartext password and checks it (28P01 when wrong)', async () => {
    const ok = await psql(port, ['-d', 'public', '-A', '-t', '-c', 'SELECT 40 + 2'], { PGPASSWORD: 's3cret' });
    expect(ok.out).toBe('42\n');
    const bad = await psql(port, ['-d', 'public', '-v', 'VERBOSITY=verbose', '-c', 'SELECT 1'], { PGPASSWORD: 'wrong' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/FATAL:  password authentication failed for user "greptime"/);
    // psql prints no SQLSTATE for a failed connection; the driver shows it
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'greptime', database: 'public', password: 'wrong' });
    const e = (await c.connect().then(() => null, (x: pg.DatabaseError) => x))!;
    expect([e.severity, e.code]).toEqual(['FATAL', '28P01']);
  });
});

describe('TLS', () => {
  let server: PgServer;
  let port: number;
  const certs = tempDir('eddy-pg-tls-');
  beforeAll(async () => {
    // a self-signed certificate made by Debian's openssl for this run
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(certs.path, 'key.pem'), '-out', join(certs.path, 'cert.pem')], { stdio: 'ignore' });
    const cat = new MemoryCatalog();
    server = new PgServer({
      contextOf: (db) => cat.context(db), logger: silentLogger(),
      tls: { cert: readFileSync(join(certs.path, 'cert.pem')), key: readFileSync(join(certs.path, 'key.pem')) },
    });
    port = (await server.listen('127.0.0.1', await freePort())).port;
  });
  afterAll(async () => { await server?.close(); certs.cleanup(); });

  it('accepts an SSLRequest when a certificate is configured, and the session runs inside TLS', async () => {
    const r = await psql(port, ['-d', 'public', '-c', '\\conninfo', '-A', '-t', '-c', 'SELECT 6 * 7'], { PGSSLMODE: 'require' });
    expect(r.err).toBe('');
    expect(r.out).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);
    expect(r.out).toMatch(/^42$/m);
  });
});
