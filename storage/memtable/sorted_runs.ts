// Sorted runs of memtables kept between scans: new chunks are sorted on their own and appended as a run, runs merged
// LSM-style, so a scan during ingest sorts only what arrived since the last one.
import type { TableSchema } from '../../core/index.ts';
import { mergeToRun } from '../scan.ts';
import type { Run } from '../types.ts';
import type { Memtable } from './memtable.ts';
import { memView, sortMemtable } from './sort.ts';

interface SortedParts {
  epoch: number;
  /** Chunks covered by the runs. */
  chunks: number;
  runs: Run[];
}

export class SortedRuns {
  private readonly sorted = new WeakMap<Memtable, SortedParts>();

  /**
   * Sorted runs covering every chunk of a memtable. Runs are merged the newest two at a time when the newer is at
   * least half the size of the older (or past 8 runs), so merges are amortized.
   */
  of(m: Memtable, schema: TableSchema): Run[] {
    let c = this.sorted.get(m);
    const n = m.chunks.length;
    if (c && c.epoch === m.epoch && c.chunks === n) return c.runs;
    if (!c || c.epoch !== m.epoch) c = { epoch: m.epoch, chunks: 0, runs: [] };
    const runs = [...c.runs, sortMemtable(memView(m, c.chunks, n), schema)];
    const names = schema.columns.map((x) => x.name);
    while (runs.length >= 2 && (runs[runs.length - 1]!.rows * 2 >= runs[runs.length - 2]!.rows || runs.length > 8)) {
      const newer = runs.pop()!, older = runs.pop()!;
      runs.push(mergeToRun([older, newer], schema, names));
    }
    this.sorted.set(m, { epoch: m.epoch, chunks: n, runs });
    return runs;
  }

  /** The one sorted run covering the whole memtable, when a scan already built it. */
  whole(m: Memtable): Run | null {
    const c = this.sorted.get(m);
    return c && c.epoch === m.epoch && c.chunks === m.chunks.length && c.runs.length === 1 ? c.runs[0]! : null;
  }
}
