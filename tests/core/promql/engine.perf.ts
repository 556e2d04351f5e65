// Throughput probe of the PromQL engine alone (no storage, no HTTP): the promql bench's dashboard queries over an
// in-memory source of the same shape. Run by hand, with --cpu-prof to see where evaluation goes:
//   node --import tsx [--cpu-prof --cpu-prof-dir=/tmp/prof] tests/core/promql/engine.perf.ts [hosts] [scrapes] [runs]
import { evalRange, MemorySeriesSource } from '../../../core/promql/index.ts';

const hosts = Number(process.argv[2] ?? 200);
const scrapes = Number(process.argv[3] ?? 240);
const runs = Number(process.argv[4] ?? 10);
const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
const src = new MemorySeriesSource();
const t = Float64Array.from({ length: scrapes }, (_, s) => 1_700_000_000_000 + s * 15_000);
for (let h = 0; h < hosts; h++) {
  const base = { instance: `host-${h}:9100`, job: 'node', region: REGIONS[h % REGIONS.length]! };
  src.add({ __name__: 'cpu_total', ...base }, t, t.map((_, s) => 1000 * (h % 17) + s * (1 + (h % 50)) * 0.25));
  src.add({ __name__: 'gauge', ...base }, t, t.map((_, s) => 50 + 40 * Math.sin(h * 0.37 + s * 0.05)));
  LE.forEach((le, b) => src.add({ __name__: 'req_bucket', ...base, le }, t, t.map((_, s) => s * (b + 1) * ((h % 5) + 1) + (b + 1) * 3)));
}
const queries = [
  'rate(cpu_total[5m])',
  'sum by (region) (rate(cpu_total[5m]))',
  'histogram_quantile(0.99, rate(req_bucket[5m]))',
  'histogram_quantile(0.9, sum by (le, region) (rate(req_bucket[5m])))',
  'topk(5, rate(cpu_total[5m]))',
  'count by (region) (gauge)',
  'label_replace(gauge, "host", "$1", "instance", "(.*):\\\\d+")',
  'max by (job) (max_over_time(gauge[5m]))',
];
const start = t[0]!;
const end = t[t.length - 1]!;
for (const q of queries) {
  // CPU time, not wall time: the probe is meant for a machine shared with other work
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    await evalRange(q, start, end, 30_000, src);
    const c = process.cpuUsage(c0);
    ms.push((c.user + c.system) / 1000);
  }
  ms.sort((a, b) => a - b);
  console.log(`${ms[0]!.toFixed(2).padStart(9)} ms min ${ms[ms.length >> 1]!.toFixed(2).padStart(9)} ms median CPU  ${q}`);
}
