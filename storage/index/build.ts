// Builds the index file of one segment from its decoded columns, one blob per wanted index.
import { encodeIndexFile, indexKind, type IndexBlob, type IndexSpec } from '../../core/index.ts';
import type { Run } from '../types.ts';

/**
 * Index file bytes for the specs whose kind is registered and whose columns the run holds; `sizes` is parallel to
 * specs (0 for one that could not be built: it is still recorded as considered, so it is not retried forever).
 */
export async function buildIndexFile(run: Run, specs: IndexSpec[]): Promise<{ bytes: Uint8Array; keys: string[]; sizes: number[] }> {
  const blobs: IndexBlob[] = [];
  const sizes: number[] = [];
  for (const s of specs) {
    const kind = indexKind(s.kind);
    const cols = s.columns.map((c) => run.cols.get(c));
    sizes.push(0);
    if (!kind || cols.some((c) => !c || !kind.supports(c.type))) continue;
    const opts = kind.options(s.options, s.columns[0]!);
    // a turn of the event loop between indexes: writes and scans of the region go on while a big segment is indexed
    await new Promise<void>((r) => setImmediate(r));
    const bytes = kind.build(cols.map((c) => c!), run.rows, opts);
    sizes[sizes.length - 1] = bytes.length;
    blobs.push({ kind: s.kind, columns: s.columns, key: s.key, bytes });
  }
  return { bytes: encodeIndexFile(blobs), keys: specs.map((s) => s.key), sizes };
}
