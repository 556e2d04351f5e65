// Shared helpers for the benchmark harness: free ports, child processes, HTTP polling,
// process-tree memory and on-disk size, option parsing and table printing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, lstatSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port on 127.0.0.1 that was free a moment ago (never a product's default port). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    // Well-known defaults of the servers we start, just in case the kernel hands one out.
    if (![4222, 6222, 8222, 8428, 8086, 8088, 8089].includes(port)) return port;
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `eddy-bench-${prefix}-`));
}

export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
}

// ---------------------------------------------------------------------------------------
// Minimal HTTP client (keep-alive agent, Buffer bodies) — lower overhead than fetch.

export interface HttpResult {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

const agents = new Map<string, http.Agent>();
function agentFor(host: string): http.Agent {
  let a = agents.get(host);
  if (!a) {
    a = new http.Agent({ keepAlive: true, maxSockets: 64 });
    agents.set(host, a);
  }
  return a;
}

export function httpRequest(
  method: string,
  url: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
  timeoutMs = 120_000,
  /** A connection of its own (no keep-alive pool): for minutes-long admin calls, see eddyFlush. */
  fresh = false,
): Promise<HttpResult> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        agent: fresh ? false : agentFor(u.host),
        headers: body !== undefined ? { 'content-length': Buffer.byteLength(body), ...headers } : headers,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      },
    );
    const t0 = Date.now();
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timeout after ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new Error(`${method} ${url}: ${e.message} after ${Date.now() - t0} ms`, { cause: e })));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export async function httpJson<T = unknown>(method: string, url: string, body?: Buffer | string): Promise<T> {
  const r = await httpRequest(method, url, body);
  if (r.status < 200 || r.status >= 300) {
    throw new Error(`${method} ${url}: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 500)}`);
  }
  return JSON.parse(r.body.toString('utf8')) as T;
}

export function closeHttpAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

/** Poll `url` until it answers 200 (or `accept` statuses), the process dies, or timeout. */
export async function waitForHttp(
  url: string,
  opts: { timeoutMs?: number; proc?: ManagedProcess; accept?: number[] } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const accept = opts.accept ?? [200];
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (opts.proc && opts.proc.exited) {
      throw new Error(`${opts.proc.name} exited (code ${opts.proc.exitCode}) before ${url} was ready; log: ${opts.proc.logFile}\n${opts.proc.tail()}`);
    }
    try {
      const r = await httpRequest('GET', url, undefined, {}, 2_000);
      if (accept.includes(r.status)) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`timeout after ${timeoutMs} ms waiting for ${url} (last: ${last})${opts.proc ? `; log: ${opts.proc.logFile}\n${opts.proc.tail()}` : ''}`);
}

/** Poll `fn` until it returns a non-undefined value or timeout. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timeout after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
}

// ---------------------------------------------------------------------------------------
// Child processes

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: boolean;
  exitCode: number | null;
  tail(lines?: number): string;
  /** SIGTERM the process, wait up to graceMs, then SIGKILL it and every descendant. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; logDir: string },
): ManagedProcess {
  const logFile = join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so the whole tree can be killed
  });
  if (child.pid === undefined) throw new Error(`failed to start ${cmd}`);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const p: ManagedProcess = {
    name,
    child,
    pid: child.pid,
    logFile,
    exited: false,
    exitCode: null,
    tail(lines = 20) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(graceMs = 15_000) {
      if (p.exited) return;
      const descendants = processTree(p.pid).filter((x) => x !== p.pid);
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const graceful = await Promise.race([done.then(() => true), sleep(graceMs).then(() => false)]);
      if (!graceful) {
        console.error(`[bench] ${name} did not exit within ${graceMs} ms of SIGTERM; killing its tree`);
        killTree(p.pid);
        await Promise.race([done, sleep(5_000)]);
      }
      // Orphans (e.g. an embedded nats-server) must not outlive the benchmark.
      for (const d of descendants) {
        if (isAlive(d)) {
          await sleep(2_000);
          if (isAlive(d)) {
            try {
              process.kill(d, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
        }
      }
      log.end();
    },
  };
  child.on('exit', (code, signal) => {
    p.exited = true;
    p.exitCode = code ?? (signal ? 128 : null);
  });
  return p;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Direct children of `pid` (from /proc/<pid>/task/<tid>/children, falling back to a /proc scan). */
