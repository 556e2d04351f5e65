// The indexes of one region's segments: what is missing or stale, building one segment's file, pruning scans, status.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { wantedIndexes, type Clock, type ColumnPredicate, type IndexSpec, type TableSchema } from '../../core/index.ts';
import type { SegmentMirror } from '../mirror.ts';
import { writeDurable } from '../segment/write.ts';
import type { Run, SegmentIndexMeta, SegmentMeta } from '../types.ts';
import { buildIndexFile } from './build.ts';
import zstd from 'zstd-napi';
import { pruneSegment, type SegmentPrune } from './prune.ts';
import { QuerySelections } from './query_selections.ts';
import { sharedIndexReaders, type IndexReaders } from './readers.ts';

/** What RegionStore lends its indexes: files, the manifest, and reads of segment columns. */
export interface IndexHost {
  segDir: string;
  mirror?: SegmentMirror | undefined;
  clock: Clock;
  schema(): TableSchema;
  segments(): readonly SegmentMeta[];
  /** Every row of the columns of a segment (not kept in the decoded cache), the segment pinned while read. */
  readColumns(meta: SegmentMeta, names: string[]): Promise<Run>;
  /** Parsed index files kept between scans; the process-wide cache by default. */
  readers?: IndexReaders | undefined;
  /** In the store's manifest queue: sets (or clears) a listed segment's index record and commits; false when the segment is gone. */
  setIndex(file: string, index: SegmentIndexMeta | undefined): Promise<boolean>;
}

/** One index of the table as information_schema.index_status shows it, for this region. */
export interface IndexStatus {
  kind: string;
  column: string;
  key: string;
  /** building: some segments lack it; ready: every segment has it. */
  state: 'building' | 'ready';
  segments: number;
  segmentsCovered: number;
  /** Bytes on disk of this index over the covered segments (a file's compressed bytes shared by its indexes in proportion of their raw sizes). */
  bytes: number;
  rowsCovered: number;
  lastError: string | null;
}

/** The index file name of a segment: the segment's name, a build counter, `.idx`; in the segments directory. */
function indexFileName(segment: string, gen: number): string {
  return `${segment.replace(/\.arrow$/, '')}.${gen.toString(36)}.idx`;
}

function onDisk(ix: SegmentIndexMeta, key: string): number {
  const raw = ix.sizes ?? [];
  const total = raw.reduce((a, b) => a + b, 0);
  const mine = raw[ix.keys.indexOf(key)] ?? 0;
  return total > 0 ? (ix.bytes * mine) / total : 0;
}

const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

export class RegionIndexes {
  readonly readers: IndexReaders;
  private gen: number;
  private lastError: string | null = null;
  private building: string | null = null;
  private wantedFor: { schema: TableSchema; version: number; specs: IndexSpec[]; current: WeakMap<SegmentIndexMeta, Set<string>> } | undefined;

  constructor(private readonly host: IndexHost) {
    this.gen = host.clock.now();
    this.readers = host.readers ?? sharedIndexReaders;
  }

  /** The indexes the schema asks for, computed once per schema object (a scan asks for them per segment). */
  wanted(): IndexSpec[] {
    const schema = this.host.schema();
    if (this.wantedFor?.schema !== schema || this.wantedFor.version !== schema.version) {
      this.wantedFor = { schema, version: schema.version, specs: wantedIndexes(schema), current: new WeakMap() };
    }
    return this.wantedFor.specs;
  }

  /** Keys of a segment's index file that the schema still asks for (kept per file record while the schema stays). */
  private currentKeys(ix: SegmentIndexMeta): Set<string> {
    const specs = this.wanted();
    const memo = this.wantedFor!.current;
    let keys = memo.get(ix);
    if (!keys) memo.set(ix, keys = new Set(specs.map((s) => s.key).filter((k) => ix.keys.includes(k))));
    return keys;
  }

