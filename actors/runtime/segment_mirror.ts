// `--storage nats`: region segments and manifests in a JetStream object store (eddy_segments), shared by every datanode.
import type { JetStreamClient } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { createHash } from 'node:crypto';
import { Buckets, StorageError } from '../../core/index.ts';
import { ManifestConflictError, type SegmentMirror } from '../../storage/index.ts';
import { ensureAsset } from './js_assets.ts';
import { isTimeout, jsCall } from './js_call.ts';

const dec = new TextDecoder();
const enc = new TextEncoder();
/** Object store chunks: fewer, larger messages than the client's 128 KiB default (the server clamps to its max payload). */
const CHUNK_BYTES = 1024 * 1024;
/** How often a read in progress checks that its object was not replaced meanwhile. */
const REPLACED_POLL_MS = 500;
/** Reads started over on a newer version before giving up (an object rewritten without pause). */
const MAX_REREADS = 5;
const REPLACED = Symbol('replaced');
/** A put's attempt is bounded by PUT_ATTEMPT_MS plus its size at PUT_BYTES_PER_MS (~1 MB/s: a loaded shared machine). */
const PUT_ATTEMPT_MS = 5_000;
const PUT_BYTES_PER_MS = 1_000;
/** A listing of the whole bucket (a region opening) reads every object's info. */
const LIST_ATTEMPT_MS = 15_000;

/** Opens (creating if needed) the shared bucket once per node; regions get a mirror each from `forRegion`. */
export class SharedSegments {
  private constructor(private readonly os: ObjectStore) {}

  static async open(js: JetStreamClient, replicas = 1): Promise<SharedSegments> {
    const os = await ensureAsset(`object store ${Buckets.segments}`, () => new Objm(js).create(Buckets.segments, { replicas }));
    return new SharedSegments(os);
  }

  forRegion(regionId: string): SegmentMirror {
    return new RegionMirror(this.os, regionId);
  }
}

class RegionMirror implements SegmentMirror {
  private readonly prefix: string;
  /** The manifest's version (its meta message's stream sequence) as this mirror last read or put it; null: none yet. */
  private revision: number | null = null;
  constructor(private readonly os: ObjectStore, private readonly regionId: string) {
    this.prefix = `${regionId}/segments/`;
  }

  private get manifestName(): string {
    return `${this.regionId}/manifest.json`;
  }

  /**
   * Stores an object; with `previousRevision`, only if its current version is that one (else ManifestConflictError).
   * Each attempt is bounded by the object's size and made again when unanswered (js_call.ts): a put is the same made
   * twice. A compare-and-set whose unanswered attempt did land then meets its own version: it is recognised by its
   * digest, not taken for another node's write.
   */
  private async put(name: string, bytes: Uint8Array, previousRevision?: number): Promise<number> {
    let unanswered = false;
    try {
      return await jsCall(async () => (await this.os.putBlob({ name, options: { max_chunk_size: CHUNK_BYTES } }, bytes, previousRevision === undefined ? undefined : { previousRevision })).revision, {
        what: `storing ${name} in the shared store ${Buckets.segments}`, safe: true, attemptMs: PUT_ATTEMPT_MS + bytes.length / PUT_BYTES_PER_MS,
        onRetry: (e) => { if (isTimeout(e)) unanswered = true; },
      });
    } catch (e) {
      const msg = (e as Error).message;
      // JetStream's answer to a failed Nats-Expected-Last-Subject-Sequence (error code 10071)
      if (previousRevision !== undefined && /wrong last sequence/i.test(msg)) {
        const mine = unanswered ? await this.landed(name, bytes) : null;
        if (mine !== null) return mine;
        throw new ManifestConflictError(`${name} in the shared store ${Buckets.segments} was written by another node since this one read it (version ${previousRevision}): a newer leader owns region ${this.regionId}`, e);
      }
      if (e instanceof StorageError) throw e;
      throw new StorageError(`cannot store ${name} in the shared store ${Buckets.segments}: ${msg}`, e);
    }
  }

  /** The version of `name` if its current content is `bytes` (an attempt whose answer was lost stored it), else null. */
  private async landed(name: string, bytes: Uint8Array): Promise<number | null> {
    const info = await jsCall(() => this.os.info(name), { what: `reading ${name}`, safe: true }).catch(() => null);
    if (!info || info.deleted) return null;
    const digest = `SHA-256=${createHash('sha256').update(bytes).digest('base64').replace(/\+/g, '-').replace(/\//g, '_')}`;
    return info.digest === digest ? info.revision : null;
  }

