// Deploy files: `docker stack config` accepts the Swarm stack (when the docker client is installed), and the Dockerfile matches the tree.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../harness/index.ts';

const hasDocker = spawnSync('docker', ['--version'], { stdio: 'ignore' }).status === 0;

describe('deploy/swarm/stack.yml', () => {
  it.skipIf(!hasDocker)('is accepted by `docker stack config`, with every service the design names', () => {
    const out = execFileSync('docker', ['stack', 'config', '-c', join(ROOT, 'deploy/swarm/stack.yml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const services = out.slice(out.indexOf('services:')).match(/^ {2}([a-z0-9-]+):$/gm)!.map((s) => s.trim().slice(0, -1));
    for (const s of ['nats1', 'nats2', 'nats3', 'meta', 'datanode', 'frontend', 'flownode']) expect(services).toContain(s);
    // Three NATS servers with stable names and their own volumes.
    for (const n of ['nats1', 'nats2', 'nats3']) {
      expect(out).toContain(`SERVER_NAME: ${n}`);
      expect(out).toMatch(new RegExp(`source: ${n}-data\\s+target: /data`));
    }
    expect(out).toMatch(/published: "?4000"?/);
    expect(out).toMatch(/driver: overlay/);
    expect(out.match(/update_config:/g)!.length).toBeGreaterThanOrEqual(7);
    expect(out.match(/healthcheck:/g)!.length).toBeGreaterThanOrEqual(7);
  });

  it('the NATS config clusters three servers with JetStream', () => {
    const conf = readFileSync(join(ROOT, 'deploy/swarm/nats.conf'), 'utf8');
    expect(conf).toMatch(/jetstream\s*\{/);
    for (const n of ['nats1', 'nats2', 'nats3']) expect(conf).toContain(`nats://${n}:6222`);
  });
});

describe('deploy/docker/Dockerfile', () => {
  it('copies folders that exist and starts the eddy entry point', () => {
    const df = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
    for (const m of df.matchAll(/^COPY (?!--from)(\S+) /gm)) {
      for (const f of m[1]!.split(/\s+/)) expect(existsSync(join(ROOT, f)), f).toBe(true);
    }
    expect(df).toContain('actors/bin/eddy.mjs');
    expect(existsSync(join(ROOT, 'actors/bin/eddy.mjs'))).toBe(true);
  });
});
