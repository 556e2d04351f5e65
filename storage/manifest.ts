// The region manifest: segment list, flushed sequence and schema, replaced atomically (temp, fsync, rename, fsync dir).
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError, type TableSchema } from '../core/index.ts';
import type { SegmentMeta } from './types.ts';
import type { SourcedKey } from './sourced.ts';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 1;

export interface Manifest {
  format: number;
  regionId: string;
  schema: TableSchema;
  /** WAL sequence of the last row included in the segments. */
  flushedSeq: number;
  nextFileId: number;
  segments: SegmentMeta[];
  /**
   * Fields dropped (or dropped and added again) -> the last WAL sequence applied before: a WAL replay strips them
   * from batches at or below it, so a column added back under the name does not get the old values.
   */
  droppedAt?: Record<string, number>;
  /** Idempotency keys of keyed writes the segments hold, for as long as a redelivery can come (sourced.ts). */
  sourced?: SourcedKey[];
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/** Replaces `dir/name` with `text` so that a crash leaves either the old or the new content. */
export async function atomicWrite(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, name));
  await fsyncDir(dir);
}

/** The manifest file's text: the manifest and its checksum. */
export function manifestText(m: Manifest): string {
  const body = JSON.stringify(m);
  return `{"checksum":"${checksum(body)}","manifest":${body}}\n`;
}

/** Writes the manifest atomically; returns the text written (what a mirror stores too). */
export async function saveManifest(dir: string, m: Manifest): Promise<string> {
  const text = manifestText(m);
  await atomicWrite(dir, MANIFEST_FILE, text);
  return text;
}

/** Reads the manifest (null when the region is new) and removes temp files a crash left behind. */
export async function loadManifest(dir: string): Promise<Manifest | null> {
  for (const f of await readdir(dir)) {
    if (f.startsWith(`${MANIFEST_FILE}.tmp-`)) await rm(join(dir, f), { force: true });
  }
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StorageError(`cannot read manifest ${path}: ${(e as Error).message}`, e);
  }
  return parseManifest(text, path);
}

/** Checks and parses a manifest's text; `where` names its origin in errors. */
export function parseManifest(text: string, path: string): Manifest {
  let parsed: { checksum?: unknown; manifest?: Manifest };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (e) {
    throw new StorageError(`corrupted manifest ${path}: not valid JSON (${(e as Error).message})`, e);
  }
  const m = parsed.manifest;
  if (!m || typeof parsed.checksum !== 'string') throw new StorageError(`corrupted manifest ${path}: missing checksum or body`);
  if (checksum(JSON.stringify(m)) !== parsed.checksum) throw new StorageError(`corrupted manifest ${path}: checksum mismatch`);
  if (m.format !== FORMAT) throw new StorageError(`manifest ${path} has format ${m.format}, this build reads ${FORMAT}`);
  return m;
}

export function newManifest(regionId: string, schema: TableSchema): Manifest {
  return { format: FORMAT, regionId, schema, flushedSeq: 0, nextFileId: 1, segments: [] };
}
