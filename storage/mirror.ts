// A shared copy of a region's files (segments and manifest) beside the local directory, so that any node can open the region.
import { StorageError } from '../core/index.ts';

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
