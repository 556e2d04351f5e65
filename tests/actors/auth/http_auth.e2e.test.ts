// Authentication on a real node over HTTP: 401 with a challenge, every credential form, 403 by database and mode, 429 after failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNode, tempDir } from '../../harness/index.ts';

const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');

describe('HTTP authentication and permissions', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  let dir: ReturnType<typeof tempDir>;
  const admin = basic('admin', 'admin_pwd');
  const alice = basic('alice', 'aaa');
  const sql = (q: string, db: string, auth?: string, headerName = 'authorization') =>
    fetch(`${node.url}/v1/sql?db=${db}`, { method: 'POST', body: new URLSearchParams({ sql: q }), headers: auth ? { [headerName]: auth } : {} });

  beforeAll(async () => {
    dir = tempDir();
    const file = join(dir.path, 'users');
    writeFileSync(file, '# EddyDB users\nadmin=admin_pwd\nalice:rw@metrics,ro@logs=aaa\nviewer:ro=vvv\n');
    node = await startNode({ data: join(dir.path, 'data'), overrides: { userProvider: `static_user_provider:file:${file}` } });
    for (const db of ['metrics', 'logs', 'secret']) expect((await sql(`CREATE DATABASE ${db}`, 'public', admin)).status).toBe(200);
    expect((await sql('CREATE TABLE t (h STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, PRIMARY KEY (h))', 'logs', admin)).status).toBe(200);
    expect((await sql("INSERT INTO t VALUES ('a', 1000, 1)", 'logs', admin)).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    dir?.cleanup();
  });

  it('/health needs no credentials; everything else answers 401 with a Basic challenge', async () => {
    expect((await fetch(`${node.url}/health`)).status).toBe(200);
    for (const path of ['/v1/sql?sql=select%201', '/metrics', '/dashboard', '/v1/prometheus/api/v1/labels', '/v1/influxdb/ping']) {
      const r = await fetch(node.url + path);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="EddyDB"/);
      expect(((await r.json()) as { code: number }).code).toBe(7003);
    }
    const wrong = await sql('SELECT 1', 'public', basic('admin', 'nope'));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid user name or password');
  });

  it('accepts Basic, x-greptime-auth, InfluxDB Token and u/p, and bearer tokens from /v1/auth/token', async () => {
    expect((await sql('SELECT 1', 'metrics', alice)).status).toBe(200);
    expect((await sql('SELECT 1', 'metrics', alice, 'x-greptime-auth')).status).toBe(200);
    const lp = 'cpu,host=a usage=1 1700000000000000000';
    expect((await fetch(`${node.url}/v1/influxdb/api/v2/write?bucket=metrics`, { method: 'POST', body: lp, headers: { authorization: 'Token alice:aaa' } })).status).toBe(204);
    expect((await fetch(`${node.url}/v1/influxdb/write?db=metrics&u=alice&p=aaa`, { method: 'POST', body: lp })).status).toBe(204);
    const t = await fetch(`${node.url}/v1/auth/token`, { method: 'POST', headers: { authorization: alice } });
    const { token, token_type } = (await t.json()) as { token: string; token_type: string };
    expect(token_type).toBe('Bearer');
    const r = await sql('SELECT count(*) FROM cpu', 'metrics', `Bearer ${token}`);
    expect(r.status).toBe(200);
    expect(JSON.stringify(await r.json())).toContain('[1]');
    expect((await sql('SELECT 1', 'metrics', `Bearer ${token}x`)).status).toBe(401);
    // the authenticated user is the query's user
    expect(JSON.stringify(await (await sql('SELECT current_user(), user()', 'metrics', alice)).json())).toContain('["alice","alice"]');
  });

  it('403 on a database the user may not use, and on writing where it may only read', async () => {
    const denied = await sql('SELECT 1', 'secret', alice);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toBe("user 'alice' may not read database 'secret'");
    // reading logs is allowed, writing it is not (SQL and line protocol alike)
    expect((await sql('SELECT v FROM t', 'logs', alice)).status).toBe(200);
    expect((await sql("INSERT INTO t VALUES ('b', 2000, 2)", 'logs', alice)).status).toBe(403);
    expect((await fetch(`${node.url}/v1/influxdb/write?db=logs`, { method: 'POST', body: 'x v=1', headers: { authorization: alice } })).status).toBe(403);
    // a query naming another database is checked on that database, not on ?db=
    const cross = await sql('SELECT * FROM secret.anything', 'metrics', alice);
    expect(cross.status).toBe(403);
    // SHOW DATABASES lists only what the user may see
    const shown = JSON.stringify(await (await sql('SHOW DATABASES', 'metrics', alice)).json());
    expect(shown).toContain('metrics');
    expect(shown).not.toContain('secret');
    // a read-only user cannot create; admin-only routes refuse a limited user
    expect((await sql('CREATE DATABASE mine', 'public', basic('viewer', 'vvv'))).status).toBe(403);
    expect((await fetch(`${node.url}/v1/pipelines`, { headers: { authorization: alice } })).status).toBe(403);
    // COPY reaches the node's files, which no database grant covers: refused under authentication, even to the admin
    const copy = await sql("COPY t TO '/tmp/eddy-copy-refused.csv' WITH (format = 'csv')", 'logs', admin);
    expect(((await copy.json()) as { error: string }).error).toMatch(/COPY needs access to the node's files/);
  });

  it('rate-limits failed logins: 429 with Retry-After, right password or not', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) last = await sql('SELECT 1', 'public', basic('viewer', `guess${i}`));
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: string }).error).toMatch(/too many failed logins/);
    expect((await sql('SELECT 1', 'public', basic('viewer', 'vvv'))).status).toBe(429);
  });
});
