// Deterministic TSBS-style "cpu" data (the devops / cpu-only use case of the Time Series
// Benchmark Suite), rendered as InfluxDB line protocol batches.
//
// - `hosts` hosts (default 1,000) with the ten TSBS tags, chosen deterministically per host.
// - Ten float fields usage_user .. usage_guest_nice, each a random walk with N(0,1) steps
//   clamped to [0, 100] (TSBS's ClampedRandomWalk), printed with 2 decimals.
// - One point per host every `intervalMs` (default 10 s); rows are ordered like TSBS:
//   for each timestamp, every host.
// - Timestamps end shortly before "now" so servers with a retention window keep them
//   (VictoriaMetrics silently drops old samples) and the data is past VictoriaMetrics'
//   30 s -search.latencyOffset by the time it is queried.
//
// Everything is generated up front (`generateCpu`) so generation is never measured.

export const CPU_FIELDS = [
  'usage_user',
  'usage_system',
  'usage_idle',
  'usage_nice',
  'usage_iowait',
  'usage_irq',
  'usage_softirq',
  'usage_steal',
  'usage_guest',
  'usage_guest_nice',
] as const;

export const CPU_TAGS = [
  'hostname',
  'region',
  'datacenter',
  'rack',
  'os',
  'arch',
  'team',
  'service',
  'service_version',
  'service_environment',
] as const;

/** The tags the anchors' peer figures were measured with (~280 bytes a row). */
export const ANCHOR_TAGS = ['hostname', 'region', 'datacenter', 'os', 'arch'] as const;

// TSBS's choices (pkg/data/usecases/devops/host.go).
const REGIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['us-east-1', ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1e']],
  ['us-west-1', ['us-west-1a', 'us-west-1b']],
  ['us-west-2', ['us-west-2a', 'us-west-2b', 'us-west-2c']],
  ['eu-west-1', ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']],
  ['eu-central-1', ['eu-central-1a', 'eu-central-1b']],
  ['ap-southeast-1', ['ap-southeast-1a', 'ap-southeast-1b']],
  ['ap-southeast-2', ['ap-southeast-2a', 'ap-southeast-2b']],
  ['ap-northeast-1', ['ap-northeast-1a', 'ap-northeast-1c']],
  ['sa-east-1', ['sa-east-1a', 'sa-east-1b', 'sa-east-1c']],
];
const OSES = ['Ubuntu16.10', 'Ubuntu16.04LTS', 'Ubuntu15.10'];
const ARCHES = ['x64', 'x86'];
const TEAMS = ['SF', 'NYC', 'LON', 'CHI'];
const ENVIRONMENTS = ['production', 'staging', 'test'];

/** mulberry32: small, fast, deterministic PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  // Box-Muller; 1 - u avoids log(0).
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export interface Host {
  tags: Record<(typeof CPU_TAGS)[number], string>;
}

export function makeHosts(count: number, seed = 123): Host[] {
  const hosts: Host[] = [];
  for (let i = 0; i < count; i++) {
    const r = prng(seed * 1_000_003 + i);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const [region, dcs] = pick(REGIONS);
    hosts.push({
      tags: {
        hostname: `host_${i}`,
        region,
        datacenter: pick(dcs),
        rack: String(Math.floor(r() * 100)),
        os: pick(OSES),
        arch: pick(ARCHES),
        team: pick(TEAMS),
        service: String(Math.floor(r() * 20)),
        service_version: String(Math.floor(r() * 2)),
        service_environment: pick(ENVIRONMENTS),
      },
    });
  }
  return hosts;
}

export interface CpuDataOptions {
  /** Total rows (default 1,000,000). */
  rows?: number;
  /** Hosts (default 1,000). */
  hosts?: number;
  /** Rows per batch (default 5,000). */
  batch?: number;
  /** Point interval in ms (default 10,000). */
  intervalMs?: number;
  /** Timestamp of the last point, ms since epoch (default: now - 60 s, aligned to the interval). */
  endMs?: number;
  /** Which tags to emit (default: all ten TSBS tags). */
  tags?: readonly string[];
  /** Measurement (table) name (default "cpu"). */
  measurement?: string;
  seed?: number;
}

