// The TSBS devops query types over the cpu table, and their random parameters (host sets
// and time windows) drawn from a seeded RNG, so every system answers the same questions.
import { CPU_FIELDS, prng, type CpuData } from '../tsbs.ts';

export type QueryKind = 'groupby' | 'high-cpu' | 'lastpoint' | 'orderby-limit';

export interface QueryType {
  name: string;
  describe: string;
  kind: QueryKind;
  /** Fields aggregated (groupby, orderby-limit) or tested (high-cpu: fields[0] > 90). */
  fields: readonly string[];
  agg?: 'max' | 'avg';
  /** Time bucket of the GROUP BY, ms. */
  bucketMs?: number;
  /** Also group by hostname. */
  byHost?: boolean;
  /** Random hosts per query; 0 = every host. */
  nHosts: number;
  /** Time window, ms; windows longer than the data cover the whole range. */
  windowMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const QUERY_TYPES: QueryType[] = [
  {
    name: 'single-groupby-1-1-1',
    describe: 'max(usage_user) per minute, 1 host, 1 hour',
    kind: 'groupby',
    fields: CPU_FIELDS.slice(0, 1),
    agg: 'max',
    bucketMs: MIN,
    nHosts: 1,
    windowMs: HOUR,
  },
  {
    name: 'single-groupby-5-8-1',
    describe: 'max of 5 fields per minute, 8 hosts, 1 hour',
    kind: 'groupby',
    fields: CPU_FIELDS.slice(0, 5),
    agg: 'max',
    bucketMs: MIN,
    nHosts: 8,
    windowMs: HOUR,
  },
  {
    name: 'double-groupby-1',
    describe: 'avg(usage_user) per host per hour, all hosts, 12 hours',
    kind: 'groupby',
    fields: CPU_FIELDS.slice(0, 1),
    agg: 'avg',
    bucketMs: HOUR,
    byHost: true,
    nHosts: 0,
    windowMs: 12 * HOUR,
  },
  {
    name: 'double-groupby-all',
    describe: 'avg of all 10 fields per host per hour, all hosts, 12 hours',
    kind: 'groupby',
    fields: CPU_FIELDS,
    agg: 'avg',
    bucketMs: HOUR,
    byHost: true,
    nHosts: 0,
    windowMs: 12 * HOUR,
  },
  {
    name: 'cpu-max-all-8',
    describe: 'max of all 10 fields per hour, 8 hosts, 8 hours',
    kind: 'groupby',
    fields: CPU_FIELDS,
    agg: 'max',
    bucketMs: HOUR,
    nHosts: 8,
    windowMs: 8 * HOUR,
  },
  {
    name: 'high-cpu-1',
    describe: 'rows with usage_user > 90, 1 host, 12 hours',
    kind: 'high-cpu',
    fields: CPU_FIELDS.slice(0, 1),
    nHosts: 1,
    windowMs: 12 * HOUR,
  },
  {
    name: 'lastpoint',
    describe: 'last row of every host',
    kind: 'lastpoint',
    fields: CPU_FIELDS,
    nHosts: 0,
    windowMs: 0,
  },
  {
    name: 'groupby-orderby-limit',
    describe: 'max(usage_user) per minute, 5 minutes before a random end, ORDER BY minute DESC LIMIT 5',
    kind: 'orderby-limit',
    fields: CPU_FIELDS.slice(0, 1),
    agg: 'max',
    bucketMs: MIN,
    nHosts: 0,
    windowMs: 5 * MIN,
  },
];

export interface QueryParams {
  /** Hostnames; empty = every host. */
  hosts: string[];
  /** Window [startMs, endMs). */
  startMs: number;
  endMs: number;
}

export interface DataRange {
  startMs: number;
  /** Exclusive end: the last timestamp + one interval. */
  endMs: number;
  intervalMs: number;
  hosts: number;
}

export function dataRange(data: CpuData): DataRange {
  return { startMs: data.startMs, endMs: data.endMs + data.intervalMs, intervalMs: data.intervalMs, hosts: data.hosts };
}

const floorTo = (x: number, m: number): number => Math.floor(x / m) * m;
const ceilTo = (x: number, m: number): number => Math.ceil(x / m) * m;

/**
 * `count` parameter sets for query type `q`. Windows are aligned to the query's bucket so
 * every system sees the same buckets; a window longer than the data becomes the whole
 * range (rounded out to whole buckets).
 */
export function makeParams(q: QueryType, range: DataRange, count: number, seed: number): QueryParams[] {
  // One stream per query type, so adding or filtering types never changes another's params.
  let h = seed >>> 0;
  for (const c of q.name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const rand = prng(h);
  const out: QueryParams[] = [];
  const span = range.endMs - range.startMs;
  const align = q.bucketMs ?? range.intervalMs;
  for (let i = 0; i < count; i++) {
    const hosts: string[] = [];
    if (q.nHosts > 0) {
      const picked = new Set<number>();
      while (picked.size < Math.min(q.nHosts, range.hosts)) picked.add(Math.floor(rand() * range.hosts));
      for (const p of picked) hosts.push(`host_${p}`);
    }
    let startMs = 0;
    let endMs = 0;
    if (q.kind === 'lastpoint') {
      startMs = range.startMs;
      endMs = range.endMs;
    } else if (q.kind === 'orderby-limit') {
      // A random end with at least the window of data before it.
      const lo = ceilTo(range.startMs + q.windowMs, align);
      const hi = floorTo(range.endMs, align);
      endMs = hi > lo ? lo + floorTo(rand() * (hi - lo + align), align) : hi;
      if (endMs > hi) endMs = hi;
      startMs = endMs - q.windowMs;
    } else if (q.windowMs >= span) {
      startMs = floorTo(range.startMs, align);
      endMs = ceilTo(range.endMs, align);
    } else {
      const lo = ceilTo(range.startMs, align);
      const hi = floorTo(range.endMs - q.windowMs, align);
      startMs = hi > lo ? lo + floorTo(rand() * (hi - lo + align), align) : lo;
      if (startMs > hi) startMs = hi;
      endMs = startMs + q.windowMs;
    }
    out.push({ hosts, startMs, endMs });
  }
  return out;
}
