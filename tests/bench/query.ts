// Query benchmark: the TSBS devops query types over the cpu table, EddyDB vs peers.
//
//   npm run bench -- query [--rows 1000000] [--runs 10] [--warmup 2] [--seed 42]
//                          [--queries a,b] [--skip-peers] [--skip-eddy] [--peers victoria,influx]
//                          [--lastpoint last-value|distinct-on] [--no-settle] [--cpu-prof]
//                          [--budget 120] [--keep-data] [--out .bench/query.json]
//
// Every flag can also be given as an environment variable BENCH_<FLAG> (e.g. BENCH_RUNS).
//
// Every system is started and loaded with the same TSBS cpu data as the ingest bench
// (EddyDB: request-reply on eddy.write.<db>, then POST /v1/admin/flush; VictoriaMetrics and
// InfluxDB: line protocol over HTTP /write) and left to settle (VictoriaMetrics force_merge,
// InfluxDB cache snapshot and compaction, EddyDB compact if offered). Then each query type
// runs `warmup` + `runs` times with host sets and windows from a seeded RNG (identical for
// every system), run i on every system before run i + 1, so load from other work on a shared
// machine hits the systems alike (--sequential: one system at a time, started, queried and
// stopped before the next). Latency is wall time from sending the HTTP request to the last
// byte of the answer; the table shows the median of the timed runs, and beside it each server's process CPU time
// (user + system from /proc, 10 ms ticks) per query, the mean over the timed runs: on a shared machine wall time
// mostly measures the share of the cores a server gets, CPU time what the query cost.
//
// Each answer is reduced to (rows, host groups, checksum of field values) and checked
// against the count implied by the data (groupby / lastpoint) and across systems: EddyDB
// and InfluxDB must agree exactly on rows (and on the checksum up to rounding);
// VictoriaMetrics' windows are (t - step, t] rather than [t, t + step), so it may differ by
// a bucket per group and its checksum is not compared.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ANCHOR_TAGS, CPU_TAGS, generateCpu } from './tsbs.ts';
import { cpuMs as processCpuMs, fmtNum, median, table, tempDir, type BenchOptions } from './util.ts';
import { dataRange, makeParams, QUERY_TYPES, type DataRange, type QueryParams, type QueryType } from './query/queries.ts';
import {
  startEddyLoaded,
  startInfluxLoaded,
  startVictoriaLoaded,
  type Answer,
  type LoadOptions,
  type QuerySystem,
} from './query/systems.ts';

const HELP = `npm run bench -- query [flags]   (each flag also as env BENCH_<FLAG>)
  --rows N          rows to load (default 1000000; 1000 hosts x rows/1000 points, 10 s apart)
  --runs N          timed runs per query type (default 10)
  --warmup N        untimed runs before them (default 2)
  --seed N          RNG seed of host sets and time windows (default 42)
  --queries LIST    query types to run (default all: ${QUERY_TYPES.map((q) => q.name).join(',')})
  --skip-peers      only EddyDB          --skip-eddy   only the peers
  --peers LIST      peers to run (default victoria,influx; base: the EddyDB checkout in env BENCH_EDDY_BASE,
                    e.g. main before a change, loaded and queried beside this one)
  --lastpoint F     EddyDB lastpoint SQL: last-value (default; last_value(f ORDER BY ts) per host)
                    or distinct-on (SELECT DISTINCT ON (hostname) * ... ORDER BY hostname, ts DESC)
  --budget S        stop a query type's timed runs after S seconds (default 120; at least 1 run)
  --sequential      one system at a time (start, load, query, stop) instead of loading all
                    three and running each query on them back to back
  --no-settle       query right after the load (no VictoriaMetrics merge / InfluxDB snapshot wait, no wait for
                    every server's CPU to go quiet)
  --cpu-prof        run the EddyDB node with --cpu-prof (profile written to the logs dir on stop)
  --batch N --inflight K --workers N --tags tsbs|anchors   load options as in the ingest bench
  --keep-data       keep temp data dirs   --out FILE    JSON output (default .bench/query.json)
  --timeout S       seconds to wait until the load is queryable (default 300)`;