export interface CpuData {
  batches: Buffer[];
  rows: number;
  /** rows * 10 */
  values: number;
  hosts: number;
  fields: readonly string[];
  measurement: string;
  startMs: number;
  endMs: number;
  intervalMs: number;
  bytes: number;
  /** Rows in each batch (parallel to `batches`). */
  rowsPerBatch: number[];
}

/**
 * Generate the whole data set as line-protocol batches. Deterministic for the same options
 * (apart from `endMs`, which defaults to "now"; the values and tags never depend on it).
 */
export function generateCpu(opts: CpuDataOptions = {}): CpuData {
  const rows = opts.rows ?? 1_000_000;
  const nHosts = Math.min(opts.hosts ?? 1_000, rows);
  const batch = opts.batch ?? 5_000;
  const intervalMs = opts.intervalMs ?? 10_000;
  const measurement = opts.measurement ?? 'cpu';
  const tagNames = opts.tags ?? CPU_TAGS;
  const seed = opts.seed ?? 123;
  const points = Math.ceil(rows / nHosts);
  const endMs = opts.endMs ?? Math.floor((Date.now() - 60_000) / intervalMs) * intervalMs;
  const startMs = endMs - (points - 1) * intervalMs;

  const hosts = makeHosts(nHosts, seed);
  const prefixes = hosts.map(
    (h) => measurement + tagNames.map((t) => `,${t}=${h.tags[t as (typeof CPU_TAGS)[number]]}`).join('') + ' ',
  );
  // Random walk state per host and field, in hundredths (so values print with 2 decimals
  // exactly and cheaply). TSBS starts each walk at U(0, 100) and steps by N(0, 1).
  const nf = CPU_FIELDS.length;
  const state = new Float64Array(nHosts * nf);
  const rands = hosts.map((_, i) => prng(seed * 7_919 + i + 1));
  for (let h = 0; h < nHosts; h++) for (let f = 0; f < nf; f++) state[h * nf + f] = Math.round(rands[h]() * 10_000);
  const fieldEq = CPU_FIELDS.map((f, i) => (i === 0 ? '' : ',') + f + '=');

  const batches: Buffer[] = [];
  const rowsPerBatch: number[] = [];
  let parts: string[] = [];
  let inBatch = 0;
  let bytes = 0;
  let produced = 0;
  const flush = (): void => {
    const buf = Buffer.from(parts.join(''), 'latin1');
    batches.push(buf);
    rowsPerBatch.push(inBatch);
    bytes += buf.length;
    parts = [];
    inBatch = 0;
  };
  for (let p = 0; p < points && produced < rows; p++) {
    const tsNs = `${startMs + p * intervalMs}000000`;
    for (let h = 0; h < nHosts && produced < rows; h++) {
      const r = rands[h];
      let line = prefixes[h];
      for (let f = 0; f < nf; f++) {
        const k = h * nf + f;
        let v = state[k] + Math.round(normal(r) * 100);
        if (v < 0) v = 0;
        else if (v > 10_000) v = 10_000;
        state[k] = v;
        line += fieldEq[f] + fmtHundredths(v);
      }
      parts.push(line + ' ' + tsNs + '\n');
      produced++;
      if (++inBatch === batch) flush();
    }
  }
  if (inBatch > 0) flush();
  return {
    batches,
    rows: produced,
    values: produced * nf,
    hosts: nHosts,
    fields: CPU_FIELDS,
    measurement,
    startMs,
    endMs: startMs + (points - 1) * intervalMs,
    intervalMs,
    bytes,
    rowsPerBatch,
  };
}

function fmtHundredths(v: number): string {
  const i = Math.floor(v / 100);
  const c = v - i * 100;
  if (c === 0) return String(i);
  return i + (c < 10 ? '.0' : '.') + (c % 10 === 0 ? c / 10 : c);
}
