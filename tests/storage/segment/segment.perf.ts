// Perf report for storage: 1M TSBS-cpu-like rows -> flush time, scan time, bytes on disk per value after compaction.
// Run: node --import tsx tests/storage/segment.perf.ts [rows]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column, TableSchema, WriteBatch } from '../../../core/index.ts';
import { RegionStore } from '../../../storage/index.ts';

const HOSTS = 1000;
const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH = 5000;
const TAGS = ['hostname', 'region', 'datacenter', 'os', 'arch'];
const FIELDS = ['usage_user', 'usage_system', 'usage_idle', 'usage_nice', 'usage_iowait', 'usage_irq', 'usage_softirq', 'usage_steal', 'usage_guest', 'usage_guest_nice'];
type Mode = 'random' | 'walk' | 'walk-2dp';

const schema: TableSchema = {
  db: 'bench', name: 'cpu', id: 1, version: 1, timeIndex: 'ts', primaryKey: TAGS, regions: 1, createdAt: 0, options: {},
  columns: [
    ...TAGS.map((name) => ({ name, type: 'string' as const, semantic: 'tag' as const, nullable: true })),
    ...FIELDS.map((name) => ({ name, type: 'float64' as const, semantic: 'field' as const, nullable: true })),
    { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' },
  ],
};

function hostTags(h: number): string[] {
  const regions = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];
  const r = regions[h % regions.length]!;
  return [`host_${h}`, r, `${r}${'abc'[h % 3]}`, ['Ubuntu16.04LTS', 'Ubuntu16.10', 'Ubuntu15.10'][h % 3]!, ['x64', 'x86'][h % 2]!];
}

/** TSBS order: every host at one timestamp, then the next timestamp (10 s apart). */
function* batches(mode: Mode): Generator<WriteBatch> {
  const tags = Array.from({ length: HOSTS }, (_, h) => hostTags(h));
  const state = Array.from({ length: HOSTS * FIELDS.length }, () => Math.random() * 100);
  const t0 = 1_699_920_000_000_000_000n; // a day boundary, so the 1-day compaction window holds all 10,000 s
  for (let off = 0; off < ROWS; off += BATCH) {
    const n = Math.min(BATCH, ROWS - off);
    const ts = new BigInt64Array(n);
    const tagVals = TAGS.map(() => new Array<string | null>(n));
    const fields = FIELDS.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const row = off + i, h = row % HOSTS;
      ts[i] = t0 + BigInt(Math.floor(row / HOSTS)) * 10_000_000_000n;
      for (let t = 0; t < TAGS.length; t++) tagVals[t]![i] = tags[h]![t]!;
      for (let f = 0; f < FIELDS.length; f++) {
        const k = h * FIELDS.length + f;
        if (mode === 'random') { fields[f]![i] = Math.random() * 100; continue; }
        state[k] = Math.min(100, Math.max(0, state[k]! + (Math.random() - 0.5) * 2));
        fields[f]![i] = mode === 'walk' ? state[k]! : Math.round(state[k]! * 100) / 100;
      }
    }
    const columns: Column[] = [
      ...TAGS.map((name, t) => ({ name, type: 'string' as const, semantic: 'tag' as const, values: tagVals[t]!, valid: null })),
      ...FIELDS.map((name, f) => ({ name, type: 'float64' as const, semantic: 'field' as const, values: fields[f]!, valid: null })),
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null },
    ];
    yield { table: 'cpu', rows: n, columns };
  }
}

// The machine is shared: wall time is printed with the process CPU time (all threads), which contention inflates less.
const cpu = new Map<number, number>();
async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now(), c = process.cpuUsage();
  const r = await fn();
  const wall = performance.now() - t, used = process.cpuUsage(c);
  cpu.set(wall, (used.user + used.system) / 1000);
  return [r, wall];
}
const ms = (wall: number, digits = 0) => `${wall.toFixed(digits)} ms (cpu ${(cpu.get(wall) ?? 0).toFixed(digits)})`;

async function run(mode: Mode): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-perf-'));
  try {
    const all = [...batches(mode)];
    // One memtable of every row, flushed at once: the flush figure.
    let store = await RegionStore.open({ dir: join(dir, 'a'), regionId: '1', schema });
    const [, applyMs] = await time(() => { all.forEach((b, i) => store.apply(b, i + 1)); });
    const [flushed, flushMs] = await time(() => store.flush());
    const [full, scanMs] = await time(() => store.scan({}));
    const [, scan2Ms] = await time(() => store.scan({}));
    const [, projMs] = await time(() => store.scan({ columns: ['usage_user'] }));
    const t0 = 1_699_920_000_000_000_000n; // a day boundary, so the 1-day compaction window holds all 10,000 s
    const [few, fewMs] = await time(() => store.scan({ start: t0, end: t0 + 3_600_000_000_000n, columns: ['usage_user'], tagFilter: { hostname: ['host_1', 'host_2', 'host_3', 'host_4', 'host_5', 'host_6', 'host_7', 'host_8'] } }));
    await store.close();
    // Ten flushes of a tenth each, then compaction: the bytes-per-value figure after merge.
    store = await RegionStore.open({ dir: join(dir, 'b'), regionId: '1', schema });
    const per = Math.ceil(all.length / 10);
    for (let i = 0; i < all.length; i++) {
      store.apply(all[i]!, i + 1);
      if ((i + 1) % per === 0 || i === all.length - 1) await store.flush();
    }
    const before = store.stats();
    const [, compactMs] = await time(() => store.compact());
    const after = store.stats();
    const [merged, mergedScanMs] = await time(() => store.scan({}));
    await store.close();
    const values = ROWS * FIELDS.length;
    const rows = full.reduce((n, b) => n + b.numRows, 0);
    console.log(`\n[${mode}] ${ROWS} rows x ${schema.columns.length} columns (${HOSTS} hosts, ${FIELDS.length} float fields)`);
    console.log(`  apply to memtable      ${ms(applyMs)} (${(ROWS / applyMs / 1000).toFixed(2)}M rows/s)`);
    console.log(`  flush 1 segment        ${ms(flushMs)}, ${(flushed!.segment.bytes / values).toFixed(3)} B/value (zstd level 1)`);
    console.log(`  scan all columns       ${ms(scanMs)} (again: ${ms(scan2Ms)}), ${rows} rows`);
    console.log(`  scan 1 column          ${ms(projMs)}`);
    console.log(`  scan 8 hosts, 1 hour   ${ms(fewMs, 1)}, ${few[0]?.numRows ?? 0} rows`);
    console.log(`  10 flushes: ${before.segments} segments, ${(before.diskBytes / values).toFixed(3)} B/value`);
    console.log(`  compact                ${ms(compactMs)} -> ${after.segments} segment, ${(after.diskBytes / values).toFixed(3)} B/value (zstd level 3), ${after.diskBytes} bytes`);
    console.log(`  scan after compaction  ${ms(mergedScanMs)}, ${merged.reduce((n, b) => n + b.numRows, 0)} rows`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const mode of (process.argv[3]?.split(',') ?? ['random', 'walk', 'walk-2dp']) as Mode[]) await run(mode);
