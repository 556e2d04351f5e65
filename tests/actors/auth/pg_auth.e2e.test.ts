// The PostgreSQL wire with authentication on, through the `pg` driver: password checked by the same Authenticator
// as HTTP, grants checked on every query (SQLSTATE 28P01 for a wrong password, and "too many failed login attempts"
// once a user is locked out; 42501 for a database not granted).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startNode, tempDir } from '../../harness/index.ts';

describe('PostgreSQL authentication', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  let dir: ReturnType<typeof tempDir>;
  const connect = async (user: string, password: string, database: string) => {
    const c = new pg.Client({ host: '127.0.0.1', port: node.postgresAddress!.port, user, password, database });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    dir = tempDir();
    node = await startNode({ data: dir.path, overrides: { userProvider: 'static_user_provider:cmd:admin=root,alice:rw@metrics=aaa,bob:ro@metrics=bbb' } });
    const c = await connect('admin', 'root', 'public');
    await c.query('CREATE DATABASE metrics');
    await c.end();
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    dir?.cleanup();
  });

  it('a wrong password is refused with 28P01', async () => {
    await expect(connect('alice', 'nope', 'metrics')).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "alice"' });
  });

  it('after 5 failed logins a user is refused for a while, even with the right password (28P01, too many attempts); others are not', async () => {
    for (let i = 0; i < 5; i++) await expect(connect('bob', `guess${i}`, 'metrics')).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "bob"' });
    const locked = await connect('bob', 'bbb', 'metrics').then(() => null, (e: pg.DatabaseError) => e);
    expect(locked && [locked.severity, locked.code]).toEqual(['FATAL', '28P01']);
    expect(locked?.message).toMatch(/^too many failed login attempts for user "bob"; try again in \d+ s$/);
    // another user, and HTTP's own limit (per client address), are not affected
    const c = await connect('admin', 'root', 'public');
    expect((await c.query('SELECT 1::int4 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });

  it('a user works in its database and is refused others with 42501', async () => {
    const c = await connect('alice', 'aaa', 'metrics');
    await c.query('CREATE TABLE t (h STRING, ts TIMESTAMP TIME INDEX, v DOUBLE, PRIMARY KEY (h))');
    await c.query("INSERT INTO t VALUES ('a', 1000, 2.5)");
    expect((await c.query('SELECT v FROM t')).rows).toEqual([{ v: 2.5 }]);
    // the login user is the session's user
    expect((await c.query('SELECT current_user AS u, session_user AS s, user() AS f')).rows).toEqual([{ u: 'alice', s: 'alice', f: 'alice' }]);
    await expect(c.query('SELECT * FROM public.anything')).rejects.toMatchObject({ code: '42501', message: "user 'alice' may not read database 'public'" });
    await c.end();
    await expect(connect('alice', 'aaa', 'public')).rejects.toMatchObject({ code: '42501' });
  });
});
