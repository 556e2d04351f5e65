// `eddy cluster`: three clustered nats-servers with JetStream and three EddyDB nodes; all answer, JetStream works across servers, SIGTERM leaves nothing running.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets, KvKeys, systemClock } from '../../core/index.ts';
import { listLiveNodes, readRoutes } from '../../actors/meta/index.ts';
import type { ClusterManifest } from '../../actors/tools/cluster.ts';
import { ROOT, tempDir } from '../harness/index.ts';
import { freePortRun } from '../../actors/tools/ports.ts';

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^\S+ \S+ Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, 'x'));

describe('eddy cluster', () => {
  const dir = tempDir('eddy-cluster-');
  let child: ChildProcess | null = null;
  const conns: NatsConnection[] = [];

  afterAll(async () => {
    for (const c of conns) await c.close().catch(() => undefined);
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    dir.cleanup();
  });

  it('forms the cluster, serves HTTP on p..p+2, runs JetStream across servers, and stops cleanly', async () => {
    const p = await freePortRun(3);
    child = spawn(process.execPath, ['actors/bin/eddy.mjs', 'cluster', '--nodes', '3', '--data', dir.path, '--http-port', String(p)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const exited = new Promise<number | string | null>((r) => child!.once('exit', (c, s) => r(c ?? s)));
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        for (const l of d.toString().split('\n').filter(Boolean)) {
          log.push(l);
          if (/cluster: ready/.test(l)) resolve();
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      void exited.then((c) => reject(new Error(`eddy cluster exited (${c}):\n${log.join('\n')}`)));
    });
    const m = JSON.parse(readFileSync(join(dir.path, 'cluster.json'), 'utf8')) as ClusterManifest;
    expect(m.nats.length).toBe(3);
    expect(m.nodes.map((n) => n.http)).toEqual([0, 1, 2].map((i) => `127.0.0.1:${p + i}`));

    // Every node answers.
    for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${p + i}/health`)).status).toBe(200);

    // The servers are routed to each other and share JetStream: a stream made through one, written through another, read through the third.
    for (const s of m.nats) {
      const routez = (await (await fetch(`http://127.0.0.1:${s.monitorPort}/routez`)).json()) as { num_routes: number };
      expect(routez.num_routes).toBe(2);
    }
    const [n0, n1, n2] = await Promise.all(m.nats.map((s) => connect({ servers: s.url, maxReconnectAttempts: 0 })));
    conns.push(n0!, n1!, n2!);
    const jsm0 = await jetstreamManager(n0!);
    await jsm0.streams.add({ name: 'LAUNCHER_R1', subjects: ['launcher.r1'], num_replicas: 1 });
    // A stream made through one server answers publishes through another once its interest has crossed the routes.
    // JetStream's publish retries (with its backoff) while the stream has no responders through this server yet.
    const ack = await jetstream(n2!).publish('launcher.r1', new TextEncoder().encode('hello'), { retries: 30 });
    const msg = await (await jetstreamManager(n1!)).streams.getMessage('LAUNCHER_R1', { seq: ack.seq });
    expect(new TextDecoder().decode(msg!.data)).toBe('hello');

    // The nodes registered, one meta leads, and a table written through node 0 gets its region routed to a datanode.
    const nodesKv = await new Kvm(jetstream(n1!)).open(Buckets.nodes);
    expect((await listLiveNodes(nodesKv, systemClock)).map((n) => n.id)).toEqual(['eddy-0', 'eddy-1', 'eddy-2']);
    const w = await fetch(`http://127.0.0.1:${p}/v1/influxdb/write?db=public`, { method: 'POST', body: 'launch,host=a v=1 1700000000000000000' });
    expect(w.status).toBe(204);
    const routesKv = await new Kvm(jetstream(n2!)).open(Buckets.routes);
    // The first route the meta leader writes, as the KV watch delivers it.
    for await (const e of await routesKv.watch({ key: KvKeys.routeAll })) if (e.operation === 'PUT') break;
    const routes = await readRoutes(routesKv);
    expect(['eddy-0', 'eddy-1', 'eddy-2']).toContain([...routes.values()][0]!.node);
    // Any frontend writes to the region, wherever it lives; any reads it back.
    const w1 = await fetch(`http://127.0.0.1:${p + 1}/v1/influxdb/write?db=public`, { method: 'POST', body: 'launch,host=b v=2 1700000000000000000' });
    expect(w1.status).toBe(204);
    const q = await fetch(`http://127.0.0.1:${p + 2}/v1/sql?db=public&sql=${encodeURIComponent('SELECT host, v FROM launch ORDER BY host')}`);
    expect(((await q.json()) as { output: { records: { rows: unknown[][] } }[] }).output[0]!.records.rows).toEqual([['a', 1], ['b', 2]]);
    for (const c of conns.splice(0)) await c.close();

    // SIGTERM: everything stops, exit 0, no process of the cluster left.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of [...m.nats.map((s) => s.pid), ...m.nodes.map((n) => n.pid)]) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 180_000);
});
