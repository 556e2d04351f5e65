// The `eddy` command as a user runs it: start-up failures, clean stop with no orphans, TTL and read-back.
import { spawn } from 'node:child_process';
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
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/unknown flag --bogus/);
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
