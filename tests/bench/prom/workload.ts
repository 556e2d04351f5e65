// Node-exporter-like remote-write workload for the prom bench: hosts x metrics series
// (counters, gauges and one classic histogram with le buckets), scrapes 15 s apart ending
// near now (VictoriaMetrics drops samples outside its retention: see shared/anchors.md),
// pre-encoded once as snappy-compressed protobuf WriteRequests shared by every system.
import { encodeWriteRequest, type EncodeSeries } from '../../../core/proto/prometheus_remote.ts';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';

export const SCRAPE_MS = 15_000;
export const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
export const LE = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
export const HIST = 'node_http_request_duration_seconds_bucket';
export const RATE_METRIC = 'node_cpu_seconds_total';
export const TOPK_METRIC = 'node_network_receive_bytes_total';
/** Fixed metrics per host: the two counters above and the histogram's buckets; the rest are gauges. */
export const FIXED_METRICS = 2 + LE.length;

export interface PromWorkload {
  hosts: number;
  metrics: number;
  scrapes: number;
  series: number;
  samples: number;
  startMs: number;
  endMs: number;
  /** Gauge names (node_gauge_<i>), each with one series per host. */
  gauges: string[];
  /** Snappy-compressed WriteRequests, scrape by scrape (so every system sees time move forward). */
  payloads: Buffer[];
  /** Host group of each payload: requests of one group must be sent in order (a series' samples in time order). */
  groupOf: Int32Array;
  groups: number;
  payloadBytes: number;
}

/** Build the payloads: every request holds one scrape of a group of hosts (~`seriesPerRequest` samples). */
export function buildWorkload(hosts: number, metrics: number, scrapes: number, seriesPerRequest: number): PromWorkload {
  if (metrics < FIXED_METRICS + 1) throw new Error(`--metrics must be at least ${FIXED_METRICS + 1} (2 counters, ${LE.length} histogram buckets, 1+ gauges)`);
  const gauges = Array.from({ length: metrics - FIXED_METRICS }, (_, i) => `node_gauge_${i}`);
  // Recent, aligned timestamps: the last scrape a minute ago.
  const endMs = Math.floor((Date.now() - 60_000) / SCRAPE_MS) * SCRAPE_MS;
  const startMs = endMs - (scrapes - 1) * SCRAPE_MS;
  const hostsPerRequest = Math.max(1, Math.floor(seriesPerRequest / metrics));
  // Label sets are built once per series and reused across scrapes.
  const labelsOf: Array<Array<Array<[string, string]>>> = [];
  for (let h = 0; h < hosts; h++) {
    const base: Array<[string, string]> = [['instance', `host-${h}:9100`], ['job', 'node'], ['region', REGIONS[h % REGIONS.length]!]];
    const per: Array<Array<[string, string]>> = [
      [['__name__', RATE_METRIC], ...base],
      [['__name__', TOPK_METRIC], ...base],
      ...LE.map((le): Array<[string, string]> => [['__name__', HIST], base[0]!, base[1]!, ['le', le], base[2]!]),
      ...gauges.map((g): Array<[string, string]> => [['__name__', g], ...base]),
    ];
    labelsOf.push(per);
  }
  const payloads: Buffer[] = [];
  const groups = Math.ceil(hosts / hostsPerRequest);
  const groupOf = new Int32Array(groups * scrapes);
  let payloadBytes = 0;
  for (let s = 0; s < scrapes; s++) {
    const t = startMs + s * SCRAPE_MS;
    for (let h0 = 0; h0 < hosts; h0 += hostsPerRequest) {
      const series: EncodeSeries[] = [];
      for (let h = h0; h < Math.min(hosts, h0 + hostsPerRequest); h++) {
        const per = labelsOf[h]!;
        for (let m = 0; m < per.length; m++) {
          series.push({ labels: per[m]!, t: [t], v: new Float64Array([valueOf(h, m, s)]) });
        }
      }
      const buf = Buffer.from(snappyEncode(encodeWriteRequest(series)));
      payloadBytes += buf.length;
      groupOf[payloads.length] = h0 / hostsPerRequest;
      payloads.push(buf);
    }
  }
  return { hosts, metrics, scrapes, series: hosts * metrics, samples: hosts * metrics * scrapes, startMs, endMs, gauges, payloads, groupOf, groups, payloadBytes };
}

/** Deterministic sample values: counters grow by a per-series step, histogram buckets are cumulative, gauges wander. */
function valueOf(h: number, m: number, s: number): number {
  if (m < 2) return 1000 * (h % 17) + s * (1 + ((h * 31 + m * 7) % 50)) * (m === 0 ? 0.25 : 1024);
  if (m < FIXED_METRICS) {
    const b = m - 2; // bucket index: cumulative, so monotonic in le and in time
    return s * (b + 1) * ((h % 5) + 1) + (b + 1) * 3;
  }
  return Math.round(1000 * (50 + 40 * Math.sin((h + 1) * 0.37 + (m + 1) * 0.11 + s * 0.05))) / 1000;
}

/** Every metric name of the workload (the histogram's buckets share one). */
export function metricNames(w: { gauges: string[] }): string[] {
  return [RATE_METRIC, TOPK_METRIC, HIST, ...w.gauges];
}
