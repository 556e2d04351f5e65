// Starts and stops the nats-server child process of a standalone node (JetStream on, store under the data dir).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import { StartupError } from '../../core/errors.ts';

export interface EmbeddedNatsOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** Largest message the server accepts; line protocol batches of 5,000 rows are ~1.4 MB. */
  maxPayload?: number;
  log?: (line: string) => void;
  /** An `authorization { ... }` block (actors/auth/nats_users.ts): with it, connections need a user and password. */
  authorization?: string;
}

export interface EmbeddedNats {
  url: string;
  pid: number;
  stop(): Promise<void>;
  process: ChildProcess;
}

const CANDIDATES = ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** Finds the nats-server binary or explains how to get it. */
/**
 * The nats-server's environment: Go's soft memory limit GOMEMLIMIT (NATS_GOMEMLIMIT_DEFAULT unless the environment sets
 * one). Without it the Go heap of a server buffering ingest grew to ~200 MiB before collecting (1M-row buffered bench:
 * peak 198 MiB, with 128MiB 132 MiB at no measurable CPU cost; with 64MiB 109 MiB and ~10% more of its CPU).
 */
export const NATS_GOMEMLIMIT_DEFAULT = '128MiB';
export function natsServerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.GOMEMLIMIT ? env : { ...env, GOMEMLIMIT: NATS_GOMEMLIMIT_DEFAULT };
}

export function findNatsServer(): string {
  // EDDY_NATS_SERVER names the binary explicitly (and lets a test show the missing-binary message).
  const explicit = process.env.EDDY_NATS_SERVER;
  for (const c of explicit ? [explicit] : CANDIDATES) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return c;
    } catch {
      /* try the next */
    }
  }
  throw new StartupError(
    'nats-server is not installed. Install it with `apt-get install -y nats-server` (Debian), ' +
      'or run `bash deploy/setup.sh`, or point EddyDB at an existing server with --nats nats://host:port.',
  );
}

export async function startEmbeddedNats(opts: EmbeddedNatsOptions): Promise<EmbeddedNats> {
  const bin = findNatsServer();
  const host = opts.host ?? '127.0.0.1';
  const storeDir = join(opts.dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const conf = join(opts.dataDir, 'nats-server.conf');
  const pidFile = join(opts.dataDir, 'nats-server.pid');
  await stopStale(pidFile);
  writeFileSync(
    conf,
    [
      `host: "${host}"`,
      `port: ${opts.port}`,
      `max_payload: ${opts.maxPayload ?? 8 * 1024 * 1024}`,
      `max_pending: ${256 * 1024 * 1024}`,
      `pid_file: "${pidFile}"`,
      `jetstream {`,
      `  store_dir: "${storeDir}"`,
      `  max_memory_store: ${1024 * 1024 * 1024}`,
      `}`,
      ...(opts.authorization ? [opts.authorization] : []),
      '',
    ].join('\n'),
    // it may hold passwords
    { mode: 0o600 },
  );
  chmodSync(conf, 0o600);
  const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'], detached: false, env: natsServerEnv(process.env) });
  const lines: string[] = [];
  const onData = (d: Buffer) => {
    for (const l of d.toString().split('\n')) {
      if (!l) continue;
      lines.push(l);
      if (lines.length > 50) lines.shift();
      opts.log?.(l);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = waitForPort(host, opts.port, 20_000);
  const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (first === 'exited') {
    throw new StartupError(`nats-server exited during start-up:\n${lines.join('\n')}`);
  }
  let stopped: Promise<void> | null = null;
  return {
    url: `nats://${host}:${opts.port}`,
    pid: child.pid!,
    process: child,
    stop() {
      if (stopped) return stopped;
      stopped = (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      })();
      return stopped;
    },
  };
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new StartupError(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function natsInstalled(): boolean {
  return CANDIDATES.some((c) => c.startsWith('/') && existsSync(c)) || (() => {
    try {
      findNatsServer();
      return true;
    } catch {
      return false;
    }
  })();
}

/**
 * A node killed with SIGKILL leaves its nats-server running on the same store; stop that one first
 * (it is ours only if its command line is nats-server with our config).
 */
async function stopStale(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmd = '';
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmd.includes('nats-server')) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
}
