// NATS with authentication on: each EddyDB user is a NATS user limited to its databases' subjects; anonymous is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNode, tempDir } from '../../harness/index.ts';
import { Subjects, userInboxPrefix } from '../../../core/index.ts';
import { followChanges } from '../../../actors/runtime/interest.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ADMIN = 'Basic ' + Buffer.from('admin:root').toString('base64');

describe('NATS users and permissions', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  let dir: ReturnType<typeof tempDir>;
  const open: NatsConnection[] = [];
  /** A user's connection as the README tells users to open it: with its own inbox prefix (`_INBOX_<user>`). */
  const as = async (user?: string, pass?: string, opts: { inboxPrefix?: string } = {}) => {
    const nc = await connect({ servers: node.natsUrl, maxReconnectAttempts: 0, ...(user ? { user, pass, inboxPrefix: userInboxPrefix(user) } : {}), ...opts });
    open.push(nc);
    return nc;
  };
  /** Waits for the server's permission violation of this connection (the async error NATS sends back). */
  const violation = (nc: NatsConnection) => (async () => {
    for await (const s of nc.status()) if (s.type === 'error' && /permissions violation/i.test(String(s.error))) return String(s.error);
    return '';
  })();

  beforeAll(async () => {
    dir = tempDir();
    node = await startNode({ data: dir.path, overrides: { userProvider: 'static_user_provider:cmd:alice:rw@metrics,ro@logs=a"\'\\pw,admin=root,bob:rw@metrics=bpw' } });
    for (const db of ['metrics', 'logs']) {
      const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: `CREATE DATABASE ${db}` }), headers: { authorization: ADMIN } });
      expect(r.status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    for (const nc of open) await nc.close().catch(() => {});
    await node?.stop();
    dir?.cleanup();
  });

  it('without credentials (or with a wrong password) the connection is refused', async () => {
    await expect(connect({ servers: node.natsUrl, maxReconnectAttempts: 0, reconnect: false })).rejects.toThrow(/Authorization/i);
    await expect(connect({ servers: node.natsUrl, maxReconnectAttempts: 0, reconnect: false, user: 'alice', pass: 'wrong' })).rejects.toThrow(/Authorization/i);
  });

  it('a user writes to its database with a request and reads the committed changes (announcing it follows them)', async () => {
    const nc = await as('alice', 'a"\'\\pw');
    const changes = nc.subscribe(Subjects.changes('metrics', 'cpu'), { max: 1 });
    const follow = await followChanges(nc, 'metrics', 'cpu');
    const reply = await nc.request(Subjects.write('metrics'), enc.encode('cpu,host=a usage=1 1700000000000000000'), { timeout: 30_000 });
    expect(JSON.parse(dec.decode(reply.data))).toEqual({ ok: true, rows: 1 });
    for await (const m of changes) expect(m.data.length).toBeGreaterThan(0);
    follow.stop();
  });

  it('is refused another database, and writing where it may only read', async () => {
    const nc = await as('alice', 'a"\'\\pw');
    const v = violation(nc);
    await expect(nc.request(Subjects.write('secret'), enc.encode('x v=1'), { timeout: 2_000 })).rejects.toThrow();
    expect(await v).toMatch(/Publish to "eddy\.write\.secret"/);
    const nc2 = await as('alice', 'a"\'\\pw');
    const v2 = violation(nc2);
    nc2.publish(Subjects.write('logs'), enc.encode('x v=1'));
    expect(await v2).toMatch(/Publish to "eddy\.write\.logs"/);
    const nc3 = await as('alice', 'a"\'\\pw');
    const v3 = violation(nc3);
    nc3.subscribe(Subjects.changes('secret', 'cpu'));
    expect(await v3).toMatch(/Subscription to "eddy\.changes\.secret\.cpu"/);
    // nothing reached the other database
    const r = await fetch(`${node.url}/v1/sql?db=secret`, { method: 'POST', body: new URLSearchParams({ sql: 'SHOW TABLES' }), headers: { authorization: ADMIN } });
    expect(r.status).toBeGreaterThanOrEqual(400);
  });

  it("each user has its own inbox: one user cannot subscribe to another's replies, nor to the shared _INBOX", async () => {
    expect(userInboxPrefix('alice')).toBe('_INBOX_alice');
    const bob = await as('bob', 'bpw');
    // alice tries bob's inbox, and the default prefix every nats.js client uses unless told otherwise
    for (const subject of [`${userInboxPrefix('bob')}.>`, '_INBOX.>']) {
      const nc = await as('alice', 'a"\'\\pw');
      const v = violation(nc);
      nc.subscribe(subject);
      expect(await v).toContain(`Subscription to "${subject}"`);
    }
    // bob's request gets its reply in its own inbox
    const reply = await bob.request(Subjects.write('metrics'), enc.encode('cpu,host=b usage=2 1700000000000000000'), { timeout: 30_000 });
    expect(JSON.parse(dec.decode(reply.data))).toEqual({ ok: true, rows: 1 });
    // a client left on the default prefix cannot receive replies: its request fails on the permission violation
    const plain = await as('bob', 'bpw', { inboxPrefix: '_INBOX' });
    const v = violation(plain);
    await expect(plain.request(Subjects.write('metrics'), enc.encode('cpu,host=c usage=3 1700000000000000000'), { timeout: 5_000 })).rejects.toThrow();
    expect(await v).toMatch(/Subscription to "_INBOX\./);
  });

  it("a user may not touch EddyDB's internal subjects or JetStream's API", async () => {
    const nc = await as('admin', 'root');
    const v = violation(nc);
    nc.subscribe(Subjects.walAll);
    expect(await v).toMatch(/Subscription to "eddy\.wal\.>"/);
    const nc2 = await as('admin', 'root');
    const v2 = violation(nc2);
    nc2.publish('$JS.API.STREAM.LIST');
    expect(await v2).toMatch(/Publish to "\$JS\.API\.STREAM\.LIST"/);
  });
});