  /**
   * Reads an object whole. An object replaced while it is read (a leader rewriting the manifest a migration candidate
   * opens) has its old chunks purged, and the client's reader then waits for them forever: so while a read runs, the
   * object's info is checked every REPLACED_POLL_MS, and a read whose object got a new version starts over on it.
   */
  private async get(name: string, version?: (revision: number | null) => void): Promise<Uint8Array | null> {
    try {
      for (let attempt = 1; ; attempt++) {
        const r = await jsCall(() => this.os.get(name), { what: `reading ${name}`, safe: true });
        version?.(r?.info.revision ?? null);
        if (r === null) return null;
        const got = await this.readUnlessReplaced(name, r.info.nuid, r.data, r.error);
        if (got !== REPLACED) return got;
        if (attempt >= MAX_REREADS) throw new StorageError(`it was replaced ${attempt} times while being read`);
      }
    } catch (e) {
      throw new StorageError(`cannot read ${name} from the shared store ${Buckets.segments}: ${(e as Error).message}`, e);
    }
  }

  private async readUnlessReplaced(name: string, nuid: string, data: ReadableStream<Uint8Array>, error: Promise<Error | null>): Promise<Uint8Array | typeof REPLACED> {
    const reader = data.getReader();
    const read = (async () => {
      const parts: Uint8Array[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value?.length) parts.push(value);
      }
      const err = await error;
      if (err) throw err;
      return Buffer.concat(parts);
    })();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const replaced = new Promise<typeof REPLACED>((resolve) => {
      const check = async () => {
        if (stopped) return;
        const now = await this.os.info(name).catch(() => undefined);
        if (stopped) return;
        if (now !== undefined && (now === null || now.deleted || now.nuid !== nuid)) return resolve(REPLACED);
        timer = setTimeout(() => void check(), REPLACED_POLL_MS);
      };
      timer = setTimeout(() => void check(), REPLACED_POLL_MS);
    });
    try {
      const out = await Promise.race([read, replaced]);
      if (out === REPLACED) {
        read.catch(() => undefined);
        await reader.cancel().catch(() => undefined);
      }
      return out;
    } finally {
      stopped = true;
      clearTimeout(timer);
    }
  }

  async getManifest(): Promise<string | null> {
    const b = await this.get(this.manifestName, (r) => (this.revision = r));
    return b === null ? null : dec.decode(b);
  }

  /** A compare-and-set on the manifest's version (none known: the region's first manifest, put as is). */
  async putManifest(text: string): Promise<void> {
    this.revision = await this.put(this.manifestName, enc.encode(text), this.revision ?? undefined);
  }

  async putSegment(file: string, bytes: Uint8Array): Promise<void> {
    await this.put(this.prefix + file, bytes);
  }

  getSegment(file: string): Promise<Uint8Array | null> {
    return this.get(this.prefix + file);
  }

  async removeSegment(file: string): Promise<void> {
    await this.remove(this.prefix + file);
  }

  private async remove(name: string): Promise<void> {
    try {
      await jsCall(() => this.os.delete(name), { what: `removing ${name}`, safe: true });
    } catch (e) {
      // Already gone (a retried removal) is fine; anything else is not.
      if (!/not found/i.test((e as Error).message)) throw new StorageError(`cannot remove ${name} from the shared store: ${(e as Error).message}`, e);
    }
  }

  /** Lists the whole bucket and keeps this region's objects: only done when a region opens. */
  private async names(): Promise<string[]> {
    const all = await jsCall(() => this.os.list(), { what: `listing ${Buckets.segments}`, safe: true, attemptMs: LIST_ATTEMPT_MS });
    return all.filter((o) => !o.deleted && o.name.startsWith(`${this.regionId}/`)).map((o) => o.name);
  }

  async listSegments(): Promise<string[]> {
    return (await this.names()).filter((n) => n.startsWith(this.prefix)).map((n) => n.slice(this.prefix.length));
  }

  async destroy(): Promise<void> {
    for (const n of await this.names()) await this.remove(n);
  }
}