  /** Segments whose index file is missing or was built for other indexes than the schema declares now. */
  pending(): SegmentMeta[] {
    const keys = this.wanted().map((s) => s.key);
    return this.host.segments().filter((s) => !sameKeys(s.index?.keys ?? [], keys));
  }

  /** Builds (or removes) the index file of the oldest pending segment; false when nothing was pending. */
  async buildNext(): Promise<boolean> {
    const next = this.pending()[0];
    if (!next) return false;
    try {
      await this.build(next);
      this.lastError = null;
    } catch (e) {
      this.lastError = `${next.file}: ${(e as Error).message}`;
      throw e;
    }
    return true;
  }

  /** Builds every pending index file; what a test or a benchmark calls instead of the IndexBuilder actor. */
  async buildAll(): Promise<number> {
    let n = 0;
    while (await this.buildNext()) n++;
    return n;
  }

  private async build(meta: SegmentMeta): Promise<void> {
    const specs = this.wanted();
    this.building = meta.file;
    try {
      let record: SegmentIndexMeta | undefined;
      let name: string | undefined;
      const t0 = performance.now();
      if (specs.length > 0) {
        const built = await buildIndexFile((names) => this.host.readColumns(meta, names), specs);
        // one zstd frame: sorted keys and offsets compress well, and the file is read whole once per open
        const stored = zstd.compress(built.bytes, { compressionLevel: 3 });
        name = indexFileName(meta.file, ++this.gen);
        await writeDurable(join(this.host.segDir, name), stored);
        // In the shared store before a manifest names it, as segments are.
        await this.host.mirror?.putSegment(name, stored);
        record = { file: name, bytes: stored.length, keys: built.keys, sizes: built.sizes, builtAt: this.host.clock.now(), buildMs: performance.now() - t0 };
      }
      const listed = await this.host.setIndex(meta.file, record);
      if (!listed && name) await this.removeFile(name);
      if (listed && meta.index) await this.removeFile(meta.index.file);
    } finally {
      this.building = null;
    }
  }

  /** Removes an index file (local and shared); scans that still read it fall back to a full scan. */
  async removeFile(name: string): Promise<void> {
    this.dropReader(name);
    await this.host.mirror?.removeSegment(name);
    await rm(join(this.host.segDir, name), { force: true });
  }

  /** Forgets the parsed file (removed, or about to be). */
  dropReader(name: string): void {
    this.readers.drop(join(this.host.segDir, name));
  }

  /** Index selections shared by the scans of one query (`queryId`). */
  readonly selections = new QuerySelections();

  /**
   * Rows of a segment that may match the predicates, by its current indexes; undefined: read it whole. Scans of one
   * query (`queryId`) ask a segment's index each distinct predicate once.
   */
  async prune(meta: SegmentMeta, preds: ColumnPredicate[], queryId?: string): Promise<SegmentPrune | undefined> {
    const ix = meta.index;
    if (!ix || preds.length === 0) return undefined;
    const keys = this.currentKeys(ix);
    if (keys.size === 0) return undefined;
    // An index file that cannot be read (removed by a concurrent rebuild, damaged) only costs the pruning.
    const path = join(this.host.segDir, ix.file);
    const idx = await this.readers.get(path, ix.bytes, () => readFile(path)).catch(() => undefined);
    return idx ? pruneSegment(meta, idx, keys, preds, this.selections.memo(queryId), ix.file) : undefined;
  }

  status(): IndexStatus[] {
    const segs = this.host.segments();
    return this.wanted().map((w) => {
      const covered = segs.filter((s) => s.index?.keys.includes(w.key));
      return {
        kind: w.kind, column: w.columns.join(', '), key: w.key,
        state: covered.length === segs.length ? 'ready' : 'building',
        segments: segs.length, segmentsCovered: covered.length,
        bytes: Math.round(covered.reduce((a, s) => a + onDisk(s.index!, w.key), 0)),
        rowsCovered: covered.reduce((a, s) => a + s.rows, 0),
        lastError: this.lastError,
      };
    });
  }

  get busy(): string | null { return this.building; }
}