export function childPids(pid: number): number[] {
  const out = new Set<number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const s = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (s) for (const c of s.split(/\s+/)) out.add(Number(c));
      } catch {
        /* thread gone or file not supported */
      }
    }
  } catch {
    /* process gone */
  }
  if (out.size === 0 && !existsSync(`/proc/${pid}/task/${pid}/children`)) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.add(Number(d));
      } catch {
        /* gone */
      }
    }
  }
  return [...out];
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const all: number[] = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i]));
  return all;
}

export function killTree(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  const pids = processTree(pid);
  try {
    process.kill(-pid, signal); // the process group (we spawn detached)
  } catch {
    /* no such group */
  }
  for (const p of pids.reverse()) {
    try {
      process.kill(p, signal);
    } catch {
      /* gone */
    }
  }
}

export interface MemStat {
  pid: number;
  name: string;
  hwmBytes: number;
  rssBytes: number;
}

export function memOf(pid: number): MemStat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => {
      const m = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s);
      return m ? Number(m[1]) * 1024 : 0;
    };
    const name = /^Name:\s+(.*)$/m.exec(s)?.[1] ?? '?';
    return { pid, name, hwmBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms, all threads) the process has used: /proc's clock ticks, 10 ms each; 0 once it is gone. */
export function cpuMs(pid: number, tid?: number): number {
  try {
    const f = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** Minor page faults the process has taken (first touches of fresh memory, among others); 0 once it is gone. */
export function minorFaults(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[7]);
  } catch {
    return 0;
  }
}

/** CPU time (ms) of each thread of a process, by thread id. */
export function threadCpuMs(pid: number): Map<number, number> {
  try {
    return new Map(readdirSync(`/proc/${pid}/task`).map((t) => [Number(t), cpuMs(pid, Number(t))]));
  } catch {
    return new Map();
  }
}

/**
 * What a process's threads used between two `threadCpuMs` readings: its main thread, then its busiest other threads
 * (in a node: its parse workers, then V8's GC helpers), as "main 1.2 s, threads 2.0 / 0.3 / 0.1 s".
 */
export function threadSplit(pid: number, before: Map<number, number>, after: Map<number, number>, others = 3): string {
  const used = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const rest = used.filter(([tid]) => tid !== pid).map(([, ms]) => ms).sort((a, b) => b - a);
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return `main ${s(main)} s, busiest other threads ${rest.slice(0, others).map(s).join(' / ')} s (${rest.length} others, ${s(rest.slice(others).reduce((a, b) => a + b, 0))} s in the rest)`;
}

/** CPU time (ms) of a process and its living descendants (a server and, e.g., its embedded nats-server). */
export function treeCpuMs(pid: number): number {
  return processTree(pid).reduce((a, p) => a + cpuMs(p), 0);
}

/** CPU time (ms) of each living process of a tree, by pid, with its name. */
export function treeCpuByProcess(pid: number): Map<number, { name: string; ms: number; faults: number }> {
  return new Map(processTree(pid).map((p) => [p, { name: memOf(p)?.name ?? '?', ms: cpuMs(p), faults: minorFaults(p) }]));
}

/**
 * What each process of a tree used between two `treeCpuByProcess` readings, as "name s (N minor faults), ...": the
 * faults count first touches of fresh memory, which cost a VM here ~2.7 ms per MiB (../shared/anchors.md).
 */
export function cpuSplit(before: Map<number, { ms: number; faults?: number }>, after: Map<number, { name: string; ms: number; faults?: number }>): string {
  return [...after].map(([pid, a]) => {
    const b = before.get(pid);
    const faults = a.faults !== undefined ? ` (${fmtNum(a.faults - (b?.faults ?? 0))} minor faults)` : '';
    return `${a.name} ${((a.ms - (b?.ms ?? 0)) / 1000).toFixed(1)} s${faults}`;
  }).join(', ');
}

/** Memory of a process and its descendants (peak = sum of each process's VmHWM). */
export function treeMemory(pid: number): { peakBytes: number; rssBytes: number; procs: MemStat[] } {
  const procs = processTree(pid)
    .map(memOf)
    .filter((m): m is MemStat => m !== undefined);
  return {
    peakBytes: procs.reduce((a, m) => a + m.hwmBytes, 0),
    rssBytes: procs.reduce((a, m) => a + m.rssBytes, 0),
    procs,
  };
}

