// Leader election on a real nats-server: the lease in JetStream KV, a standby taking over when the leader's connection dies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, KvKeys, systemClock } from '../../../../core/index.ts';
import { LeaseElector } from '../../../../actors/meta/lease/host.ts';
import { natsClient, startNats, until } from '../../../harness/index.ts';

const T = 1500;
/** Only for checking that something does NOT happen for a while. */
const elapse = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('meta lease on nats-server', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  const conns: NatsConnection[] = [];
  const electors: LeaseElector[] = [];

  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    for (const e of electors) e.abandon();
    for (const c of conns) await c.close().catch(() => undefined);
    await nats?.cleanup();
  });

  async function member(id: string, key: string): Promise<{ nc: NatsConnection; kv: KV; elector: LeaseElector; changes: boolean[] }> {
    const nc = await natsClient(nats.url);
    conns.push(nc);
    const kv = await new Kvm(jetstream(nc)).create(Buckets.nodes, { history: 1 });
    const changes: boolean[] = [];
    const elector = new LeaseElector({ kv, key, nodeId: id, leaseMs: T, clock: systemClock, onChange: (l) => changes.push(l) }).start();
    electors.push(elector);
    return { nc, kv, elector, changes };
  }

  it('one leader; killing its connection hands the lease to the standby within the lease time', async () => {
    const key = `${KvKeys.metaLease}-kill`;
    const a = await member('meta-a', key);
    await a.elector.whenLeader(5000);
    const b = await member('meta-b', key);
    // b stays a follower while a renews: that takes time to pass, so this one waits on a timer.
    await elapse(2 * T);
    expect(b.elector.isLeader).toBe(false);
    expect(a.elector.isLeader).toBe(true);

    const killedAt = Date.now();
    await a.nc.close();
    await b.elector.whenLeader(T + T / 3 + 1500);
    const took = Date.now() - killedAt;
    expect(took).toBeLessThanOrEqual(T + T / 3 + 1500);
    // The old leader noticed it could not renew and stepped down.
    await until(async () => !a.elector.isLeader, 'old leader to step down', T);
    expect(a.changes).toEqual([true, false]);
    const e = await b.kv.get(key);
    expect(JSON.parse(new TextDecoder().decode(e!.value)).holder).toBe('meta-b');
  });

  it('a leader whose clock passed STEP_DOWN since its last renew answers as a follower before its timers run', async () => {
    // A woken process (SIGSTOP, a long pause) sees its clock jump before any late timer fires: the jump is the pause.
    const nc = await natsClient(nats.url);
    conns.push(nc);
    const kv = await new Kvm(jetstream(nc)).create(Buckets.nodes, { history: 1 });
    let skew = 0;
    const elector = new LeaseElector({ kv, key: `${KvKeys.metaLease}-pause`, nodeId: 'meta-p', leaseMs: T, clock: { now: () => Date.now() + skew } }).start();
    electors.push(elector);
    await elector.whenLeader(5000);
    expect(elector.isLeader).toBe(true);
    expect(elector.revision).not.toBeNull();
    skew = T;
    expect(elector.isLeader).toBe(false);
    expect(elector.revision).toBeNull();
  });

  it('a resigning leader releases the key and the standby leads within a poll', async () => {
    const key = `${KvKeys.metaLease}-resign`;
    const a = await member('meta-a', key);
    await a.elector.whenLeader(5000);
    const b = await member('meta-b', key);
    const t0 = Date.now();
    await a.elector.resign();
    await b.elector.whenLeader(T);
    expect(Date.now() - t0).toBeLessThan(T);
  });

  it('two candidates racing for a free key: exactly one wins', async () => {
    const key = `${KvKeys.metaLease}-race`;
    const ms = await Promise.all(['r1', 'r2', 'r3'].map((id) => member(id, key)));
    await until(async () => ms.some((m) => m.elector.isLeader), 'a leader', 5000);
    await elapse(T);
    expect(ms.filter((m) => m.elector.isLeader).length).toBe(1);
  });
});
