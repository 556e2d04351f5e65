// Differential test: the same random series backfilled into a real Prometheus 2.42 (promtool) and loaded into a
// MemorySeriesSource; generated PromQL queries must give equal answers (instant and range) within float tolerance.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySeriesSource, PromQLParseError, evalInstant, evalRange, parsePromQL, type Labels, type PromValue } from '../../../core/promql/index.ts';
import { almostEqual } from './promtest_lang.ts';
import { diffQueries, genSeries, randomQueries, randomTexts, T0 } from './differential_gen.ts';

const PROM = '/usr/bin/prometheus';
const have = existsSync(PROM) && existsSync('/usr/bin/promtool');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

function parseProm(x: string): number {
  if (x === '+Inf') return Infinity;
  if (x === '-Inf') return -Infinity;
  if (x === 'NaN') return NaN;
  return Number(x);
}

const key = (l: Labels | Record<string, string>): string => JSON.stringify(Array.isArray(l) ? l : Object.entries(l).sort((a, b) => (a[0] < b[0] ? -1 : 1)));

type Flat = Map<string, [number, number][]>;
function flattenOurs(v: PromValue, t: number): Flat | number {
  const m: Flat = new Map();
  if (v.type === 'scalar') return v.v;
  if (v.type === 'vector') for (const s of v.samples) m.set(key(s.labels), [[t, s.v]]);
  if (v.type === 'matrix') for (const s of v.series) m.set(key(s.labels), Array.from(s.t, (tt, i) => [tt, s.v[i]!]));
  return m;
}
function flattenTheirs(data: { resultType: string; result: unknown }, t: number): Flat | number {
  const m: Flat = new Map();
  if (data.resultType === 'scalar') return parseProm((data.result as [number, string])[1]);
  if (data.resultType === 'vector') for (const s of data.result as { metric: Record<string, string>; value: [number, string] }[]) m.set(key(s.metric), [[t, parseProm(s.value[1])]]);
  if (data.resultType === 'matrix') for (const s of data.result as { metric: Record<string, string>; values: [number, string][] }[]) m.set(key(s.metric), s.values.map(([tt, x]) => [Math.round(tt * 1000), parseProm(x)]));
  return m;
}
function diff(a: Flat | number, b: Flat | number): string | undefined {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === typeof b && almostEqual(a as number, b as number) ? undefined : `scalar ${String(a)} vs ${String(b)}`;
  if (a.size !== b.size) return `${a.size} series vs Prometheus's ${b.size}: ours ${[...a.keys()].join(' ')} theirs ${[...b.keys()].join(' ')}`;
  for (const [k, pts] of b) {
    const mine = a.get(k);
    if (!mine) return `missing ${k}`;
    if (mine.length !== pts.length) return `${k}: ${mine.length} points vs ${pts.length}`;
    for (let i = 0; i < pts.length; i++) {
      if (mine[i]![0] !== pts[i]![0] || !almostEqual(mine[i]![1], pts[i]![1])) return `${k} at ${pts[i]![0]}: ${mine[i]![1]} vs ${pts[i]![1]}`;
    }
  }
  return undefined;
}

