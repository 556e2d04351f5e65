// The three systems of the query benchmark: how each is started and loaded with the TSBS cpu
// data, how each query type is phrased in its language (EddyDB SQL, MetricsQL, InfluxQL),
// and how an answer is reduced to comparable figures (rows, host groups, checksum).
import { connect } from '@nats-io/transport-node';
import { join } from 'node:path';
import { baseDir } from '../prom/systems.ts';
import type { CpuData } from '../tsbs.ts';
import { CPU_FIELDS } from '../tsbs.ts';
import { eddyCompact, eddyFlush, eddyRowCount, startEddy, type EddyServer } from '../eddy.ts';
import { startVictoria, victoriaForceMerge, victoriaQueryable, type VictoriaServer } from '../peers/victoria.ts';
import { postBatches } from '../peers/common.ts';
import { httpJson, httpRequest, sleep, waitFor, fmtNum } from '../util.ts';
import { INFLUX_DB, startInflux, type InfluxServer } from '../peers/influx.ts';
import type { QueryParams, QueryType } from './queries.ts';

/** An answer reduced to what can be compared across systems. */
export interface Answer {
  /** (time bucket or row, host) tuples with at least one non-null value. */
  rows: number;
  /** Distinct hostnames in the answer (1 when the answer is not per host). */
  groups: number;
  /** Sum of every field value in the answer (EddyDB and InfluxDB should agree). */
  checksum: number;
  /** Server-reported execution time, when the system reports one. */
  serverMs?: number;
}

export interface Timed {
  ms: number;
  answer: Answer;
}

export interface QuerySystem {
  key: 'eddy' | 'base' | 'victoria' | 'influx';
  name: string;
  version?: string;
  notes: string[];
  /** The server's process id (CPU time per query is read from /proc). */
  pid?: number;
  /** The request text sent for `q` with `p` (for the JSON report and warnings). */
  text(q: QueryType, p: QueryParams): string;
  run(q: QueryType, p: QueryParams): Promise<Timed>;
  stop(): Promise<void>;
}

export interface LoadOptions {
  logDir: string;
  keepData: boolean;
  workers: number;
  inflight: number;
  timeoutS: number;
  /** Wait for VictoriaMetrics' merge / InfluxDB's snapshot, EddyDB compact if offered. */
  settle: boolean;
  /** EddyDB: lastpoint as last_value(... ORDER BY ts) per host, or DISTINCT ON. */
  lastpoint: 'last-value' | 'distinct-on';
  /** EddyDB: extra Node flags for the server process (e.g. --cpu-prof). */
  eddyNodeArgs?: string;
  db: string;
}

const QUERY_TIMEOUT_MS = 600_000;
const FIELD_SET = new Set<string>(CPU_FIELDS);

