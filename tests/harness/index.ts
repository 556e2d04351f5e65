// Shared test harness: free ports, temp dirs, a real nats-server, and EddyDB nodes in-process or as child processes.
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../actors/tools/ports.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { startEmbeddedNats, type EmbeddedNats } from '../../actors/runtime/embedded_nats.ts';
import { EddyNode } from '../../actors/node.ts';
import type { Logger } from '../../actors/runtime/logger.ts';
import { DEFAULTS, type NodeConfig } from '../../actors/config.ts';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { connectNats as connect } from '../../actors/runtime/nats_connect.ts';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets, Subjects, regionIdOf, systemClock } from '../../core/index.ts';
import { Catalog } from '../../actors/catalog/catalog.ts';
import { scanRegion } from '../../actors/runtime/scan_client.ts';
import { batchRows, type PlainRow } from '../../actors/tools/rows.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

/** Node processes this test worker started: killed when the worker exits, so a failed test leaves none behind. */
const spawned = new Set<ChildProcess>();
const spawnedData = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const c of spawned) {
    c.kill('SIGKILL');
    // Its embedded nats-server would outlive it: stop that too, by its pid file.
    try {
      process.kill(Number(readFileSync(join(spawnedData.get(c)!, 'nats-server.pid'), 'utf8')), 'SIGKILL');
    } catch {
      /* none running */
    }
  }
});

/** A TCP port nothing listens on right now (never 4222), below the ephemeral range (actors/tools/ports.ts). */
export { freePort };

export function tempDir(prefix = 'eddy-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A real nats-server with JetStream on a free port, its store in a temp dir. */
export async function startNats(): Promise<EmbeddedNats & { cleanup: () => Promise<void> }> {
  const dir = tempDir('eddy-nats-');
  const server = await startEmbeddedNats({ dataDir: dir.path, port: await freePort() });
  return { ...server, cleanup: async () => { await server.stop(); dir.cleanup(); } };
}

/** An EddyDB node in this process, on a free HTTP port, against the given NATS (or its own embedded one). */
export async function startNode(opts: { data: string; nats?: string; overrides?: Partial<NodeConfig>; logger?: Logger }): Promise<EddyNode & { url: string }> {
  const cfg: NodeConfig = {
    ...DEFAULTS,
    data: opts.data,
    http: `127.0.0.1:${await freePort()}`,
    postgres: `127.0.0.1:${await freePort()}`,
    natsPort: await freePort(),
    quiet: true,
    // No parse worker threads in in-process nodes (each would boot its own TypeScript loader); tests of the worker
    // path ask for them, and nodes started as processes (startNodeProcess) have the default.
    parseWorkers: 0,
    ...(opts.nats ? { nats: opts.nats } : {}),
    ...opts.overrides,
  };
  const node = new EddyNode(cfg, undefined, opts.logger);
  await node.start();
  return Object.assign(node, { url: `http://127.0.0.1:${node.httpAddress!.port}` });
}

export interface NodeProcess {
  child: ChildProcess;
  url: string;
  httpPort: number;
  natsPort: number;
  log: string[];
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string | null>;
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/** `eddy start` as a child process; resolves once it logs that it is ready. */
export async function startNodeProcess(opts: { data: string; nats?: string; httpPort?: number; natsPort?: number; postgres?: string; args?: string[] }): Promise<NodeProcess> {
  const httpPort = opts.httpPort ?? (await freePort());
  const natsPort = opts.natsPort ?? (await freePort());
  const args = ['actors/bin/eddy.mjs', 'start', '--data', opts.data, '--http', `127.0.0.1:${httpPort}`, '--nats-port', String(natsPort), '--postgres', opts.postgres ?? `127.0.0.1:${await freePort()}`];
  if (opts.nats) args.push('--nats', opts.nats);
  args.push(...(opts.args ?? []));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.add(child);
  spawnedData.set(child, opts.data);
  child.once('exit', () => spawned.delete(child));
  const log: string[] = [];
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      for (const l of d.toString().split('\n')) {
        if (!l) continue;
        log.push(l);
        if (/eddy: ready$/.test(l)) resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((c) => reject(new Error(`eddy exited (${c}) before ready:\n${log.join('\n')}`)));
  });
  await ready;
  return {
    child, url: `http://127.0.0.1:${httpPort}`, httpPort, natsPort, log, exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Resolves when `pred` holds, checking each time `event` fires on the emitter-like source (or on a poll of the given fn). */
export async function until<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

export async function natsClient(url: string): Promise<NatsConnection> {
  return connect({ servers: url, maxReconnectAttempts: 0 });
}

/** Reads a whole table back the way `eddy read` does: catalog from KV, then a scan of each region over NATS. */
export async function readTable(nc: NatsConnection, db: string, table: string): Promise<PlainRow[]> {
  const kv = await new Kvm(jetstream(nc)).open(Buckets.catalog);
  const schema = await new Catalog(kv, systemClock).requireTable(db, table);
  const rows: PlainRow[] = [];
  for (let n = 0; n < schema.regions; n++) {
    for (const b of await scanRegion(nc, regionIdOf(schema.id, n), {})) rows.push(...batchRows(b));
  }
  return rows;
}

const enc = new TextEncoder();
/** Sends a synchronous write and returns the decoded reply (a request with no reply within `timeoutMs` throws). */
export async function writeLp(nc: NatsConnection, db: string, lp: string, headers?: Record<string, string>, timeoutMs = 30_000): Promise<{ ok: boolean; rows?: number; error?: { code: number; message: string } }> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(headers ?? {})) h.set(k, v);
  const m = await nc.request(Subjects.write(db), enc.encode(lp), { timeout: timeoutMs, headers: h });
  return JSON.parse(new TextDecoder().decode(m.data));
}

/** A real nats-server and a client shared by a test file's tests: started before them, stopped after. */
export function natsPerFile(): { readonly server: Awaited<ReturnType<typeof startNats>>; readonly nc: NatsConnection } {
  let server: Awaited<ReturnType<typeof startNats>> | undefined;
  let nc: NatsConnection | undefined;
  beforeAll(async () => {
    server = await startNats();
    nc = await natsClient(server.url);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.cleanup();
  });
  return { get server() { return server!; }, get nc() { return nc!; } };
}
