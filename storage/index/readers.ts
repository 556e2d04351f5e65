// Parsed index files kept between scans: the file's table, and each index opened by its kind once.
import { decodeIndexFile, indexKind, type IndexEntry, type IndexFile } from '../../core/index.ts';
import { zstdDecode } from '../codec.ts';

/** Index files are stored as one zstd frame (magic 28 b5 2f fd); an uncompressed file is read as it is. */
export function indexFileBytes(stored: Uint8Array): Uint8Array {
  const zstd = stored.length >= 4 && stored[0] === 0x28 && stored[1] === 0xb5 && stored[2] === 0x2f && stored[3] === 0xfd;
  return zstd ? zstdDecode(stored) : stored;
}

export interface OpenIndex {
  name: string;
  file: IndexFile;
  /** The entry's reader (its kind's `open`), parsed on first use; undefined when the kind is not in this build or cannot read the blob. */
  reader(e: IndexEntry): unknown;
}

export function openIndexFile(bytes: Uint8Array, name: string): OpenIndex {
  const file = decodeIndexFile(indexFileBytes(bytes), name);
  const readers = new Map<IndexEntry, unknown>();
  return {
    name, file,
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

/** Open index files by name, most recently used last; the oldest go past `maxBytes` of file bytes. */
export class IndexReaders {
  private readonly open = new Map<string, { idx: Promise<OpenIndex>; bytes: number }>();
  private total = 0;
  constructor(private readonly maxBytes = 256 * 1024 * 1024) {}

  get(name: string, bytes: number, load: () => Promise<Uint8Array>): Promise<OpenIndex> {
    const hit = this.open.get(name);
    if (hit) { this.open.delete(name); this.open.set(name, hit); return hit.idx; }
    const idx = load().then((b) => openIndexFile(b, name));
    idx.catch(() => this.drop(name));
    this.open.set(name, { idx, bytes });
    this.total += bytes;
    for (const [k, v] of this.open) {
      if (this.total <= this.maxBytes || k === name) break;
      this.open.delete(k);
      this.total -= v.bytes;
    }
    return idx;
  }

  drop(name: string): void {
    const hit = this.open.get(name);
    if (!hit) return;
    this.open.delete(name);
    this.total -= hit.bytes;
  }
}
