// The `eddy` command as a user runs it: start-up failures, clean stop with no orphans, TTL and read-back.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, natsClient, readTable, ROOT, startNodeProcess, tempDir, writeLp } from '../harness/index.ts';

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['actors/bin/eddy.mjs', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('eddy CLI', () => {
  it('without nats-server, start fails and says how to get it', async () => {
    const dir = tempDir();
    const r = await run(['start', '--data', dir.path, '--http', `127.0.0.1:${await freePort()}`, '--nats-port', String(await freePort())], { EDDY_NATS_SERVER: '/nonexistent/nats-server' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/nats-server is not installed.*apt-get install -y nats-server/s);
    dir.cleanup();
  });

  it('rejects an unknown flag', async () => {
    const r = await run(['start', '--bogus', '1']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/unknown flag --bogus/);
  });

  it('a missing or bad flag value is an error naming the flag as typed, exit code 2, before anything starts', async () => {
    const dir = tempDir();
    // `--data` with its value missing used to start on the default ports with a NATS store in the current directory.
    const missing = await run(['start', '--data'], { EDDY_NATS_PORT: String(await freePort()) });
    expect(missing.code).toBe(2);
    expect(missing.out).toMatch(/^eddy: --data needs a value \(DIR\)$/m);
    const port = await run(['start', '--data', dir.path, '--nats-port', 'abc']);
    expect(port.code).toBe(2);
    expect(port.out).toMatch(/--nats-port: 'abc' is not a port number/);
    expect(port.out).not.toMatch(/natsPort/);
    const http = await run(['start', '--data', dir.path, '--http', 'nonsense']);
    expect(http.code).toBe(2);
    expect(http.out).toMatch(/--http: 'nonsense' is not HOST:PORT/);
    expect(http.out).not.toMatch(/ERR_|node:internal|at /);
    expect(existsSync(join(dir.path, 'nats'))).toBe(false);
    dir.cleanup();
  });

  it('every command has --help listing its flags with defaults and EDDY_* names', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['start', 'cluster', 'read', 'tail']) expect(top.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    const start = await run(['start', '--help']);
    expect(start.code).toBe(0);
    for (const f of ['--data DIR', '--flush-bytes', '--storage', '--replicas', '--cache-mb', '--log-format', 'EDDY_MAX_WRITE_BYTES']) expect(start.out).toContain(f);
    const cluster = await run(['cluster', '--help']);
    expect(cluster.code).toBe(0);
    expect(cluster.out).toMatch(/--nodes N .*default: 3/);
    const read = await run(['read', '-h']);
    expect(read.code).toBe(0);
    expect(read.out).toMatch(/--table NAME .*required/);
    expect((await run(['read', '--limit', 'x'])).code).toBe(2);
  });

  it('SIGTERM stops the node and its embedded nats-server (no orphan)', async () => {
    const dir = tempDir();
    const node = await startNodeProcess({ data: dir.path });
    const pid = Number(readFileSync(join(dir.path, 'nats-server.pid'), 'utf8'));
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    expect(await node.stop('SIGTERM')).toBe(0);
    // The nats-server was stopped and reaped by the node before it exited.
    const state = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
    expect(state === '' || /State:\s+Z/.test(state)).toBe(true);
    dir.cleanup();
  });

  it('when the process that launched it dies without passing a signal on (npx), the node stops cleanly', async () => {
    const dir = tempDir();
    const httpPort = await freePort();
    const args = ['actors/bin/eddy.mjs', 'start', '--data', dir.path, '--http', `127.0.0.1:${httpPort}`, '--nats-port', String(await freePort()), '--postgres', 'off'];
    // Like npx: it spawns the node on its own stdio, prints nothing of its own but the pid, forwards no signal.
    const script = `const c = require('child_process').spawn(process.execPath, ${JSON.stringify(args)}, { stdio: 'inherit' }); console.log('node pid ' + c.pid);`;
    const launcher = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const seen = (re: RegExp) => new Promise<void>((resolve) => {
      const check = () => { if (re.test(out)) { launcher.stdout.off('data', check); launcher.stderr.off('data', check); resolve(); } };
      launcher.stdout.on('data', (d) => (out += d));
      launcher.stderr.on('data', (d) => (out += d));
      launcher.stdout.on('data', check);
      launcher.stderr.on('data', check);
      check();
    });
    // The pipes are shared with the node: they close only when the node, their last writer, has exited.
    const nodeGone = Promise.all([new Promise((r) => launcher.stdout.once('close', r)), new Promise((r) => launcher.stderr.once('close', r))]);
    await seen(/eddy: ready$/m);
    const nodePid = Number(/node pid (\d+)/.exec(out)![1]);
    const natsPid = Number(readFileSync(join(dir.path, 'nats-server.pid'), 'utf8'));
    launcher.kill('SIGKILL');
    await nodeGone;
    expect(out).toMatch(/parent process exited: stopping/);
    expect(out).toMatch(/eddy: stopped$/m);
    for (const pid of [nodePid, natsPid]) {
      const state = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
      expect(state === '' || /State:\s+Z/.test(state), `pid ${pid} still running`).toBe(true);
    }
    // Its HTTP port is closed.
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(httpPort, '127.0.0.1', () => { s.destroy(); resolve(false); });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    dir.cleanup();
  });

  it('SIGTERM to the whole process group, or to node and nats-server in either order, stops in bounded time', async () => {
    for (const order of ['group', 'nats first', 'node first'] as const) {
      const dir = tempDir();
      const args = ['actors/bin/eddy.mjs', 'start', '--data', dir.path, '--http', `127.0.0.1:${await freePort()}`, '--nats-port', String(await freePort()), '--postgres', 'off'];
      // Its own process group, as a terminal's foreground job is.
      const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig)));
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => { out += d; if (/eddy: ready$/m.test(out)) resolve(); };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then(() => reject(new Error(`exited before ready:\n${out}`)));
      });
      // Write something first, so the stop has a memtable to deal with while the server goes away under it.
      const w = await fetch(`http://${/http listening on (\S+)/.exec(out)![1]}/v1/influxdb/write`, { method: 'POST', body: 'pg,host=a v=1 1000' });
      expect(w.status).toBe(204);
      const natsPid = Number(readFileSync(join(dir.path, 'nats-server.pid'), 'utf8'));
      const t0 = Date.now();
      if (order === 'group') process.kill(-child.pid!, 'SIGTERM');
      else if (order === 'nats first') { process.kill(natsPid, 'SIGTERM'); process.kill(child.pid!, 'SIGTERM'); }
      else { process.kill(child.pid!, 'SIGTERM'); process.kill(natsPid, 'SIGTERM'); }
      const code = await exited;
      // 0 when the node saw the signal first; 1 when it saw its nats-server die first. Never a hang.
      expect([0, 1], `${order}: ${code}\n${out}`).toContain(code);
      if (order === 'group') expect(code).toBe(0);
      expect(Date.now() - t0, order).toBeLessThan(30_000);
      expect(out).toMatch(/eddy: stopped$/m);
      if (order === 'group') {
        // Nothing acknowledged is lost when the stop could not flush: the WAL replays on the next start.
        const again = await startNodeProcess({ data: dir.path });
        const nc = await natsClient(`nats://127.0.0.1:${again.natsPort}`);
        expect((await readTable(nc, 'public', 'pg')).map((r) => r.v)).toEqual([1]);
        await nc.close();
        expect(await again.stop()).toBe(0);
      }
      dir.cleanup();
    }
  });

  it('when its embedded nats-server dies, the node stops and exits non-zero (no hang)', async () => {
    const dir = tempDir();
    const node = await startNodeProcess({ data: dir.path });
    process.kill(Number(readFileSync(join(dir.path, 'nats-server.pid'), 'utf8')), 'SIGKILL');
    expect(await node.exited).toBe(1);
    expect(node.log.join('\n')).toMatch(/nats-server exited/);
    dir.cleanup();
  });

  it('TTL: rows older than the table TTL are not returned; `eddy read` prints the rest', async () => {
    const dir = tempDir();
    const node = await startNodeProcess({ data: dir.path });
    const sql = (q: string) => fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) }).then((r) => r.json());
    await sql(`CREATE TABLE ttlt (host STRING, v DOUBLE, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (host)) WITH (ttl = '1h')`);
    const nc = await natsClient(`nats://127.0.0.1:${node.natsPort}`);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const oldNs = nowNs - 2n * 3_600_000_000_000n;
    const r = await writeLp(nc, 'public', `ttlt,host=old v=1 ${oldNs}\nttlt,host=new v=2 ${nowNs}`);
    expect(r.ok).toBe(true);
    const rows = await readTable(nc, 'public', 'ttlt');
    expect(rows.map((x) => x.host)).toEqual(['new']);
    const read = await run(['read', '--table', 'ttlt', '--nats', `nats://127.0.0.1:${node.natsPort}`]);
    expect(read.code).toBe(0);
    expect(read.out.trim().split('\n').map((l) => JSON.parse(l).host)).toEqual(['new']);
    await nc.close();
    await node.stop();
    dir.cleanup();
  });
});