type SystemKey = QuerySystem['key'];
const SYSTEM_NAMES: Record<SystemKey, string> = { eddy: 'EddyDB', base: 'EddyDB base', victoria: 'VictoriaMetrics', influx: 'InfluxDB' };

interface Attempt {
  ms?: number;
  /** Server process CPU time (user + system) used while the query ran, ms (10 ms ticks). */
  cpuMs?: number;
  serverMs?: number;
  answer?: Answer;
  error?: string;
}

interface SystemQueryResult {
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  timedRuns: number;
  serverMedianMs?: number;
  /** Mean server CPU per timed run, ms (the ticks are 10 ms: a mean over runs, not a median). */
  cpuMeanMs?: number;
  errors: number;
  firstError?: string;
  /** Rows of the first successful timed run. */
  rows?: number;
  groups?: number;
  example?: string;
  attempts: Attempt[];
}

export async function run(opts: BenchOptions): Promise<unknown> {
  if (opts.bool('help')) {
    console.log(HELP);
    return undefined;
  }
  const rows = opts.num('rows', 1_000_000);
  const runs = Math.max(1, opts.num('runs', 10));
  const warmup = Math.max(0, opts.num('warmup', 2));
  const seed = opts.num('seed', 42);
  const budgetS = opts.num('budget', 120);
  const batch = opts.num('batch', 5_000);
  const inflight = opts.num('inflight', 8);
  const workers = opts.num('workers', 2);
  const tagSet = opts.str('tags', 'tsbs');
  const db = opts.str('db', 'public');
  const lastpoint = opts.str('lastpoint', 'last-value');
  if (lastpoint !== 'last-value' && lastpoint !== 'distinct-on') throw new Error(`--lastpoint: last-value or distinct-on, not "${lastpoint}"`);
  const wanted = opts.str('queries', '').split(',').filter(Boolean);
  for (const w of wanted) if (!QUERY_TYPES.some((q) => q.name === w)) throw new Error(`--queries: unknown query type "${w}"`);
  const queries = wanted.length ? QUERY_TYPES.filter((q) => wanted.includes(q.name)) : QUERY_TYPES;
  const peers = opts.bool('skip-peers') ? [] : opts.str('peers', 'victoria,influx').split(',').filter(Boolean);
  for (const p of peers) if (p !== 'victoria' && p !== 'influx' && p !== 'base') throw new Error(`--peers: unknown peer "${p}" (victoria, influx, base)`);
  const systems: SystemKey[] = [...(opts.bool('skip-eddy') ? [] : (['eddy'] as SystemKey[])), ...(peers as SystemKey[])];
  const out = resolve(opts.str('out', '.bench/query.json'));
  const logDir = tempDir('query-logs');
  const cpuProf = opts.bool('cpu-prof');
  const sequential = opts.bool('sequential');
  const profDir = join(logDir, 'cpu-prof');
  const loadOpts: LoadOptions = {
    logDir,
    keepData: opts.bool('keep-data'),
    workers,
    inflight,
    timeoutS: opts.num('timeout', 300),
    settle: !opts.bool('no-settle'),
    lastpoint,
    db,
    eddyNodeArgs: cpuProf ? `--cpu-prof --cpu-prof-dir=${profDir}` : undefined,
  };

  const tg0 = performance.now();
  const data = generateCpu({ rows, batch, tags: tagSet === 'anchors' ? ANCHOR_TAGS : CPU_TAGS });
  const range = dataRange(data);
  console.log(
    `data: ${fmtNum(data.rows)} rows, ${data.hosts} hosts, ${new Date(data.startMs).toISOString()} .. ${new Date(data.endMs).toISOString()}, ` +
      `generated in ${((performance.now() - tg0) / 1000).toFixed(1)} s; ${warmup} warm-up + ${runs} timed runs per query, seed ${seed}`,
  );
  console.log(`logs: ${logDir}`);

  const params = new Map<string, QueryParams[]>(queries.map((q) => [q.name, makeParams(q, range, warmup + runs, seed)]));
  const results: Record<string, Partial<Record<SystemKey, SystemQueryResult>>> = {};
  for (const q of queries) results[q.name] = {};
  const systemInfo: Array<{ key: SystemKey; name: string; version?: string; notes: string[]; error?: string }> = [];

  const started: QuerySystem[] = [];
  const startSystem = async (key: SystemKey): Promise<QuerySystem | undefined> => {
    const name = SYSTEM_NAMES[key];
    process.stdout.write(`\n${name}: starting and loading ... `);
    try {
      const sys = key === 'eddy' || key === 'base' ? await startEddyLoaded(data, loadOpts, key === 'base')
        : await (key === 'victoria' ? startVictoriaLoaded : startInfluxLoaded)(data, loadOpts);
      console.log(`ok\n    ${sys.notes.join('\n    ')}`);
      systemInfo.push({ key, name, version: sys.version, notes: sys.notes });
      started.push(sys);
      return sys;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      console.log(`FAILED: ${msg}`);
      console.warn(`WARNING: ${name} could not be started or loaded; its column stays empty`);
      systemInfo.push({ key, name, notes: [], error: msg });
      return undefined;
    }
  };
  const report = (sys: QuerySystem, q: QueryType, r: SystemQueryResult): void => {
    console.log(
      `  ${sys.name.padEnd(16)} ${q.name.padEnd(22)} ${r.medianMs !== undefined ? `${fmtMs(r.medianMs).padStart(9)} ms median` : '   FAILED'}` +
        `${r.timedRuns && r.timedRuns < runs ? ` (${r.timedRuns} of ${runs} runs: budget ${budgetS} s)` : ''}` +
        `${r.rows !== undefined ? `, ${fmtNum(r.rows)} rows, ${fmtNum(r.groups)} groups` : ''}` +
        `${r.serverMedianMs !== undefined ? `, server ${fmtMs(r.serverMedianMs)} ms` : ''}` +
        `${r.cpuMeanMs !== undefined ? `, CPU ${fmtMs(r.cpuMeanMs)} ms` : ''}`,
    );
    if (r.errors) console.warn(`  WARNING: ${sys.name} ${q.name}: ${r.errors} error(s), first: ${r.firstError}`);
  };

  try {
    if (sequential) {
      // One system at a time: start, load, query, stop.
      for (const key of systems) {
        const sys = await startSystem(key);
        if (!sys) continue;
        if (loadOpts.settle) await quiet(sys);
        try {
          for (const q of queries) {
            const [r] = await runQueryType([sys], q, params.get(q.name)!, warmup, budgetS);
            results[q.name][key] = r;
            report(sys, q, r);
          }
        } finally {
          started.splice(started.indexOf(sys), 1);
          await sys.stop();
        }
      }
    } else {
      // Load every system, then run each query on all of them back to back (run i on every
      // system before run i + 1), so load from other work on the machine hits them alike.
      for (const key of systems) await startSystem(key);
      if (loadOpts.settle) for (const sys of started) await quiet(sys);
      console.log('');
      for (const q of queries) {
        const rs = await runQueryType(started, q, params.get(q.name)!, warmup, budgetS);
        started.forEach((sys, j) => {
          results[q.name][sys.key] = rs[j];
          report(sys, q, rs[j]);
        });
      }
    }
  } finally {
    for (const sys of started) await sys.stop();
  }

  const warnings = validate(queries, params, range, results, systems);
  for (const w of warnings) console.warn(`WARNING: ${w}`);
  printTable(queries, results, systems);

  const profiles = cpuProf ? listProfiles(profDir) : [];
  if (profiles.length) {
    console.log(`\nEddyDB CPU profile(s): ${profiles.join(', ')}`);
    console.log(`summarize: node --import tsx tests/bench/query/profile.ts ${profiles[0]}`);
  } else if (cpuProf) console.warn('WARNING: --cpu-prof: no profile written (does tests/bench/eddy.ts pass BENCH_EDDY_NODE_ARGS?)');

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'query',
        date: new Date().toISOString(),
        options: { rows, runs, warmup, seed, budgetS, sequential, batch, inflight, workers, tags: tagSet, db, lastpoint, settle: loadOpts.settle, eddyBin: process.env.BENCH_EDDY_BIN },
        data: { rows: data.rows, hosts: data.hosts, startMs: data.startMs, endMs: data.endMs, intervalMs: data.intervalMs },
        systems: systemInfo,
        queries: queries.map((q) => {
          const sample = params.get(q.name)![warmup];
          const per: Record<string, unknown> = {};
          for (const key of systems) {
            const r = results[q.name][key];
            if (!r) continue;
            const { attempts, ...rest } = r;
            per[key] = {
              ...rest,
              runsMs: attempts.slice(warmup).map((a) => (a.ms !== undefined ? round(a.ms) : null)),
              runsRows: attempts.slice(warmup).map((a) => a.answer?.rows ?? null),
            };
          }
          const eddy = results[q.name].eddy?.medianMs;
          return {
            name: q.name,
            describe: q.describe,
            params: params.get(q.name)!.slice(warmup),
            results: per,
            ratios: {
              victoria: ratio(eddy, results[q.name].victoria?.medianMs),
              influx: ratio(eddy, results[q.name].influx?.medianMs),
              base: ratio(eddy, results[q.name].base?.medianMs),
            },
            sample: { params: sample },
          };
        }),
        profiles,
        warnings,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nresults written to ${out}`);
  return results;
}

/**
 * Waits (up to 60 s) until the server's process uses under 5% of a core over a second: work the load left behind
 * (an index being built, a merge) would otherwise be counted as the first queries' CPU.
 */
async function quiet(sys: QuerySystem): Promise<void> {
  if (sys.pid === undefined) return;
  const t0 = performance.now();
  for (;;) {
    const c0 = processCpuMs(sys.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const used = processCpuMs(sys.pid) - c0;
    if (used < 50) break;
    if (performance.now() - t0 > 60_000) {
      console.warn(`WARNING: ${sys.name} still busy (${used} ms CPU per second) after 60 s; querying anyway`);
      return;
    }
  }
  console.log(`  ${sys.name} idle after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function runQueryType(
  systems: QuerySystem[],
  q: QueryType,
  params: QueryParams[],
  warmup: number,
  budgetS: number,
): Promise<SystemQueryResult[]> {
  const attempts: Attempt[][] = systems.map(() => []);
  const spentMs = systems.map(() => 0);
  const active = systems.map(() => true);
  for (let i = 0; i < params.length; i++) {
    for (let j = 0; j < systems.length; j++) {
      if (!active[j]) continue;
      // Stop early when a query type is so slow that the budget is spent (keep >= 1 timed run).
      if (i > warmup && spentMs[j] / 1000 > budgetS) {
        active[j] = false;
        continue;
      }
      const t0 = performance.now();
      const pid = systems[j].pid;
      const c0 = pid === undefined ? 0 : processCpuMs(pid);
      try {
        const t = await systems[j].run(q, params[i]);
        const cpuMs = pid === undefined ? undefined : processCpuMs(pid) - c0;
        attempts[j].push({ ms: t.ms, cpuMs, serverMs: t.answer.serverMs, answer: t.answer });
      } catch (e) {
        attempts[j].push({ error: e instanceof Error ? e.message : String(e) });
        // A query the system cannot answer: no need to send it twelve times.
        if (attempts[j].length >= 2 && attempts[j].every((a) => a.error)) active[j] = false;
      }
      if (i >= warmup) spentMs[j] += performance.now() - t0;
    }
  }
  return systems.map((sys, j) => summarizeAttempts(sys, q, params, warmup, attempts[j]));
}

function summarizeAttempts(sys: QuerySystem, q: QueryType, params: QueryParams[], warmup: number, attempts: Attempt[]): SystemQueryResult {
  const timed = attempts.slice(warmup).filter((a) => a.ms !== undefined);
  const ms = timed.map((a) => a.ms!);
  const server = timed.map((a) => a.serverMs).filter((x): x is number => typeof x === 'number');
  const cpu = timed.map((a) => a.cpuMs).filter((x): x is number => typeof x === 'number');
  const errs = attempts.filter((a) => a.error);
  const first = timed[0];
  return {
    medianMs: ms.length ? median(ms) : undefined,
    minMs: ms.length ? Math.min(...ms) : undefined,
    maxMs: ms.length ? Math.max(...ms) : undefined,
    timedRuns: ms.length,
    serverMedianMs: server.length ? median(server) : undefined,
    cpuMeanMs: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : undefined,
    errors: errs.length,
    firstError: errs[0]?.error,
    rows: first?.answer?.rows,
    groups: first?.answer?.groups,
    example: sys.text(q, params[Math.min(warmup, params.length - 1)]),
    attempts,
  };
}

/** Rows a groupby / lastpoint answer must have, from the data alone (undefined: data dependent). */
function expectedRows(q: QueryType, p: QueryParams, range: DataRange): { rows: number; groups: number } | undefined {
  const hostCount = p.hosts.length || range.hosts;
  if (q.kind === 'lastpoint') return { rows: range.hosts, groups: range.hosts };
  if (q.kind === 'high-cpu') return undefined;
  const b = q.bucketMs!;
  let buckets = 0;
  for (let t = p.startMs; t < p.endMs; t += b) {
    const lo = Math.max(t, range.startMs);
    const hi = Math.min(t + b, range.endMs);
    if (hi > lo) buckets++;
  }
  if (q.kind === 'orderby-limit') buckets = Math.min(buckets, 5);
  return q.byHost ? { rows: buckets * hostCount, groups: hostCount } : { rows: buckets, groups: 1 };
}

function validate(
  queries: QueryType[],
  params: Map<string, QueryParams[]>,
  range: DataRange,
  results: Record<string, Partial<Record<SystemKey, SystemQueryResult>>>,
  systems: SystemKey[],
): string[] {
  const warnings: string[] = [];
  for (const q of queries) {
    const ps = params.get(q.name)!;
    const problems = new Map<string, { count: number; first: string }>();
    const note = (what: string, detail: string): void => {
      const p = problems.get(what);
      if (p) p.count++;
      else problems.set(what, { count: 1, first: detail });
    };
    for (let i = 0; i < ps.length; i++) {
      const exp = expectedRows(q, ps[i], range);
      const ans: Partial<Record<SystemKey, Answer>> = {};
      for (const key of systems) {
        const a = results[q.name][key]?.attempts[i]?.answer;
        if (a) ans[key] = a;
      }
      for (const key of systems) {
        const a = ans[key];
        if (!a) continue;
        // VictoriaMetrics' (t - step, t] windows can move one sample across a bucket edge.
        const slack = key === 'victoria' && q.kind !== 'lastpoint' ? exp?.groups ?? 1 : 0;
        if (exp && Math.abs(a.rows - exp.rows) > slack) note(`${SYSTEM_NAMES[key]} rows`, `run ${i}: ${a.rows} rows, expected ${exp.rows}`);
        if (exp && a.groups !== exp.groups && !(q.kind !== 'lastpoint' && !q.byHost)) {
          note(`${SYSTEM_NAMES[key]} groups`, `run ${i}: ${a.groups} host groups, expected ${exp.groups}`);
        }
      }
      // the base checkout is EddyDB too: its answers must be the same
      if (ans.eddy && ans.base && (ans.eddy.rows !== ans.base.rows || Math.abs(ans.eddy.checksum - ans.base.checksum) > 1e-9 * Math.max(1, Math.abs(ans.base.checksum)))) {
        note('EddyDB vs EddyDB base', `run ${i}: ${ans.eddy.rows} rows, sum ${ans.eddy.checksum} vs ${ans.base.rows}, ${ans.base.checksum}`);
      }
      if (ans.eddy && ans.influx) {
        if (ans.eddy.rows !== ans.influx.rows) note('EddyDB vs InfluxDB rows', `run ${i}: ${ans.eddy.rows} vs ${ans.influx.rows}`);
        const d = Math.abs(ans.eddy.checksum - ans.influx.checksum);
        if (d > 1e-6 * Math.max(1, Math.abs(ans.influx.checksum))) {
          note('EddyDB vs InfluxDB checksum', `run ${i}: sum of values ${ans.eddy.checksum} vs ${ans.influx.checksum}`);
        }
      }
      if (ans.eddy && ans.victoria && q.kind === 'high-cpu') {
        const tol = Math.max(2, 0.05 * ans.eddy.rows);
        if (Math.abs(ans.eddy.rows - ans.victoria.rows) > tol) note('EddyDB vs VictoriaMetrics rows', `run ${i}: ${ans.eddy.rows} vs ${ans.victoria.rows}`);
      }
    }
    for (const [what, p] of problems) warnings.push(`${q.name}: ${what} mismatch in ${p.count} of ${ps.length} runs (first: ${p.first})`);
  }
  return warnings;
}

function printTable(
  queries: QueryType[],
  results: Record<string, Partial<Record<SystemKey, SystemQueryResult>>>,
  systems: SystemKey[],
): void {
  const cell = (r: SystemQueryResult | undefined): string =>
    r === undefined ? '-' : r.medianMs === undefined ? 'ERROR' : fmtMs(r.medianMs);
  const cpuCell = (r: SystemQueryResult | undefined): string => (r?.cpuMeanMs === undefined ? '-' : fmtMs(r.cpuMeanMs));
  const withBase = systems.includes('base');
  const rows = queries.map((q) => {
    const r = results[q.name];
    return [
      q.name,
      cell(r.eddy),
      cell(r.victoria),
      cell(r.influx),
      fmtRatio(ratio(r.eddy?.medianMs, r.victoria?.medianMs)),
      fmtRatio(ratio(r.eddy?.medianMs, r.influx?.medianMs)),
      r.eddy?.serverMedianMs !== undefined ? fmtMs(r.eddy.serverMedianMs) : '-',
      cpuCell(r.eddy),
      cpuCell(r.victoria),
      cpuCell(r.influx),
      fmtRatio(ratio(r.eddy?.cpuMeanMs, r.victoria?.cpuMeanMs)),
      fmtRatio(ratio(r.eddy?.cpuMeanMs, r.influx?.cpuMeanMs)),
      ...(withBase ? [cell(r.base), cpuCell(r.base), fmtRatio(ratio(r.eddy?.cpuMeanMs, r.base?.cpuMeanMs))] : []),
    ];
  });
  // Server CPU beside wall time: on a shared machine wall time mostly measures the share of the cores each server
  // gets; CPU time is what the query cost (each server's own process).
  console.log(
    `\nmedian latency, ms (ratio < 1: EddyDB faster), and mean server CPU per query, ms; systems run: ${systems.map((s) => SYSTEM_NAMES[s]).join(', ')}; ` +
      `load ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n` +
      table(['query', 'EddyDB', 'VictoriaMetrics', 'InfluxDB', 'Eddy/VM', 'Eddy/Influx', 'Eddy server', 'CPU Eddy', 'CPU VM', 'CPU Influx', 'CPU Eddy/VM', 'CPU Eddy/Influx', ...(withBase ? ['base', 'CPU base', 'CPU Eddy/base'] : [])], rows),
  );
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}
function fmtRatio(r: number | undefined): string {
  return r === undefined ? '-' : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}x`;
}
function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : fmtNum(ms);
}
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
function listProfiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}
