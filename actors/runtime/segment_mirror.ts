// `--storage nats`: region segments and manifests in a JetStream object store (eddy_segments), shared by every datanode.
import type { JetStreamClient } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { Buckets, StorageError } from '../../core/index.ts';
import type { SegmentMirror } from '../../storage/index.ts';

const dec = new TextDecoder();
const enc = new TextEncoder();
/** Object store chunks: fewer, larger messages than the client's 128 KiB default (the server clamps to its max payload). */
const CHUNK_BYTES = 1024 * 1024;

/** Opens (creating if needed) the shared bucket once per node; regions get a mirror each from `forRegion`. */
export class SharedSegments {
  private constructor(private readonly os: ObjectStore) {}

  static async open(js: JetStreamClient, replicas = 1): Promise<SharedSegments> {
    const os = await new Objm(js).create(Buckets.segments, { replicas });
    return new SharedSegments(os);
  }

  forRegion(regionId: string): SegmentMirror {
    return new RegionMirror(this.os, regionId);
  }
}

class RegionMirror implements SegmentMirror {
  private readonly prefix: string;
  constructor(private readonly os: ObjectStore, private readonly regionId: string) {
    this.prefix = `${regionId}/segments/`;
  }

  private get manifestName(): string {
    return `${this.regionId}/manifest.json`;
  }

  private async put(name: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.os.putBlob({ name, options: { max_chunk_size: CHUNK_BYTES } }, bytes);
    } catch (e) {
      throw new StorageError(`cannot store ${name} in the shared store ${Buckets.segments}: ${(e as Error).message}`, e);
    }
  }

  private async get(name: string): Promise<Uint8Array | null> {
    try {
      return await this.os.getBlob(name);
    } catch (e) {
      throw new StorageError(`cannot read ${name} from the shared store ${Buckets.segments}: ${(e as Error).message}`, e);
    }
  }

  async getManifest(): Promise<string | null> {
    const b = await this.get(this.manifestName);
    return b === null ? null : dec.decode(b);
  }

  putManifest(text: string): Promise<void> {
    return this.put(this.manifestName, enc.encode(text));
  }

  putSegment(file: string, bytes: Uint8Array): Promise<void> {
    return this.put(this.prefix + file, bytes);
  }

  getSegment(file: string): Promise<Uint8Array | null> {
    return this.get(this.prefix + file);
  }

  async removeSegment(file: string): Promise<void> {
    await this.remove(this.prefix + file);
  }

  private async remove(name: string): Promise<void> {
    try {
      await this.os.delete(name);
    } catch (e) {
      // Already gone (a retried removal) is fine; anything else is not.
      if (!/not found/i.test((e as Error).message)) throw new StorageError(`cannot remove ${name} from the shared store: ${(e as Error).message}`, e);
    }
  }

  /** Lists the whole bucket and keeps this region's objects: only done when a region opens. */
  private async names(): Promise<string[]> {
    const all = await this.os.list();
    return all.filter((o) => !o.deleted && o.name.startsWith(`${this.regionId}/`)).map((o) => o.name);
  }

  async listSegments(): Promise<string[]> {
    return (await this.names()).filter((n) => n.startsWith(this.prefix)).map((n) => n.slice(this.prefix.length));
  }

  async destroy(): Promise<void> {
    for (const n of await this.names()) await this.remove(n);
  }
}
