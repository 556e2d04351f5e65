// RegionStore: the storage engine of one region: memtable, flush to segments, manifest, compaction, scans.
import type { RecordBatch } from 'apache-arrow';
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CorruptDataError, InvalidArgumentError, StorageError, systemClock, type Clock, type TableSchema, type WriteBatch } from '../core/index.ts';
import { pickCompactions } from './compaction.ts';
import { filterRun } from './filter.ts';
import { atomicWrite, loadManifest, manifestText, MANIFEST_FILE, newManifest, parseManifest, saveManifest, type Manifest } from './manifest.ts';
import { Memtable } from './memtable/memtable.ts';
import { sortMemtable } from './memtable/sort.ts';
import { SortedRuns } from './memtable/sorted_runs.ts';
import { gatherRun } from './run.ts';
import { defaultOf } from './defaults.ts';
import { minMaxIndex, words } from './int64.ts';
import { countOps, Op, OP_COLUMN, withoutDeletes } from './ops.ts';
import { mergeToRun, scanSnapshot } from './scan.ts';
import { mergedSource, segmentInput, type MergeInput } from './merge_source.ts';
import { decodeBlocks, openSegment, readBlocks, type SegmentHandle } from './segment/read.ts';
import { readGroups, type SegmentPieces } from './segment/read_cached.ts';
import { DecodedCache, sharedDecodedCache } from './decoded_cache.ts';
import { writeDurable, writeSegmentFile } from './segment/write.ts';
import { runColumnNames, runSource } from './segment/source.ts';
import { memtableSource, type FlushSource } from './memtable/sorted_source.ts';
import { checkSchemaChange, droppedColumns, regionStats, withoutDropped } from './region_util.ts';
import { conformRun } from './cast.ts';
import type { Compression, PageInfo, RegionStats, RegionStoreOptions, Run, ScanRequest, ScanStats, SegmentIndexMeta, SegmentMeta } from './types.ts';
import { RegionIndexes } from './index/region_indexes.ts';
import { SOURCED_WINDOW_MS, SourcedKeys } from './sourced.ts';
import { ManifestConflictError, filesOf, removeUncommitted, writerToken } from './mirror.ts';

const DAY_MS = 86_400_000;
/** Reads that must not be cached go through a cache that keeps nothing. */
const NO_CACHE = new DecodedCache(0);

function overlapsRun(s: SegmentMeta, run: Run | [bigint, bigint], timeIndex: string): boolean {
  if (Array.isArray(run)) return BigInt(s.minTs) <= run[1] && BigInt(s.maxTs) >= run[0];
  if (run.rows === 0) return false;
  const ts = run.cols.get(timeIndex)!.values as BigInt64Array;
  const [lo, hi] = minMaxIndex(words(ts), run.rows);
  return BigInt(s.minTs) <= ts[hi]! && BigInt(s.maxTs) >= ts[lo]!;
}

