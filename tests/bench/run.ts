// Benchmark runner: `npm run bench -- <name> [--flags]`.
// Each benchmark is a module tests/bench/<name>.ts exporting `run(opts: BenchOptions)`.
// Register new ones in BENCHMARKS below (query, flow, cluster ...).
import { closeHttpAgents, parseOptions, type BenchOptions } from './util.ts';

export interface BenchModule {
  run(opts: BenchOptions): Promise<unknown>;
}

const BENCHMARKS: Record<string, { describe: string; load: () => Promise<BenchModule> }> = {
  ingest: {
    describe: 'TSBS cpu ingest: EddyDB over NATS (sync request-reply and buffered JetStream) vs VictoriaMetrics / InfluxDB over HTTP',
    load: () => import('./ingest.ts'),
  },
  flush: {
    describe: 'Memory a memtable flush takes on top of the memtable (peak RSS above the RSS before it), one RegionStore, no node',
    load: () => import('./flush.ts'),
  },
  query: {
    describe: 'TSBS cpu queries (single-groupby, double-groupby, cpu-max-all, high-cpu, lastpoint, groupby-orderby-limit): EddyDB SQL vs VictoriaMetrics / InfluxDB',
    load: () => import('./query.ts'),
  },
  flow: {
    describe: 'Flows: rows/s a flow sustains over 10,000 groups with 1-minute windows; publish -> live output latency (p50, p99)',
    load: () => import('./flow.ts'),
  },
  prom: {
    describe: 'Prometheus remote-write ingest (node-exporter-like) and PromQL latency: EddyDB vs VictoriaMetrics / Prometheus',
    load: () => import('./prom.ts'),
  },
  promql: {
    describe: 'PromQL dashboard range queries (rate, sum by, histogram_quantile, topk, count by, label_replace): EddyDB vs VictoriaMetrics on the same remote-written data',
    load: () => import('./promql.ts'),
  },
  index: {
    describe: 'Indexes: needle queries (one series by tag, tag regex / prefix, trace ids, a rare term, a small box) with and without each index, at storage level and as SQL on a node, cold and warm; build time and size; the smart index',
    load: () => import('./index.ts'),
  },
  logs: {
    describe: 'Logs: nginx access lines through a dissect pipeline over NATS: lines/s, bytes on disk per line vs zstd -3, rare-term search vs grep -F',
    load: () => import('./logs.ts'),
  },
  prom100k: {
    describe: '100,000 metrics (logical tables) through remote write: creation rate, catalog bytes per table, RSS, region count',
    load: () => import('./prom100k.ts'),
  },
  pg: {
    describe: 'PostgreSQL wire: 100k-row fetch and point-query latency through the pg driver vs HTTP /v1/sql in the same run',
    load: () => import('./pg.ts'),
  },
  overload: {
    describe: 'Sustained ingest overload over HTTP, NATS and buffered ingest at once (10 minutes by default, --duration S): RSS of the node and nats-server at intervals, 503s, rows acked vs stored',
    load: () => import('./overload.ts'),
  },
  cluster: {
    describe: 'TSBS cpu ingest and query latency on 1 node vs the 3-node local cluster; time a region is unavailable while it reopens elsewhere',
    load: () => import('./cluster.ts'),
  },
};

function usage(): string {
  const names = Object.entries(BENCHMARKS)
    .map(([n, b]) => `  ${n.padEnd(10)} ${b.describe}`)
    .join('\n');
  return `usage: npm run bench -- <name> [--flags]\n\navailable benchmarks:\n${names}\n\n` +
    `run \`npm run bench -- <name> --help\` for a benchmark's flags`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const entry = BENCHMARKS[name];
  if (!entry) {
    console.error(`unknown benchmark "${name}"\n\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  await mod.run(parseOptions(rest));
  return 0;
}

main()
  .then((code) => {
    closeHttpAgents();
    process.exitCode = code;
  })
  .catch((e: unknown) => {
    closeHttpAgents();
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  });
