// Two writers of one region on a shared mirror (a stale leader and the newer one that claimed the manifest): the
// stale writer's refused flush leaves no file behind (both took the same next file id: their names still differ, so
// neither replaced nor removed the other's file).
import { afterEach, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestConflictError, RegionStore, type SegmentMirror } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, tempDir } from './fixtures.ts';

/** One region's shared files in memory; each mirror instance compare-and-sets the manifest on the version it saw. */
class Bucket {
  manifest: { text: string; version: number } | null = null;
  readonly files = new Map<string, Uint8Array>();
  mirror(): SegmentMirror {
    let seen: number | null = null;
    return {
      getManifest: async () => { seen = this.manifest?.version ?? null; return this.manifest?.text ?? null; },
      putManifest: async (text) => {
        if (this.manifest && seen !== null && this.manifest.version !== seen) throw new ManifestConflictError('claimed by another writer');
        this.manifest = { text, version: (this.manifest?.version ?? 0) + 1 };
        seen = this.manifest.version;
      },
      putSegment: async (f, b) => { this.files.set(f, b); },
      getSegment: async (f) => this.files.get(f) ?? null,
      removeSegment: async (f) => { this.files.delete(f); },
      listSegments: async () => [...this.files.keys()],
      destroy: async () => { this.files.clear(); },
    };
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

describe('a stale writer of a shared region', () => {
  it('leaves no segment when its manifest commit is refused; the newer writer\'s files stay', async () => {
    const schema = cpuSchema();
    const bucket = new Bucket();
    const open = async () => {
      const t = await tempDir();
      cleanups.push(t.cleanup);
      return { dir: t.dir, store: await RegionStore.open({ dir: t.dir, regionId: '4398046511104', schema, mirror: bucket.mirror() }) };
    };
    const rows = (n: number, at: number) => batchOf(schema, Array.from({ length: n }, (_, i) => ({ host: `h${i}`, region: 'r', usage_user: i, ts: at + i })));
    const stale = await open();
    stale.store.apply(rows(5, 1000), 1);
    await stale.store.flush();
    expect(bucket.files.size).toBe(1);
    // The newer leader opens the region (claims the manifest), both flush what they hold from the same next file id.
    const fresh = await open();
    fresh.store.apply(rows(3, 2000), 2);
    stale.store.apply(rows(4, 3000), 2);
    await fresh.store.flush();
    // The stale writer flushes after it: its commit is refused, and (same file id, same last sequence) its segment
    // must not have replaced the newer writer's committed one.
    await expect(stale.store.flush()).rejects.toBeInstanceOf(ManifestConflictError);
    const named = (JSON.parse(bucket.manifest!.text) as { manifest: { segments: { file: string }[] } }).manifest.segments.map((s) => s.file).sort();
    expect([...bucket.files.keys()].sort()).toEqual(named);
    expect(named).toHaveLength(2);
    // What the manifest names holds the newer writer's rows, not the stale writer's that had the same next file id.
    const reader = await open();
    expect(rowsOf(await reader.store.scan({})).map((r) => Number(r.ts)).sort((a, b) => a - b)).toEqual([1000, 1001, 1002, 1003, 1004, 2000, 2001, 2002]);
    // Nor in the stale writer's own directory.
    expect((await readdir(join(stale.dir, 'segments'))).filter((f) => !named.includes(f))).toEqual([]);
  });
});