export class RegionStore {
  private mem: Memtable;
  /** Memtables being flushed, oldest first: still visible to scans until their segment is in the manifest. */
  private frozen: Memtable[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private pins = new Map<string, number>();
  private doomed = new Set<string>();
  private lastSeq: number;
  /** Dropped fields -> last WAL sequence applied before the drop (Manifest.droppedAt). */
  private droppedAt: Record<string, number>;
  readonly sourced: SourcedKeys; // keys of keyed writes in the memtables and segments (sourced.ts)
  private closed = false;
  private bgError: unknown = null;
  private readonly clock: Clock;
  private readonly compression: Compression;
  private readonly segDir: string;
  /** Sorted runs of each memtable's chunks so far (oldest first), extended as chunks arrive: scans do not re-sort. */
  private readonly sorted = new SortedRuns();
  private readonly handles = new Map<string, Promise<SegmentHandle>>();
  private readonly decoded: DecodedCache;
  /** Index files of the segments: built by the region's IndexBuilder (buildNext), used by scans. */
  readonly indexes: RegionIndexes;
  /** In the name of every segment this store writes to a shared mirror (mirror.ts `writerToken`). */
  private readonly writerToken: string;

  private constructor(private readonly opts: RegionStoreOptions, private manifest: Manifest, private _schema: TableSchema) {
    this.clock = opts.clock ?? systemClock;
    this.compression = opts.compression ?? 'zstd';
    this.segDir = join(opts.dir, 'segments');
    this.writerToken = writerToken(opts.mirror);
    this.decoded = opts.decodedCache ?? sharedDecodedCache;
    this.mem = new Memtable(_schema.primaryKey);
    this.lastSeq = manifest.flushedSeq;
    this.droppedAt = { ...manifest.droppedAt };
    this.sourced = new SourcedKeys(manifest.sourced, SOURCED_WINDOW_MS);
    this.indexes = new RegionIndexes({
      segDir: this.segDir, mirror: opts.mirror, clock: this.clock,
      schema: () => this._schema, segments: () => this.manifest.segments,
      readColumns: (meta, names) => this.pinned([meta], async () => (await this.readSegment(meta, names, undefined, false)).runs[0]!),
      setIndex: (file, index) => this.setIndex(file, index),
      readers: opts.indexReaders,
    });
  }

  /** Runs fn with the segments pinned: their files stay until it is done (compaction defers deleting them). */
  async pinned<T>(segments: readonly SegmentMeta[], fn: () => Promise<T>): Promise<T> {
    for (const s of segments) this.pins.set(s.file, (this.pins.get(s.file) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      for (const s of segments) {
        const n = (this.pins.get(s.file) ?? 1) - 1;
        if (n > 0) this.pins.set(s.file, n);
        else {
          this.pins.delete(s.file);
          if (this.doomed.delete(s.file)) await rm(join(this.segDir, s.file), { force: true });
        }
      }
    }
  }

  /** Records a built index file (or none) on a segment still in the manifest; false when it is gone (compacted, expired). */
  private setIndex(file: string, index: SegmentIndexMeta | undefined): Promise<boolean> {
    return this.serial(async () => {
      if (!this.manifest.segments.some((s) => s.file === file)) return false;
      const segments = this.manifest.segments.map((s) => {
        if (s.file !== file) return s;
        const { index: _old, ...rest } = s;
        return index ? { ...rest, index } : rest;
      });
      await this.commit({ ...this.manifest, segments });
      return true;
    });
  }

  /** Opens (or creates) a region: reads the manifest, checks its segments exist, deletes files it does not name. */
  static async open(opts: RegionStoreOptions): Promise<RegionStore> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await RegionStore.openOnce(opts);
      } catch (e) {
        // An older leader committed between this open's read and its claim: read its manifest instead.
        if (!(e instanceof ManifestConflictError) || attempt >= 5) throw e;
      }
    }
  }

  private static async openOnce(opts: RegionStoreOptions): Promise<RegionStore> {
    const segDir = join(opts.dir, 'segments');
    await mkdir(segDir, { recursive: true });
    // With a mirror, its manifest is the truth (another node may have written the region since); the local one is a cache.
    const shared = opts.mirror ? await opts.mirror.getManifest() : null;
    // The writer claims it: put again as read, so that an older writer's next commit fails (SegmentMirror.putManifest),
    // before anything in the mirror is removed below.
    if (shared !== null && !opts.readOnlyMirror) await opts.mirror!.putManifest(shared);
    if (shared !== null) await atomicWrite(opts.dir, MANIFEST_FILE, shared);
    const loaded = shared !== null ? parseManifest(shared, `mirror of region ${opts.regionId}`) : await loadManifest(opts.dir);
    const m = loaded ?? newManifest(opts.regionId, opts.schema);
    if (m.regionId !== opts.regionId) throw new StorageError(`manifest in ${opts.dir} belongs to region ${m.regionId}, not ${opts.regionId}`);
    const listed = new Set(m.segments.flatMap((s) => (s.index ? [s.file, s.index.file] : [s.file])));
    for (const s of m.segments) {
      if (!s.index) continue;
      const size = await stat(join(segDir, s.index.file)).then((st) => st.size, () => -1);
      if (size === s.index.bytes) continue;
      const bytes = await opts.mirror?.getSegment(s.index.file);
      // An index file lost in a crash is not data: the segment reads by full scan until its index is built again.
      if (bytes && bytes.length === s.index.bytes) await writeDurable(join(segDir, s.index.file), bytes);
      else { listed.delete(s.index.file); delete s.index; }
    }
    for (const s of m.segments) {
      const path = join(segDir, s.file);
      const size = await stat(path).then((st) => st.size, () => -1);
      if (size === s.bytes) continue;
      const bytes = await opts.mirror?.getSegment(s.file);
      if (!bytes && size >= 0) throw new CorruptDataError(`segment ${path} is corrupted: ${size} bytes, the manifest of region ${opts.regionId} says ${s.bytes}`);
      if (!bytes) throw new StorageError(`segment ${s.file} listed in the manifest of region ${opts.regionId} is missing from ${opts.mirror ? 'the shared store' : segDir}`);
      await writeDurable(path, bytes);
    }
    for (const f of await readdir(segDir)) if (!listed.has(f)) await rm(join(segDir, f), { force: true });
    if (opts.mirror && !opts.readOnlyMirror) {
      // Segments a crash left in the mirror before a manifest named them.
      for (const f of await opts.mirror.listSegments()) if (!listed.has(f)) await opts.mirror.removeSegment(f);
    }
    const schema = m.schema.version > opts.schema.version ? m.schema : opts.schema;
    if (!loaded) {
      const text = await saveManifest(opts.dir, m);
      if (!opts.readOnlyMirror) await opts.mirror?.putManifest(text);
    } else if (opts.mirror && shared === null && !opts.readOnlyMirror) {
      // A region that had only local files (or was written before the mirror): the mirror gets its segments and manifest.
      for (const f of listed) await opts.mirror.putSegment(f, await readFile(join(segDir, f)));
      await opts.mirror.putManifest(manifestText(m));
    }
    return new RegionStore(opts, m, schema);
  }

  /**
   * This store becomes the region's writer (a migration candidate upgraded, a leader whose migration was rolled back):
   * claims the shared manifest, which must still name the files and flushed sequence this store holds (else
   * ManifestConflictError: another writer committed meanwhile).
   */
  async claimMirror(): Promise<void> {
    const mirror = this.opts.mirror;
    if (!mirror) return;
    await this.serial(async () => {
      const text = await mirror.getManifest();
      const shared = text === null ? null : parseManifest(text, `mirror of region ${this.opts.regionId}`);
      const files = (m: Manifest) => `${m.flushedSeq}:${m.segments.map((x) => x.file).join(',')}`;
      if (shared !== null && files(shared) !== files(this.manifest)) {
        throw new ManifestConflictError(`the shared manifest of region ${this.opts.regionId} changed since this node read it (flushed to ${shared.flushedSeq}, not ${this.manifest.flushedSeq})`);
      }
      await mirror.putManifest(text ?? manifestText(this.manifest));
    });
  }

  get flushedSeq(): number { return this.manifest.flushedSeq; }
  /** The last WAL sequence applied (flushed or in the memtable). */
  get appliedSeq(): number { return this.lastSeq; }
  get schema(): TableSchema { return this._schema; }
  get memRows(): number { return this.mem.rows; }
  get memBytes(): number { return this.mem.bytes; }
  /** Bytes of the memtables being flushed (frozen until their segment is in the manifest). */
  get flushingBytes(): number { return this.frozen.reduce((n, m) => n + m.bytes, 0); }
  /** Segments in the manifest, oldest first. */
  get segments(): readonly SegmentMeta[] { return this.manifest.segments; }
  /** The decoded-column cache this store's scans use (cache_warm.ts fills it ahead of them). */
  get cache(): DecodedCache { return this.decoded; }

  /** Applies a validated batch. Batches at or below flushedSeq are already in segments (WAL replay) and are skipped. */
  apply(batch: WriteBatch, seq: number): void {
    if (this.closed) throw new StorageError(`region ${this.opts.regionId} is closed`);
    if (seq <= this.manifest.flushedSeq) return;
    this.mem.apply(withoutDropped(batch, seq, this.droppedAt), seq, this._schema);
    if (seq > this.lastSeq) this.lastSeq = seq;
  }

  /**
   * Applies a batch of keys to delete (tag columns and the time index; other columns are ignored): tombstones that
   * hide rows of those keys with a lower sequence, in the memtable and in segments. Like apply, skipped at or below
   * flushedSeq (WAL replay). Append-mode tables keep duplicate keys, so they refuse deletes (as GreptimeDB does).
   */
  delete(batch: WriteBatch, seq: number): void {
    if (this.closed) throw new StorageError(`region ${this.opts.regionId} is closed`);
    if (this._schema.options.appendMode) throw new InvalidArgumentError(`DELETE is not allowed on append-mode table ${this._schema.name}`);
    if (seq <= this.manifest.flushedSeq) return;
    this.mem.apply(batch, seq, this._schema, Op.Delete);
    if (seq > this.lastSeq) this.lastSeq = seq;
  }

  /** Runs manifest-editing work one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(() => {
      if (this.bgError) { const e = this.bgError; this.bgError = null; throw e; }
      return fn();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** The schema a memtable's rows are sorted under: rows written before the table became append-only keep last-write-wins. */
  private schemaOf(m: Memtable): TableSchema {
    return m.lastWriteWins ? { ...this._schema, options: { ...this._schema.options, appendMode: false } } : this._schema;
  }

  /**
   * The table turns append-only: rows already written were overwrites of each other and stay so, as in GreptimeDB
   * (which flushes on such an alter). The memtable is frozen with last-write-wins and flushed; new rows go to a fresh one.
   */
  private freezeBeforeAppendMode(): void {
    for (const m of this.frozen) m.lastWriteWins = true;
    if (this.mem.rows === 0) return;
    this.mem.lastWriteWins = true;
    this.frozen.push(this.mem);
    this.mem = new Memtable(this._schema.primaryKey);
    this.flush().catch((e: unknown) => { this.bgError = e; });
  }

  private cutoff(): bigint | undefined {
    // ttl = 'instant': every row is already expired (writes are dropped; rows from before the change go at compaction)
    const ttl = this._schema.options.extra?.ttl?.trim().toLowerCase() === 'instant' ? 0 : this._schema.options.ttlMs;
    return ttl === undefined ? undefined : BigInt(Math.floor(this.clock.now() - ttl)) * 1_000_000n;
  }

  private async commit(next: Manifest): Promise<void> {
    const text = await saveManifest(this.opts.dir, next);
    try {
      await this.opts.mirror?.putManifest(text);
    } catch (e) {
      if (e instanceof ManifestConflictError) await removeUncommitted(this.opts.mirror!, this.segDir, filesOf(this.manifest.segments), filesOf(next.segments), this.writerToken);
      throw e;
    }
    this.manifest = next;
  }

  /**
   * Writes a run, or a memtable's flush source, as a new segment file row group by row group (not yet in the manifest):
   * the write never holds the whole file. The first scan opens it from disk (footer and checksum).
   */
  private async writeSegment(rows: Run | FlushSource, maxSeq: number, level: number): Promise<SegmentMeta> {
    const schema = this._schema;
    const { src, opRows } = 'src' in rows ? rows : { src: runSource(rows, runColumnNames(rows, schema.columns.map((c) => c.name)), schema.primaryKey), opRows: countOps(rows) };
    const file = `${String(this.manifest.nextFileId++).padStart(10, '0')}-${maxSeq}${this.writerToken}.arrow`;
    const path = join(this.segDir, file);
    const w = await writeSegmentFile(path, src, schema, this.compression, level, this.opts.rowGroupRows, this.opts.pageRows);
    // --storage nats: the shared copy is read back from the file
    if (this.opts.mirror) await this.opts.mirror.putSegment(file, await readFile(path));
    return { file, bytes: w.bytes, maxSeq, createdAt: this.clock.now(), ...w.meta, ...(opRows > 0 ? { deletes: opRows } : {}), crc32: w.crc32 };
  }

  private withoutExpired(run: Run): Run {
    const keep = filterRun(run, this._schema.timeIndex, { cutoff: this.cutoff() });
    return keep === null ? run : gatherRun([run], keep, run.cols.keys());
  }

  /** True when a segment older than maxSeq (Infinity: any) overlaps the time range of the run (or [lo, hi]). */
  private olderOverlap(run: Run | [bigint, bigint], maxSeq: number): boolean {
    if (!Array.isArray(run) && !run.cols.has(OP_COLUMN)) return false;
    return this.manifest.segments.some((s) => s.maxSeq < maxSeq && overlapsRun(s, run, this._schema.timeIndex));
  }

  /** Writes the memtable as one sorted, deduped segment and records it (with the new flushedSeq) in the manifest. */
  flush(): Promise<{ segment: SegmentMeta; flushedSeq: number } | null> {
    if (this.mem.rows > 0) {
      this.frozen.push(this.mem);
      this.mem = new Memtable(this._schema.primaryKey);
    }
    return this.serial(async () => {
      let result: { segment: SegmentMeta; flushedSeq: number } | null = null;
      while (this.frozen.length > 0) {
        const m = this.frozen[0]!;
        // A sorted run a scan already built is reused; otherwise the memtable is sorted into a permutation and
        // gathered a row group at a time (memtable/sorted_source.ts), or, for last_non_null, sorted into a run.
        const whole = this.sorted.whole(m);
        const older = (lo: bigint, hi: bigint) => this.olderOverlap([lo, hi], Infinity);
        let rows: Run | FlushSource | null = whole ? null : memtableSource(m, this.schemaOf(m), { cutoff: this.cutoff(), olderOverlap: older });
        if (!rows) {
          const run = this.withoutExpired(whole ?? sortMemtable(m, this.schemaOf(m)));
          rows = this.olderOverlap(run, Infinity) ? run : withoutDeletes(run, false);
        }
        const segment = ('src' in rows ? rows.src.rows : rows.rows) > 0 ? await this.writeSegment(rows, m.lastSeq, this.opts.flushLevel ?? 1) : null;
        const flushedSeq = Math.max(this.manifest.flushedSeq, m.lastSeq), sourced = this.sourced.through(flushedSeq);
        const segments = segment ? [...this.manifest.segments, segment] : this.manifest.segments;
        await this.commit({ ...this.manifest, schema: this._schema, flushedSeq, segments, sourced: sourced.length > 0 ? sourced : undefined });
        this.sourced.committed(flushedSeq, sourced);
        this.frozen.shift();
        if (segment) result = { segment, flushedSeq: this.manifest.flushedSeq };
      }
      return result;
    });
  }

  /** Deletes segment files once no scan is reading them. */
  private async removeFiles(files: string[]): Promise<void> {
    for (const f of files) {
      this.indexes.dropReader(f);
      this.handles.delete(f);
      this.decoded.dropFile(join(this.segDir, f));
      // The mirror's copy goes now: the manifest in the mirror no longer names it, and local readers use the local copy.
      await this.opts.mirror?.removeSegment(f);
      if (this.pins.get(f)) this.doomed.add(f);
      else await rm(join(this.segDir, f), { force: true });
    }
  }

  /** The parsed footer and dictionaries of a segment file, read once per file. */
  private handle(file: string): Promise<SegmentHandle> {
    let h = this.handles.get(file);
    if (!h) {
      const path = join(this.segDir, file);
      const meta = this.manifest.segments.find((s) => s.file === file);
      h = readFile(path).then((bytes) => {
        // A flipped byte or a cut file is refused with the file's name, never read as wrong rows.
        if (meta?.crc32 !== undefined && (bytes.length !== meta.bytes || crc32(bytes) !== meta.crc32)) {
          throw new CorruptDataError(`segment ${path} is corrupted: ${bytes.length !== meta.bytes ? `${bytes.length} bytes, the manifest says ${meta.bytes}` : 'checksum mismatch'}`);
        }
        return openSegment(bytes, file, meta?.groups?.map((g) => g.rows));
      });
      h.catch(() => this.handles.delete(file));
      this.handles.set(file, h);
    }
    return h;
  }

  /**
   * Reads columns of a segment (every row group, or only the listed ones, and of those only the pages `keepPage`
   * keeps) as the current schema types them, as runs in row order (through the decoded cache unless `cached` is false).
   */
  async readSegment(
    meta: SegmentMeta, names: string[], groups?: number[], cached = true,
    keepPage?: (page: PageInfo) => boolean, pickRows?: (page: PageInfo) => Uint32Array | undefined, signal?: AbortSignal,
  ): Promise<SegmentPieces> {
    const h = await this.handle(meta.file);
    const path = join(this.segDir, meta.file);
    // a cancelled scan decodes no more: checked once the bytes are in, before the (synchronous) decode
    const fetch = async (bs: number[]): Promise<Uint8Array[]> => { signal?.throwIfAborted(); const b = await readBlocks(path, h, bs); signal?.throwIfAborted(); return b; };
    // Compaction and index builds read whole segments once, just before deleting them or never again: caching them
    // would only evict what scans use.
    const pieces = !cached && !groups && !keepPage
      ? { runs: [decodeBlocks(h, await fetch(h.blocks.map((_, i) => i)), this._schema, names)], from: [0] }
      : await readGroups(h, groups ?? h.groupBlocks.slice(0, -1).map((_, i) => i), this._schema, names, fetch, cached ? this.decoded : NO_CACHE, path, keepPage, pickRows);
    return { ...pieces, runs: pieces.runs.map((run) => conformRun(run, meta.schemaVersion, this._schema)) };
  }

  /** A segment as a compaction input (merge_source.ts): its blocks read once, its columns decoded as the merge needs them. */
  private async mergeInput(meta: SegmentMeta, names: string[]): Promise<MergeInput> {
    const h = await this.handle(meta.file);
    const blocks = await readBlocks(join(this.segDir, meta.file), h, h.blocks.map((_, i) => i));
    return segmentInput(h, blocks, meta.schemaVersion, this._schema, names);
  }

  private async dropExpiredLocked(): Promise<number> {
    const cutoff = this.cutoff();
    if (cutoff === undefined) return 0;
    const expired = this.manifest.segments.filter((s) => BigInt(s.maxTs) < cutoff);
    if (expired.length === 0) return 0;
    await this.commit({ ...this.manifest, schema: this._schema, segments: this.manifest.segments.filter((s) => !expired.includes(s)) });
    await this.removeFiles(filesOf(expired));
    return expired.length;
  }

  /** Deletes segments whose every row is past the TTL. */
  dropExpired(): Promise<number> {
    return this.serial(() => this.dropExpiredLocked());
  }

  /** Drops expired segments, then merges small segments of each time window into one sorted, deduped segment. */
  compact(): Promise<{ merged: number; written: number; expired: number }> {
    return this.serial(async () => {
      const expired = await this.dropExpiredLocked();
      const windowNs = BigInt(Math.max(1, Math.round((this.opts.compactionWindowMs ?? DAY_MS) * 1e6)));
      const jobs = pickCompactions(this.manifest.segments, windowNs, this.opts.compactionMaxBytes ?? 256 * 1024 * 1024, this.opts.compactionJobBytes ?? 256 * 1024 * 1024);
      let merged = 0, written = 0;
      const names = this._schema.columns.map((c) => c.name);
      for (const job of jobs) {
        const inputs = await Promise.all(job.map((s) => this.mergeInput(s, s.deletes ? [...names, OP_COLUMN] : names)));
        // Tombstones (and Replace marks) matter only while an older segment may hold rows of their keys.
        const firstSeq = Math.min(...job.map((s) => s.maxSeq));
        const olderOverlap = (rows: Run) => this.manifest.segments.some((s) => !job.includes(s) && s.maxSeq < firstSeq && overlapsRun(s, rows, this._schema.timeIndex));
        // The merge is gathered a row group at a time as the file is written (merge_source.ts); a last_non_null merge
        // collapses rows field by field into a run first.
        let rows: Run | FlushSource | null = mergedSource(inputs, this._schema, names, { cutoff: this.cutoff(), olderOverlap });
        if (!rows) {
          const runs = (await Promise.all(job.map((s) => this.readSegment(s, s.deletes ? [...names, OP_COLUMN] : names, undefined, false)))).flatMap((p) => p.runs);
          const run = this.withoutExpired(mergeToRun(runs, this._schema, names));
          rows = withoutDeletes(run, olderOverlap(run));
        }
        const maxSeq = Math.max(...job.map((s) => s.maxSeq));
        const out = ('src' in rows ? rows.src.rows : rows.rows) > 0 ? await this.writeSegment(rows, maxSeq, this.opts.compactLevel ?? 3) : null;
        const kept = this.manifest.segments.filter((s) => !job.includes(s));
        if (out) kept.push(out);
        await this.commit({ ...this.manifest, schema: this._schema, segments: kept.sort((a, b) => a.maxSeq - b.maxSeq) });
        await this.removeFiles(filesOf(job));
        merged += job.length;
        if (out) written++;
      }
      return { merged, written, expired };
    });
  }

  /** Merged view of segments and memtables. Returns one record batch (or none when nothing matches); `stats` gets what indexes did. */
  async scan(req: ScanRequest = {}, stats?: ScanStats): Promise<RecordBatch[]> {
    if (this.closed) throw new StorageError(`region ${this.opts.regionId} is closed`);
    req.signal?.throwIfAborted();
    const segments = this.manifest.segments;
    return this.pinned(segments, () => {
      const memRuns = [...this.frozen, this.mem].filter((m) => m.rows > 0).flatMap((m) => this.sorted.of(m, this.schemaOf(m)));
      return scanSnapshot({
        schema: this._schema, segments, memRuns, cutoff: this.cutoff(),
        readSegment: (meta, names, groups, keepPage, pickRows) => this.readSegment(meta, names, groups, true, keepPage, pickRows, req.signal),
        prune: (meta, preds) => this.indexes.prune(meta, preds, req.queryId),
      }, req, stats);
    });
  }

  stats(): RegionStats {
    return regionStats(this.opts.regionId, this.manifest, this.mem, this.frozen, this.lastSeq, this._schema);
  }

  /**
   * Adopts a newer schema: added columns read as their default (or null) from older data; tags may only be appended
   * to the key; retyped fields keep their data as written and are cast on read; dropped fields' data is forgotten.
   */
  alterSchema(schema: TableSchema): void {
    checkSchemaChange(this._schema, schema);
    const dropped = droppedColumns(this._schema, schema);
    for (const n of dropped) this.droppedAt[n] = this.lastSeq;
    const grew = schema.primaryKey.length > this._schema.primaryKey.length;
    const added = schema.primaryKey.slice(this._schema.primaryKey.length).map((n) => schema.columns.find((c) => c.name === n)!);
    if (schema.options.appendMode && !this._schema.options.appendMode) this.freezeBeforeAppendMode();
    this._schema = schema;
    for (const m of [...this.frozen, this.mem]) {
      if (dropped.length > 0) m.dropColumns(dropped);
      if (grew) m.extendTags(schema.primaryKey, added.map((c) => defaultOf(c) as string | null));
      else m.invalidate();
    }
    const droppedAt = { ...this.droppedAt };
    this.serial(() => this.commit({ ...this.manifest, schema, ...(Object.keys(droppedAt).length ? { droppedAt } : {}) })).catch((e: unknown) => { this.bgError = e; });
  }

  /** Drops every row: memtables and segments. flushedSeq moves to the last applied sequence so a WAL replay skips them. */
  truncate(): Promise<void> {
    this.mem = new Memtable(this._schema.primaryKey);
    this.frozen = [];
    return this.serial(async () => {
      const files = filesOf(this.manifest.segments);
      await this.commit({ ...this.manifest, schema: this._schema, segments: [], flushedSeq: Math.max(this.manifest.flushedSeq, this.lastSeq) });
      await this.removeFiles(files);
    });
  }

  /** Waits for running flushes and compactions; the memtable is not flushed (the WAL still holds it). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    if (this.bgError) throw this.bgError;
  }
}