async function timedGet(url: string): Promise<{ ms: number; body: string }> {
  const t0 = performance.now();
  const r = await httpRequest('GET', url, undefined, {}, QUERY_TIMEOUT_MS);
  const ms = performance.now() - t0;
  const body = r.body.toString('utf8');
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${body.slice(0, 400)}`);
  return { ms, body };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const sqlStr = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function bucketSql(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hour`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute`;
  return `${ms / 1000} second`;
}
function bucketShort(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
const bucketAlias = (ms: number): string => (ms >= 3_600_000 ? 'hour' : 'minute');

// ---------------------------------------------------------------------------------------
// EddyDB: SQL over GET /v1/sql

export function eddySql(q: QueryType, p: QueryParams, lastpoint: LoadOptions['lastpoint'] = 'last-value'): string {
  const hostIn = p.hosts.length ? `hostname IN (${p.hosts.map(sqlStr).join(', ')}) AND ` : '';
  const time = `ts >= ${sqlStr(iso(p.startMs))} AND ts < ${sqlStr(iso(p.endMs))}`;
  switch (q.kind) {
    case 'groupby':
    case 'orderby-limit': {
      const b = bucketAlias(q.bucketMs!);
      const keys = q.byHost ? `${b}, hostname` : b;
      const aggs = q.fields.map((f) => `${q.agg}(${f}) AS ${f}`).join(', ');
      const order = q.kind === 'orderby-limit' ? `${b} DESC LIMIT 5` : keys;
      return (
        `SELECT date_bin(INTERVAL '${bucketSql(q.bucketMs!)}', ts) AS ${b}${q.byHost ? ', hostname' : ''}, ${aggs} ` +
        `FROM cpu WHERE ${hostIn}${time} GROUP BY ${keys} ORDER BY ${order}`
      );
    }
    case 'high-cpu':
      return `SELECT * FROM cpu WHERE ${q.fields[0]} > 90 AND ${hostIn}${time}`;
    case 'lastpoint':
      if (lastpoint === 'distinct-on') return 'SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, ts DESC';
      return `SELECT hostname, max(ts) AS ts, ${CPU_FIELDS.map((f) => `last_value(${f} ORDER BY ts) AS ${f}`).join(', ')} FROM cpu GROUP BY hostname`;
  }
}

interface EddyJson {
  output?: Array<{ records?: { schema: { column_schemas: Array<{ name: string }> }; rows: unknown[][] } }>;
  execution_time_ms?: number;
  error?: string;
}

/** Rows with at least one non-null field value, their distinct hostnames and the sum of their field values. */
function summarizeRows(columns: string[], rows: unknown[][]): Omit<Answer, 'serverMs'> {
  const fieldIdx = columns.map((c, i) => (FIELD_SET.has(c) ? i : -1)).filter((i) => i >= 0);
  const hostIdx = columns.indexOf('hostname');
  const hosts = new Set<unknown>();
  let n = 0;
  let checksum = 0;
  for (const r of rows) {
    let any = false;
    for (const i of fieldIdx) {
      const v = r[i];
      if (typeof v === 'number') {
        checksum += v;
        any = true;
      }
    }
    if (!any && fieldIdx.length) continue;
    if (hostIdx >= 0) hosts.add(r[hostIdx]);
    n++;
  }
  return { rows: n, groups: hostIdx >= 0 ? hosts.size : 1, checksum };
}

/** Starts and loads EddyDB; `base`: the other checkout in BENCH_EDDY_BASE (the same build before a change, run beside it). */
export async function startEddyLoaded(data: CpuData, o: LoadOptions, base = false): Promise<QuerySystem> {
  const notes: string[] = [];
  // Node flags for the server only (--cpu-prof is refused in NODE_OPTIONS): eddy.ts passes
  // BENCH_EDDY_NODE_ARGS to the node it starts.
  const saved = process.env.BENCH_EDDY_NODE_ARGS;
  if (o.eddyNodeArgs) process.env.BENCH_EDDY_NODE_ARGS = `${saved ?? ''} ${o.eddyNodeArgs}`.trim();
  let server: EddyServer;
  try {
    server = await startEddy({ logDir: o.logDir, name: base ? 'eddy-query-base' : 'eddy-query', keepData: o.keepData, ...(base ? { bin: join(baseDir(), 'actors/bin/eddy.mjs') } : {}) });
  } finally {
    if (saved === undefined) delete process.env.BENCH_EDDY_NODE_ARGS;
    else process.env.BENCH_EDDY_NODE_ARGS = saved;
  }
  try {
    const nc = await connect({ servers: server.natsUrl, name: 'eddy-bench-query', noEcho: true });
    const subject = `eddy.write.${o.db}`;
    const t0 = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= data.batches.length) return;
        const m = await nc.request(subject, data.batches[i], { timeout: 60_000 });
        const reply = JSON.parse(m.string()) as { ok?: boolean; rows?: number; error?: { message?: string } };
        if (!reply.ok) throw new Error(`batch ${i}: ${reply.error?.message ?? m.string().slice(0, 200)}`);
      }
    };
    try {
      await Promise.all(Array.from({ length: o.inflight }, lane));
    } finally {
      await nc.close().catch(() => undefined);
    }
    let seen = 0;
    await waitFor(
      `EddyDB to apply all ${data.rows} rows`,
      async () => {
        seen = await eddyRowCount(server.httpUrl, o.db, data.measurement);
        return seen >= data.rows ? seen : undefined;
      },
      o.timeoutS * 1000,
      100,
    );
    const loadS = (performance.now() - t0) / 1000;
    const tf = performance.now();
    await eddyFlush(server.httpUrl, o.db, data.measurement);
    notes.push(`loaded ${fmtNum(seen)} rows in ${loadS.toFixed(1)} s (sync request-reply, ${o.inflight} in flight); flush ${((performance.now() - tf) / 1000).toFixed(1)} s`);
    if (o.settle) {
      const tc = performance.now();
      const compacted = await eddyCompact(server.httpUrl, o.db, data.measurement);
      if (compacted) notes.push(`compacted in ${((performance.now() - tc) / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  const sqlUrl = `${server.httpUrl}/v1/sql?db=${encodeURIComponent(o.db)}&sql=`;
  return {
    key: base ? 'base' : 'eddy',
    name: base ? 'EddyDB base' : 'EddyDB',
    pid: server.proc.pid,
    notes,
    text: (q, p) => eddySql(q, p, o.lastpoint),
    async run(q, p) {
      const { ms, body } = await timedGet(sqlUrl + encodeURIComponent(eddySql(q, p, o.lastpoint)));
      const j = JSON.parse(body) as EddyJson;
      if (j.error) throw new Error(j.error);
      const rec = j.output?.[0]?.records;
      if (!rec) throw new Error(`no records in answer: ${body.slice(0, 300)}`);
      const cols = rec.schema.column_schemas.map((c) => c.name);
      return { ms, answer: { ...summarizeRows(cols, rec.rows), serverMs: j.execution_time_ms } };
    },
    stop: () => server.stop(),
  };
}

// ---------------------------------------------------------------------------------------
// VictoriaMetrics: MetricsQL on /api/v1/query_range and /api/v1/query (TSBS's phrasing)

function vmSelector(fields: readonly string[], hosts: string[]): string {
  const hostM = hosts.length === 0 ? '' : hosts.length === 1 ? `hostname="${hosts[0]}"` : `hostname=~"${hosts.join('|')}"`;
  if (fields.length === 1) return `cpu_${fields[0]}${hostM ? `{${hostM}}` : ''}`;
  const name = fields.length === CPU_FIELDS.length ? 'cpu_usage_.+' : `cpu_(${fields.join('|')})`;
  return `{__name__=~"${name}"${hostM ? `,${hostM}` : ''}}`;
}

export function vmRequest(q: QueryType, p: QueryParams, intervalMs: number): { path: string; params: Record<string, string> } {
  switch (q.kind) {
    case 'groupby':
    case 'orderby-limit': {
      const b = bucketShort(q.bucketMs!);
      const by = q.byHost ? '__name__, hostname' : '__name__';
      // A point at t aggregates (t - bucket, t]: the points bucket_start + bucket.
      return {
        path: '/api/v1/query_range',
        params: {
          query: `${q.agg}(${q.agg}_over_time(${vmSelector(q.fields, p.hosts)}[${b}])) by (${by})`,
          start: String((p.startMs + q.bucketMs!) / 1000),
          end: String(p.endMs / 1000),
          step: String(q.bucketMs! / 1000),
          nocache: '1',
        },
      };
    }
    case 'high-cpu': {
      const h = p.hosts.length ? `hostname="${p.hosts[0]}"` : '';
      return {
        path: '/api/v1/query_range',
        params: {
          query: `{__name__=~"cpu_usage_.+"${h ? `,${h}` : ''}} and on(hostname) (cpu_${q.fields[0]}${h ? `{${h}}` : ''} > 90)`,
          start: String(p.startMs / 1000),
          end: String((p.endMs - intervalMs) / 1000),
          step: String(intervalMs / 1000),
          nocache: '1',
        },
      };
    }
    case 'lastpoint':
      // An instant query at the end of the data: the newest sample of every series within
      // VictoriaMetrics' default lookback (as a dashboard's "current value" asks it).
      return { path: '/api/v1/query', params: { query: '{__name__=~"cpu_usage_.+"}', time: String(p.endMs / 1000), nocache: '1' } };
  }
}

interface VmJson {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; values?: Array<[number, string]>; value?: [number, string] }> };
}

