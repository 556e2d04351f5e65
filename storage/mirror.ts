// A shared copy of a region's files (segments and manifest) beside the local directory, so that any node can open the region.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../core/index.ts';
import type { SegmentMeta } from './types.ts';

/**
 * The shared manifest was put by another writer since this one last read or wrote it: a newer leader of the region
 * claimed it (its open puts the manifest it read again, see RegionStore.open). The put did not happen; this writer must not commit anything more.
 */
export class ManifestConflictError extends StorageError {}

/**
 * Where a region's files are shared when nodes must share them (`--storage nats`: a JetStream object
 * store). The local directory stays the working copy and read cache: segments are written there first
 * and read from there; the mirror holds the authoritative manifest and every segment it names. Order of
 * writes: a segment is in the mirror before any manifest names it, and a segment leaves the mirror only
 * after a manifest that no longer names it is in the mirror. Implemented outside storage/ (no NATS here).
 */
export interface SegmentMirror {
  /** The manifest as last put, or null when the region is new to the mirror. */
  getManifest(): Promise<string | null>;
  /**
   * Puts the manifest, on condition that nobody else put it since this mirror last read or put it (a compare-and-set
   * on its version): else ManifestConflictError and nothing is put. The region's writer commits through it, so a stale
   * leader (paused past its term) cannot commit a flush, or purge the WAL after one, over a newer leader's files.
   */
  putManifest(text: string): Promise<void>;
  /** Stores a segment durably; resolves once it can be read back from any node. */
  putSegment(file: string, bytes: Uint8Array): Promise<void>;
  /** A segment's bytes, or null when the mirror does not have it. */
  getSegment(file: string): Promise<Uint8Array | null>;
  removeSegment(file: string): Promise<void>;
  /** Segment files the mirror holds for this region. */
  listSegments(): Promise<string[]>;
  /** Removes everything of this region (DROP TABLE). */
  destroy(): Promise<void>;
}

/** A segment's files: the segment and its index file. */
export function filesOf(segments: readonly SegmentMeta[]): string[] {
  return segments.flatMap((s) => (s.index ? [s.file, s.index.file] : [s.file]));
}

/**
 * A token put in the name of every segment a writer stores in a mirror: two writers of one region (a stale leader and
 * the newer one, both naming files from the same manifest's next file id) never write the same name, so one never
 * replaces or removes the other's file. Empty without a mirror (one writer).
 */
export function writerToken(mirror: SegmentMirror | undefined): string {
  return mirror ? `-w${randomBytes(4).toString('hex')}` : '';
}

/**
 * A newer writer claimed the shared manifest and this writer's next one (naming `refused`) was not put: the files it
 * named that this writer wrote (`token` in their names) and `committed` does not name are in no manifest and never
 * will be, so they go now rather than at the region's next open. Best effort: what is left goes then.
 */
export async function removeUncommitted(mirror: SegmentMirror, segDir: string, committed: string[], refused: string[], token: string): Promise<void> {
  const kept = new Set(committed);
  for (const f of refused) {
    if (kept.has(f) || !token || !f.includes(token)) continue;
    await mirror.removeSegment(f).catch(() => undefined);
    await rm(join(segDir, f), { force: true }).catch(() => undefined);
  }
}
