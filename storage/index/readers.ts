// Parsed index files kept between scans: the file's table, and each index opened by its kind once.
import { decodeIndexFile, indexKind, type IndexEntry, type IndexFile, type RowSelection } from '../../core/index.ts';
import { zstdDecode } from '../codec.ts';

/** Index files are stored as one zstd frame (magic 28 b5 2f fd); an uncompressed file is read as it is. */
export function indexFileBytes(stored: Uint8Array): Uint8Array {
  const zstd = stored.length >= 4 && stored[0] === 0x28 && stored[1] === 0xb5 && stored[2] === 0x2f && stored[3] === 0xfd;
  return zstd ? zstdDecode(stored) : stored;
}

export interface OpenIndex {
  name: string;
  file: IndexFile;
  /** Bytes the open file holds (its decompressed bytes, which the readers view). */
  bytes: number;
  /** The entry's reader (its kind's `open`), parsed on first use; undefined when the kind is not in this build or cannot read the blob. */
  reader(e: IndexEntry): unknown;
  /**
   * The entry's answer to a predicate (`key`: the predicate's text), computed once while it stays small: the file is
   * immutable, so a repeated needle (a dashboard's panel, a warm box) asks the index once, not once per scan.
   */
  answer(e: IndexEntry, key: string, compute: () => RowSelection | undefined): RowSelection | undefined;
}

/** Answers kept per index entry (the most recent), and the most ranges a kept answer holds. */
const ANSWERS_KEPT = 16;
const ANSWER_RANGES = 1024;

export function openIndexFile(bytes: Uint8Array, name: string): OpenIndex {
  const raw = indexFileBytes(bytes);
  const file = decodeIndexFile(raw, name);
  const readers = new Map<IndexEntry, unknown>();
  const answers = new Map<IndexEntry, Map<string, RowSelection | undefined>>();
  return {
    name, file, bytes: raw.byteLength,
    answer(e, key, compute) {
      let m = answers.get(e);
      if (m === undefined) answers.set(e, m = new Map());
      if (m.has(key)) {
        const hit = m.get(key);
        m.delete(key); m.set(key, hit); // most recently used last
        return hit;
      }
      const got = compute();
      if (got === undefined || got.start.length <= ANSWER_RANGES) {
        m.set(key, got);
        if (m.size > ANSWERS_KEPT) m.delete(m.keys().next().value!);
      }
      return got;
    },
    reader(e) {
      if (!readers.has(e)) {
        const k = indexKind(e.kind);
        // a blob this build cannot read (damaged, an older format) only costs its pruning
        let r: unknown;
        try { r = k ? k.open(file.blob(e)) : undefined; } catch { r = undefined; }
        readers.set(e, r);
      }
      return readers.get(e);
    },
  };
}

/**
 * Open index files by key (their path: unique across the regions sharing the cache), most recently used last; the
 * oldest go past `maxBytes` of what they hold (the decompressed file once parsed, its stored size until then), so a
 * warm scan neither re-reads nor re-parses a file while the node's files fit.
 */
/** The most a node's parsed index files hold: 256 MiB, less when its memory budget is small (MemoryBudget.indexShare). */
export const INDEX_CACHE_BYTES = 256 * 1024 * 1024;

export class IndexReaders {
  private readonly open = new Map<string, { idx: Promise<OpenIndex>; bytes: number }>();
  private total = 0;
  constructor(private maxBytes = INDEX_CACHE_BYTES) {}

  get bytes(): number { return this.total; }
  get budgetBytes(): number { return this.maxBytes; }

  /** Changes the bound (the node's share of its memory budget), dropping the least recently used files past it. */
  resize(bytes: number): void {
    this.maxBytes = Math.max(0, bytes);
    this.evict('');
  }

  get(key: string, storedBytes: number, load: () => Promise<Uint8Array>): Promise<OpenIndex> {
    const hit = this.open.get(key);
    if (hit) { this.open.delete(key); this.open.set(key, hit); return hit.idx; }
    const idx = load().then((b) => openIndexFile(b, key));
    const entry = { idx, bytes: storedBytes };
    this.open.set(key, entry);
    this.total += storedBytes;
    idx.then((o) => {
      if (this.open.get(key) !== entry) return;
      this.total += o.bytes - entry.bytes;
      entry.bytes = o.bytes;
      this.evict(key);
    }, () => this.drop(key));
    this.evict(key);
    return idx;
  }

  /** Drops the least recently used entries past the budget (not `keep`, the one just asked for). */
  private evict(keep: string): void {
    for (const [k, v] of this.open) {
      if (this.total <= this.maxBytes) break;
      if (k === keep) continue;
      this.open.delete(k);
      this.total -= v.bytes;
    }
  }

  drop(key: string): void {
    const hit = this.open.get(key);
    if (!hit) return;
    this.open.delete(key);
    this.total -= hit.bytes;
  }
}

/** The process-wide cache every region's indexes share (a bound per node, not per region). */
export const sharedIndexReaders = new IndexReaders();