function summarizeVm(j: VmJson): Answer {
  if (j.status !== 'success' || !j.data) throw new Error(j.error ?? `status ${j.status}`);
  const tuples = new Set<string>();
  const hosts = new Set<string>();
  let anyHost = false;
  let checksum = 0;
  for (const s of j.data.result) {
    const h = s.metric.hostname ?? '';
    if (s.metric.hostname !== undefined) {
      anyHost = true;
      hosts.add(h);
    }
    const vals = s.values ?? (s.value ? [s.value] : []);
    for (const [t, v] of vals) {
      const x = Number(v);
      if (!Number.isFinite(x)) continue;
      checksum += x;
      tuples.add(`${t}|${h}`);
    }
  }
  return { rows: tuples.size, groups: anyHost ? hosts.size : 1, checksum };
}

export async function startVictoriaLoaded(data: CpuData, o: LoadOptions): Promise<QuerySystem> {
  const server: VictoriaServer = await startVictoria(o.logDir, o.keepData);
  const notes: string[] = [];
  try {
    const { url } = server;
    const t0 = performance.now();
    await postBatches(`${url}/write`, data, o.workers);
    const seen = await victoriaQueryable(url, data, o.timeoutS * 1000, 200);
    notes.push(`loaded ${fmtNum(seen)} values in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (o.settle) {
      const tm = performance.now();
      await victoriaForceMerge(url);
      notes.push(`force_merge ${((performance.now() - tm) / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    key: 'victoria',
    name: 'VictoriaMetrics',
    pid: server.proc.pid,
    version: server.version,
    notes,
    text: (q, p) => {
      const r = vmRequest(q, p, data.intervalMs);
      return `${r.path}?${new URLSearchParams(r.params).toString()}`;
    },
    async run(q, p) {
      const r = vmRequest(q, p, data.intervalMs);
      const { ms, body } = await timedGet(`${server.url}${r.path}?${new URLSearchParams(r.params).toString()}`);
      return { ms, answer: summarizeVm(JSON.parse(body) as VmJson) };
    },
    stop: () => server.stop(),
  };
}

// ---------------------------------------------------------------------------------------
// InfluxDB 1.x: InfluxQL on /query (TSBS's phrasing)

export function influxQl(q: QueryType, p: QueryParams): string {
  const hostOr = p.hosts.length ? `(${p.hosts.map((h) => `hostname = '${h}'`).join(' OR ')}) AND ` : '';
  const time = `time >= '${iso(p.startMs)}' AND time < '${iso(p.endMs)}'`;
  switch (q.kind) {
    case 'groupby':
    case 'orderby-limit': {
      const aggs = q.fields.map((f) => `${q.agg === 'avg' ? 'mean' : q.agg}(${f}) AS ${f}`).join(', ');
      const groups = `time(${bucketShort(q.bucketMs!)})${q.byHost ? ', hostname' : ''}`;
      const tail = q.kind === 'orderby-limit' ? ' ORDER BY time DESC LIMIT 5' : '';
      return `SELECT ${aggs} FROM cpu WHERE ${hostOr}${time} GROUP BY ${groups}${tail}`;
    }
    case 'high-cpu':
      return `SELECT * FROM cpu WHERE ${q.fields[0]} > 90.0 AND ${hostOr}${time}`;
    case 'lastpoint':
      return 'SELECT * FROM cpu GROUP BY hostname ORDER BY time DESC LIMIT 1';
  }
}

interface InfluxJson {
  error?: string;
  results?: Array<{ error?: string; series?: Array<{ tags?: Record<string, string>; columns: string[]; values: unknown[][] }> }>;
}

function summarizeInflux(j: InfluxJson): Answer {
  const res = j.results?.[0];
  if (j.error || res?.error) throw new Error(j.error ?? res?.error);
  let rows = 0;
  let checksum = 0;
  const hosts = new Set<unknown>();
  let anyHost = false;
  for (const s of res?.series ?? []) {
    // The hostname is a tag of the series (GROUP BY hostname) or a column (SELECT *).
    const tagged = s.tags?.hostname !== undefined;
    const col = s.columns.indexOf('hostname');
    if (tagged || col >= 0) anyHost = true;
    const a = summarizeRows(s.columns, s.values);
    rows += a.rows;
    checksum += a.checksum;
    if (tagged && a.rows > 0) hosts.add(s.tags!.hostname);
    if (col >= 0) for (const r of s.values) hosts.add(r[col]);
  }
  return { rows, groups: anyHost ? hosts.size : 1, checksum };
}

export async function startInfluxLoaded(data: CpuData, o: LoadOptions): Promise<QuerySystem> {
  const server: InfluxServer = await startInflux({
    logDir: o.logDir,
    keepData: o.keepData,
    name: 'influxd-query',
    dirPrefix: 'influx-q',
    unlimitedQueries: true,
  });
  const notes: string[] = [];
  try {
    const t0 = performance.now();
    await postBatches(`${server.url}/write?db=${INFLUX_DB}&precision=ns`, data, o.workers);
    let seen = 0;
    await waitFor(
      'InfluxDB to answer with every value',
      async () => {
        const r = await httpJson<InfluxJson>(
          'GET',
          `${server.url}/query?db=${INFLUX_DB}&q=${encodeURIComponent(`SELECT count(usage_user) FROM "${data.measurement}"`)}`,
        );
        const v = r.results?.[0]?.series?.[0]?.values?.[0]?.[1];
        seen = typeof v === 'number' ? v : 0;
        return seen >= data.rows ? seen : undefined;
      },
      o.timeoutS * 1000,
      200,
    );
    notes.push(`loaded ${fmtNum(seen)} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (o.settle) {
      // Let the in-memory cache be snapshotted into TSM files (cold after 5 s) and the full
      // compaction (cold after 10 s) finish: bytes on disk stable for 3 s.
      const ts = performance.now();
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && server.walBytes() > 1_000_000) await sleep(1_000);
      const snapS = (performance.now() - ts) / 1000;
      let last = -1;
      let stable = 0;
      while (Date.now() < deadline && (performance.now() - ts < 15_000 || stable < 3)) {
        await sleep(1_000);
        const now = server.dataBytes();
        stable = now === last ? stable + 1 : 0;
        last = now;
      }
      notes.push(`WAL snapshotted after ${snapS.toFixed(1)} s, data stable after ${((performance.now() - ts) / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    key: 'influx',
    name: 'InfluxDB',
    pid: server.proc.pid,
    version: server.version,
    notes,
    text: influxQl,
    async run(q, p) {
      const { ms, body } = await timedGet(`${server.url}/query?db=${INFLUX_DB}&epoch=ms&q=${encodeURIComponent(influxQl(q, p))}`);
      return { ms, answer: summarizeInflux(JSON.parse(body) as InfluxJson) };
    },
    stop: () => server.stop(),
  };
}
