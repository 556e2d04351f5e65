// Throughput of parseLineProtocol on TSBS cpu rows (1000 hosts, 10 s interval); prints rows/s. Not a test.
import { SeriesCache, parseLineProtocol } from '../../../core/codec/line_protocol/index.ts';
const { encodeBatches, decodeBatches } = await import("../../../core/codec/wal_batch.ts").catch(() => ({ encodeBatches: null as any, decodeBatches: null as any }));

const ROWS = Number(process.argv[2] ?? 1_000_000);
const HOSTS = 1000;
const regions = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];
const fields = ['usage_user', 'usage_system', 'usage_idle', 'usage_nice', 'usage_iowait', 'usage_irq', 'usage_softirq', 'usage_steal', 'usage_guest', 'usage_guest_nice'];

function tsbsCpu(rows: number): string {
  const parts: string[] = [];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const tags = Array.from({ length: HOSTS }, (_, h) => {
    const region = regions[h % regions.length]!;
    return `hostname=host_${h},region=${region},datacenter=${region}${'abc'[h % 3]},rack=${h % 100},os=Ubuntu16.10,arch=x86,team=NYC,service=${h % 20},service_version=${h % 2},service_environment=production`;
  });
  for (let i = 0; i < rows; i++) {
    const h = i % HOSTS;
    const t = 1451606400000000000n + BigInt(Math.floor(i / HOSTS)) * 10_000_000_000n;
    const fs = fields.map((f) => `${f}=${(Math.round(rnd() * 1000000) / 10000).toString()}`).join(',');
    parts.push(`cpu,${tags[h]} ${fs} ${t}`);
  }
  return parts.join('\n') + '\n';
}

const bytes = new TextEncoder().encode(tsbsCpu(ROWS));
console.log(`payload: ${ROWS} rows, ${(bytes.length / 1e6).toFixed(1)} MB`);
for (let run = 0; run < 3; run++) {
  // CPU time as well as wall time: the machine running this is often shared.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const [b] = parseLineProtocol(bytes);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  const rate = (t: number) => Math.round((b!.rows / t) * 1000).toLocaleString('en-US');
  console.log(`parse run ${run}: ${b!.rows} rows in ${ms.toFixed(0)} ms wall (${rate(ms)} rows/s), ${cpuMs.toFixed(0)} ms cpu (${rate(cpuMs)} rows/s)`);
}

// As the write path parses: 5000-row payloads, one series cache kept across them.
{
  const text = new TextDecoder().decode(bytes).split('\n');
  const payloads: Uint8Array[] = [];
  for (let i = 0; i + 5000 <= ROWS; i += 5000) payloads.push(new TextEncoder().encode(text.slice(i, i + 5000).join('\n') + '\n'));
  const cache = new SeriesCache();
  for (let run = 0; run < 3; run++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let rows = 0;
    for (const p of payloads) rows += parseLineProtocol(p, { seriesCache: cache })[0]!.rows;
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    const rate = (t: number) => Math.round((rows / t) * 1000).toLocaleString('en-US');
    console.log(`parse 5000-row payloads, shared cache, run ${run}: ${rows} rows in ${ms.toFixed(0)} ms wall (${rate(ms)} rows/s), ${cpuMs.toFixed(0)} ms cpu (${rate(cpuMs)} rows/s)`);
  }
}

// WAL codec on a 5000-row batch of the same shape.
if (!encodeBatches) process.exit(0);
const small = parseLineProtocol(new TextEncoder().encode(tsbsCpu(5000)));
let enc = encodeBatches(small);
for (let k = 0; k < 200; k++) decodeBatches(encodeBatches(small));
const N = 1000;
let t0 = performance.now();
for (let k = 0; k < N; k++) enc = encodeBatches(small);
const encMs = (performance.now() - t0) / N;
t0 = performance.now();
for (let k = 0; k < N; k++) decodeBatches(enc);
const decMs = (performance.now() - t0) / N;
console.log(`walbatch 5000 rows: ${enc.length} bytes, encode ${encMs.toFixed(3)} ms, decode ${decMs.toFixed(3)} ms`);
