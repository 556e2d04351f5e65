// A flush held at the storage failpoint (storage/segment/write.ts `storageFaults`): the memory budget tests hold the
// first segment write until they let it go, so memtables fill the writes' share.
import { afterAll, beforeAll } from 'vitest';
import { storageFaults } from '../../../storage/index.ts';
import type { NodeConfig } from '../../../actors/config.ts';
import { startNode, tempDir } from '../../harness/index.ts';

export interface HeldFlush {
  /** Resolves when a segment write reached the failpoint (a flush is in progress and held). */
  reached: Promise<void>;
  /** Lets the held write, and every later one, through. */
  go: () => void;
  /** Removes the failpoint (after go). */
  restore: () => void;
}

export function holdFlushes(): HeldFlush {
  let flushReached!: () => void;
  const reached = new Promise<void>((r) => { flushReached = r; });
  let go!: () => void;
  const released = new Promise<void>((r) => { go = r; });
  storageFaults.beforeWrite = async (path) => {
    if (!path.endsWith('.arrow')) return;
    flushReached();
    await released;
  };
  return { reached, go, restore: () => { go(); delete storageFaults.beforeWrite; } };
}

type Node = Awaited<ReturnType<typeof startNode>>;

/**
 * A node with a tiny --memory-limit-mb (1 MiB) whose flushes are held (holdFlushes), started before the file's tests and
 * stopped after them. `get()` is the running node and its held flush.
 */
export function heldNodeForFile(overrides: Partial<NodeConfig> = {}): () => { node: Node; held: HeldFlush } {
  let node: Node | undefined;
  let held: HeldFlush | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  beforeAll(async () => {
    dir = tempDir();
    held = holdFlushes();
    node = await startNode({ data: dir.path, overrides: { memoryLimitMb: 1, ...overrides } });
  }, 60_000);
  afterAll(async () => {
    held?.restore();
    await node?.stop();
    dir?.cleanup();
  });
  return () => ({ node: node!, held: held! });
}
