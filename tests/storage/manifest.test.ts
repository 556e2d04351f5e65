// Crash safety: orphan segments and stale manifest temp files are cleaned on open; a corrupted manifest is a clear error.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../core/index.ts';
import { MANIFEST_FILE, RegionStore } from '../../storage/index.ts';
import { batchOf, cpuSchema, rowsOf, tempDir } from './fixtures.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0)) await c(); });

const schema = cpuSchema();

async function regionWithOneSegment() {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  const store = await RegionStore.open({ dir: t.dir, regionId: '7', schema });
  store.apply(batchOf(schema, [{ host: 'a', region: 'eu', usage_user: 1, ts: 1n }]), 1);
  await store.flush();
  await store.close();
  return t.dir;
}

describe('manifest and recovery', () => {
  it('deletes a segment file the manifest does not name (crash between segment write and manifest edit)', async () => {
    const dir = await regionWithOneSegment();
    const segs = join(dir, 'segments');
    const [kept] = await readdir(segs);
    // A crash after writing the next flush's file but before its manifest edit leaves this behind.
    await writeFile(join(segs, '0000000099-2.arrow'), await readFile(join(segs, kept!)));
    const store = await RegionStore.open({ dir, regionId: '7', schema });
    expect(await readdir(segs)).toEqual([kept]);
    expect(rowsOf(await store.scan({}))).toHaveLength(1);
    expect(store.flushedSeq).toBe(1);
  });

  it('ignores and removes a stale manifest temp file (crash before rename)', async () => {
    const dir = await regionWithOneSegment();
    await writeFile(join(dir, `${MANIFEST_FILE}.tmp-123-deadbeef`), '{"checksum":"x","manifest":{"half":');
    const store = await RegionStore.open({ dir, regionId: '7', schema });
    expect(rowsOf(await store.scan({}))).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual([MANIFEST_FILE, 'segments']);
  });

  it('keeps the old manifest intact after a crash mid-edit: the new segment is not visible, the old data is', async () => {
    const dir = await regionWithOneSegment();
    const old = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    const store = await RegionStore.open({ dir, regionId: '7', schema });
    store.apply(batchOf(schema, [{ host: 'b', region: 'eu', usage_user: 2, ts: 2n }]), 2);
    await store.flush();
    await store.close();
    // Simulate losing the rename: put the old manifest back, leave the new segment as an orphan.
    await writeFile(join(dir, MANIFEST_FILE), old);
    const again = await RegionStore.open({ dir, regionId: '7', schema });
    expect(again.flushedSeq).toBe(1);
    expect(rowsOf(await again.scan({})).map((r) => r.host)).toEqual(['a']);
    expect(await readdir(join(dir, 'segments'))).toHaveLength(1);
  });

  it('fails with a clear error on a corrupted manifest', async () => {
    const dir = await regionWithOneSegment();
    const text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
    await writeFile(join(dir, MANIFEST_FILE), text.slice(0, text.length / 2));
    await expect(RegionStore.open({ dir, regionId: '7', schema })).rejects.toThrow(/corrupted manifest .*not valid JSON/);
    await writeFile(join(dir, MANIFEST_FILE), text.replace('"flushedSeq":1', '"flushedSeq":9'));
    const err = await RegionStore.open({ dir, regionId: '7', schema }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/corrupted manifest .*checksum mismatch/);
  });

  it('fails with a clear error when a listed segment is missing, or the manifest is another region\'s', async () => {
    const dir = await regionWithOneSegment();
    await expect(RegionStore.open({ dir, regionId: '8', schema })).rejects.toThrow(/belongs to region 7/);
    const [seg] = await readdir(join(dir, 'segments'));
    await rm(join(dir, 'segments', seg!));
    await expect(RegionStore.open({ dir, regionId: '7', schema })).rejects.toThrow(new RegExp(`segment ${seg} listed in the manifest .* is missing`));
  });

  it('keeps a segment a running scan reads until the scan ends, even when compaction replaces it', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const store = await RegionStore.open({ dir: t.dir, regionId: '7', schema });
    for (let k = 1; k <= 3; k++) {
      store.apply(batchOf(schema, [{ host: 'a', region: 'eu', usage_user: k, ts: BigInt(k) }]), k);
      await store.flush();
    }
    const scanning = store.scan({});
    await store.compact();
    expect(rowsOf(await scanning).map((r) => r.usage_user)).toEqual([1, 2, 3]);
    expect(await readdir(join(t.dir, 'segments'))).toHaveLength(1);
  });
});