/** Functions and aggregations Prometheus gained after 2.42 (the Debian build this test runs). */
const AFTER_242 = /\b(start|end|step|range|min_of|max_of|sort_by_label(_desc)?|limitk|limit_ratio|info|first_over_time|ts_of_\w+|mad_over_time|double_exponential_smoothing|histogram_fraction)\s*\(/;

describe.skipIf(!have)('differential against Prometheus 2.42', () => {
  let dir = '';
  let proc: ChildProcess | undefined;
  let base = '';
  const src = new MemorySeriesSource();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'promdiff-'));
    const series = genSeries(Number(process.env.PROMQL_DIFF_SEED ?? 7));
    let om = '';
    for (const s of series) {
      src.add(s.labels, s.t, s.v);
      const name = s.labels.find(([k]) => k === '__name__')![1];
      const lbl = s.labels.filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`).join(',');
      for (let i = 0; i < s.t.length; i++) {
        const x = s.v[i]!;
        const vs = Number.isNaN(x) ? 'NaN' : x === Infinity ? '+Inf' : x === -Infinity ? '-Inf' : String(x);
        om += `${name}{${lbl}} ${vs} ${s.t[i]! / 1000}\n`;
      }
    }
    writeFileSync(join(dir, 'om.txt'), om + '# EOF\n');
    execFileSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'om.txt'), join(dir, 'data')], { stdio: 'ignore' });
    writeFileSync(join(dir, 'prom.yml'), 'global:\n  evaluation_interval: 1m\n');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = spawn(PROM, [`--config.file=${join(dir, 'prom.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=100y', '--query.lookback-delta=5m'], { stdio: ['ignore', 'ignore', 'pipe'] });
    // Ready when Prometheus logs it, not after a sleep.
    await new Promise<void>((resolve, reject) => {
      let log = '';
      proc!.stderr!.on('data', (d: Buffer) => { log += d.toString(); if (log.includes('Server is ready to receive web requests')) resolve(); });
      proc!.on('exit', (c) => reject(new Error(`prometheus exited ${c}: ${log.slice(-2000)}`)));
    });
  }, 60_000);

  afterAll(() => {
    proc?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers generated queries as Prometheus does', async () => {
    const qseed = Number(process.env.PROMQL_DIFF_SEED ?? 5);
    const queries = [...diffQueries(11), ...randomQueries(qseed, Number(process.env.PROMQL_DIFF_QUERIES ?? 250))];
    let total = 0;
    let same = 0;
    let nonEmpty = 0;
    const failures: string[] = [];
    for (const q of queries) {
      const checks: [string, () => Promise<PromValue>, Record<string, string>, number][] = [
        ['instant', () => evalInstant(q, T0 + 1_800_000, src), { query: q, time: String((T0 + 1_800_000) / 1000) }, T0 + 1_800_000],
        ['instant2', () => evalInstant(q, T0 + 3_123_000, src), { query: q, time: String((T0 + 3_123_000) / 1000) }, T0 + 3_123_000],
        ['range', () => evalRange(q, T0 + 600_000, T0 + 3_000_000, 97_000, src), { query: q, start: String((T0 + 600_000) / 1000), end: String((T0 + 3_000_000) / 1000), step: '97' }, 0],
      ];
      for (const [kind, ours, params, t] of checks) {
        const path = kind === 'range' ? '/api/v1/query_range' : '/api/v1/query';
        const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
        const body = await res.json() as { status: string; data: { resultType: string; result: unknown }; error?: string };
        let mine: PromValue | undefined;
        let err: unknown;
        try { mine = await ours(); } catch (e) { err = e; }
        total++;
        if (body.status !== 'success') {
          if (err) same++;
          else failures.push(`${kind} ${q}: Prometheus failed (${body.error}), we answered`);
          continue;
        }
        if (err) { failures.push(`${kind} ${q}: we failed: ${(err as Error).message}`); continue; }
        const theirs = flattenTheirs(body.data, t);
        if (typeof theirs === 'number' || theirs.size > 0) nonEmpty++;
        const d = diff(flattenOurs(mine!, t), theirs);
        if (d === undefined) same++;
        else failures.push(`${kind} ${q}: ${d}`);
      }
    }
    if (failures.length) console.log(failures.slice(0, 40).join('\n'));
    console.log(`differential: ${same}/${total} answers equal to Prometheus's (${nonEmpty} of its answers non-empty)`);
    expect(nonEmpty / total).toBeGreaterThan(0.6);
    expect(same / total).toBeGreaterThanOrEqual(0.9);
  }, 300_000);

  it('accepts and rejects the same query texts as the Prometheus parser', async () => {
    const texts = randomTexts(Number(process.env.PROMQL_DIFF_SEED ?? 3), Number(process.env.PROMQL_DIFF_TEXTS ?? 600));
    let same = 0;
    let newer = 0;
    const failures: string[] = [];
    for (const q of texts) {
      const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: q, time: String((T0 + 1_800_000) / 1000) })}`);
      const body = await res.json() as { status: string; errorType?: string; error?: string };
      const theirs = body.status === 'success' ? 'ok' : body.errorType === 'bad_data' ? 'parse error' : 'eval error';
      let ours = 'ok';
      try { parsePromQL(q); } catch (e) { ours = e instanceof PromQLParseError ? 'parse error' : `crash ${String(e)}`; }
      if (ours === 'ok' && theirs === 'eval error') ours = 'eval error';
      if (ours === theirs || (ours === 'ok' && theirs === 'eval error')) same++;
      // durations and numbers are interchangeable since Prometheus 2.53 (stable in 3.0); the Debian 2.42 refuses them
      else if (ours === 'ok' && /unexpected duration|expected duration/.test(body.error ?? '')) newer++;
      // so are the functions and aggregations added after 2.42
      else if (ours === 'ok' && theirs === 'parse error' && AFTER_242.test(q)) newer++;
      else failures.push(`${JSON.stringify(q)}: ours ${ours}, Prometheus ${theirs} (${body.error ?? ''})`);
    }
    if (failures.length) console.log(failures.slice(0, 40).join('\n'));
    console.log(`parser differential: ${same}/${texts.length} texts judged alike, ${newer} accepted as newer syntax (durations as numbers, newer functions)`);
    expect((same + newer) / texts.length).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
