// Writes a run as one segment: an Arrow IPC file with compressed body buffers, plus its manifest stats.
import { RecordBatchFileWriter } from 'apache-arrow';
import { open } from 'node:fs/promises';
import type { TableSchema } from '../core/index.ts';
import { runToBatch } from './arrow-out.ts';
import { compressionTypeOf, registerCodecs, setZstdLevel } from './codec.ts';
import { countSeries, runStats } from './stats.ts';
import type { ColumnData, Compression, Run, SegmentMeta } from './types.ts';
import { OP_COLUMN } from './ops.ts';

/** Drops dictionary entries no row uses and sorts the rest, so files stay small and stats exact. */
function compactDict(c: ColumnData, n: number): ColumnData {
  const dict = c.dict!, codes = c.values as Int32Array;
  const used = new Uint8Array(dict.length);
  for (let i = 0; i < n; i++) if (!c.valid || c.valid[i]) used[codes[i]!] = 1;
  const keep = dict.map((v, i) => ({ v, i })).filter((e) => used[e.i]).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  if (keep.length === dict.length && keep.every((e, k) => e.i === k)) return c;
  const map = new Int32Array(dict.length);
  keep.forEach((e, k) => { map[e.i] = k; });
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = map[codes[i]!]!;
  return { ...c, values: out, dict: keep.map((e) => e.v) };
}

export interface EncodedSegment {
  bytes: Uint8Array;
  meta: Omit<SegmentMeta, 'file' | 'bytes' | 'maxSeq' | 'createdAt'>;
}

export function encodeSegment(run: Run, schema: TableSchema, compression: Compression, level: number): EncodedSegment {
  registerCodecs();
  for (const [name, c] of run.cols) if (c.type === 'string') run.cols.set(name, compactDict(c, run.rows));
  const columns = runStats(run);
  const { min: minTs, max: maxTs } = columns[schema.timeIndex]!;
  const names = [...schema.columns.map((c) => c.name), OP_COLUMN].filter((n) => run.cols.has(n));
  const batch = runToBatch(run, schema, names);
  setZstdLevel(level);
  const bytes = RecordBatchFileWriter.writeAll([batch], { compressionType: compressionTypeOf(compression) }).toUint8Array(true);
  return {
    bytes,
    meta: {
      rows: run.rows, series: countSeries(run, schema.primaryKey), minTs: String(minTs), maxTs: String(maxTs),
      schemaVersion: schema.version, columns,
    },
  };
}

/** Writes bytes to a new file and fsyncs it before the manifest may name it. */
export async function writeDurable(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
