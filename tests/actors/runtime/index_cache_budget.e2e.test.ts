// A node sizes the process-wide cache of parsed index files from its memory budget, as it sizes the decoded-page
// cache: an eighth of --memory-limit-mb, at most 256 MiB.
import { describe, expect, it } from 'vitest';
import { startNode, tempDir } from '../../harness/index.ts';
import { INDEX_CACHE_BYTES, sharedIndexReaders } from '../../../storage/index.ts';

const MiB = 1024 * 1024;

describe('index file cache under the memory budget', () => {
  for (const [limitMb, want] of [[64, 8 * MiB], [4096, INDEX_CACHE_BYTES]] as const) {
    it(`--memory-limit-mb ${limitMb}: ${want / MiB} MiB of index files`, async () => {
      const dir = tempDir();
      const node = await startNode({ data: dir.path, overrides: { memoryLimitMb: limitMb } });
      try {
        expect(sharedIndexReaders.budgetBytes).toBe(want);
        expect(node.memory.indexShare(INDEX_CACHE_BYTES)).toBe(want);
      } finally {
        await node.stop();
        dir.cleanup();
      }
    }, 60_000);
  }
});