/**
 * The tree's peak RSS (sum of VmHWM) at queryable and again after the flush or merge that follows, per process: the
 * peak RSS column is the second, so this says how much of it the ingest itself reached.
 */
export function peakSplitNote(atQueryable: ReturnType<typeof treeMemory>, afterMerge: ReturnType<typeof treeMemory>, merge: string): string {
  const procs = (m: ReturnType<typeof treeMemory>) => m.procs.map((p) => `${p.name} ${fmtMiB(p.hwmBytes)}`).join(', ');
  return `peak RSS until queryable ${fmtMiB(atQueryable.peakBytes)} (${procs(atQueryable)}); after the ${merge} ${fmtMiB(afterMerge.peakBytes)} (${procs(afterMerge)})`;
}

/** Tracks the maximum of the summed RSS of a process tree by sampling (catches short-lived children). */
export class MemSampler {
  maxTreeRss = 0;
  private timer: NodeJS.Timeout;
  constructor(private readonly pid: number, intervalMs = 250) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }
  sample(): void {
    const m = treeMemory(this.pid);
    if (m.rssBytes > this.maxTreeRss) this.maxTreeRss = m.rssBytes;
  }
  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

/** Bytes allocated on disk under `dir` (like `du -sb` but counts allocated blocks via `du -s -B1`). */
export function diskUsage(dir: string, exclude: string[] = []): { allocated: number; apparent: number } {
  let apparent = 0;
  const walk = (d: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (exclude.includes(p)) continue;
      try {
        const st = lstatSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) apparent += st.size;
      } catch {
        /* vanished during walk */
      }
    }
  };
  walk(dir);
  const args = ['-s', '-B1', ...exclude.map((e) => `--exclude=${e}`), dir];
  const r = spawnSync('du', args, { encoding: 'utf8' });
  const allocated = r.status === 0 ? Number(r.stdout.split(/\s+/)[0]) : apparent;
  return { allocated, apparent };
}

/** Does an executable exist on PATH? */
export function which(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Make sure a Debian package's binary exists; install the package with apt-get if missing. */
export function ensureDebianBinary(bin: string, pkg: string): string {
  let path = which(bin);
  if (path) return path;
  console.error(`[bench] ${bin} not found; installing Debian package ${pkg} ...`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]): number => {
    const cmd = [...asRoot, ...args];
    return spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit', env }).status ?? 1;
  };
  if (run(['apt-get', 'install', '-y', pkg]) !== 0) {
    run(['apt-get', 'update']);
    run(['apt-get', 'install', '-y', pkg]);
  }
  path = which(bin);
  if (!path) throw new Error(`could not install ${pkg} (binary ${bin} missing)`);
  return path;
}

// ---------------------------------------------------------------------------------------
// Options

export interface BenchOptions {
  /** Raw flags, e.g. { rows: '1000000', 'skip-peers': true }. */
  flags: Record<string, string | boolean>;
  positional: string[];
  num(name: string, def: number): number;
  bool(name: string): boolean;
  str(name: string, def: string): string;
}

/** Parse `--name value`, `--name=value` and boolean `--name`; env BENCH_NAME (upper, _ for -) as fallback. */
export function parseOptions(argv: string[]): BenchOptions {
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[a.slice(2)] = argv[++i];
      else flags[a.slice(2)] = true;
    } else positional.push(a);
  }
  const envOf = (name: string): string | undefined => process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const raw = (name: string): string | boolean | undefined => flags[name] ?? envOf(name);
  return {
    flags,
    positional,
    num(name, def) {
      const v = raw(name);
      if (v === undefined || v === true) return def;
      const n = Number(String(v).replace(/_/g, ''));
      if (!Number.isFinite(n)) throw new Error(`--${name}: not a number: ${String(v)}`);
      return n;
    },
    bool(name) {
      const v = raw(name);
      return v === true || v === '1' || v === 'true' || v === 'yes';
    },
    str(name, def) {
      const v = raw(name);
      return typeof v === 'string' ? v : def;
    },
  };
}

// ---------------------------------------------------------------------------------------
// Formatting

export function fmtNum(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtMiB(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0) return '-';
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
