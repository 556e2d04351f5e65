// Builds the index file of one segment from its decoded columns, one blob per wanted index.
import { encodeIndexFile, indexKind, type IndexBlob, type IndexSpec } from '../../core/index.ts';
import type { Run } from '../types.ts';

/**
 * Index file bytes for the specs whose kind is registered and whose columns the segment holds; `sizes` is parallel to
 * specs (0 for one that could not be built: it is still recorded as considered, so it is not retried forever). Each
 * index reads only its own columns (`read`), and drops them before the next: a segment's ten tag columns decoded at
 * once held ~50 MiB per 1M rows while the index was built, right after the flush that made the segment.
 */
export async function buildIndexFile(read: (names: string[]) => Promise<Run>, specs: IndexSpec[]): Promise<{ bytes: Uint8Array; keys: string[]; sizes: number[] }> {
  const blobs: IndexBlob[] = [];
  const sizes: number[] = [];
  for (const s of specs) {
    const kind = indexKind(s.kind);
    sizes.push(0);
    if (!kind) continue;
    // a turn of the event loop between indexes: writes and scans of the region go on while a big segment is indexed
    await new Promise<void>((r) => setImmediate(r));
    const run = await read(s.columns);
    const cols = s.columns.map((c) => run.cols.get(c));
    if (cols.some((c) => !c || !kind.supports(c.type))) continue;
    const bytes = kind.build(cols.map((c) => c!), run.rows, kind.options(s.options, s.columns[0]!));
    sizes[sizes.length - 1] = bytes.length;
    blobs.push({ kind: s.kind, columns: s.columns, key: s.key, bytes });
  }
  return { bytes: encodeIndexFile(blobs), keys: specs.map((s) => s.key), sizes };
}
