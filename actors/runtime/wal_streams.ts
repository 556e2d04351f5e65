// Which JetStream stream holds a region's WAL: the one EDDY_WAL stream (standalone), or one stream per region placed on
// its leader's nats-server (a cluster), so that the region's appends, fence reads and replays stay on that server.
import type { JetStreamManager, Placement, StreamConfig } from '@nats-io/jetstream';
import { Streams, Subjects } from '../../core/index.ts';
import { WAL_DEDUP_WINDOW_NS } from './wal.ts';
import { jsCall } from './js_call.ts';

/**
 * The placement tag a nats-server of an EddyDB cluster carries (`server_tags` in its configuration) so that a region's
 * WAL stream can be placed on the server its leader is connected to. nats-server 2.9 places a stream by tags only
 * (not by server name), so each server is tagged with its own name.
 */
export function serverTag(serverName: string): string {
  // nats-server compares tags without case
  return `eddy-server:${serverName.toLowerCase()}`;
}

/** The stream of a region's WAL under a layout: `perRegion` (a cluster) or the shared EDDY_WAL (standalone). */
export function walStreamName(perRegion: boolean, regionId: string): string {
  return perRegion ? Streams.walOf(regionId) : Streams.wal;
}

/** How a node names, creates and places its regions' WAL streams. */
export interface WalStreams {
  /** One stream per region (a cluster) or the shared one. */
  readonly perRegion: boolean;
  /** The stream holding `regionId`'s records and fence marks. */
  name(regionId: string): string;
  /** Creates the region's stream when missing (per region: placed on this node's server); a no-op for the shared one. */
  ensure(regionId: string): Promise<void>;
  /**
   * Moves the region's stream to this node's nats-server when it is elsewhere (a migrated region), so that its next
   * appends stay on that server; resolves once the move is asked for (JetStream moves it meanwhile, records, sequences,
   * fence marks and message ids kept: tests/cluster/wal_streams.test.ts). The region host does not call it yet: with
   * a move asked at each migration's upgrade and failover's open, tests/cluster/migration.test.ts counted more rows
   * than acknowledged in two of three runs (an append-mode write twice; nats-server 2.9.10, load 20-30), cause not
   * found. So a migrated region's WAL is used where it is (its appends cross a route).
   */
  place(regionId: string): Promise<'here' | 'moving' | 'unplaced'>;
  /** Deletes the region's stream (its table dropped); the shared stream is purged by the caller instead. */
  drop(regionId: string): Promise<void>;
}

/** The standalone layout: every region in EDDY_WAL (made at start-up by ensureWalStream). */
export const SHARED_WAL: WalStreams = {
  perRegion: false,
  name: (regionId) => walStreamName(false, regionId),
  ensure: async () => undefined,
  place: async () => 'unplaced',
  drop: async () => undefined,
};

/** JetStream's error for a placement no server can take (no server carries the tag). */
function isNoPlacement(e: unknown): boolean {
  return /insufficient resources|no suitable peers|placement/i.test(String((e as Error)?.message ?? e));
}

function isMissing(e: unknown): boolean {
  return /stream not found|10059|not found/i.test(String((e as Error)?.message ?? e));
}

/**
 * One WAL stream per region. `serverName()`: the server this node's connection is on now (its tag places new
 * streams); with `replicas` > 1 a stream spans servers and is not placed by tag.
 */
export class PerRegionWalStreams implements WalStreams {
  readonly perRegion = true;
  private readonly made = new Set<string>();
  /** Set once a placement by tag failed (servers without `server_tags`): later streams go unplaced at once. */
  private untagged = false;

  constructor(
    private readonly jsm: JetStreamManager, private readonly replicas: number, private readonly serverName: () => string | undefined,
    private readonly log: (m: string) => void = () => undefined,
  ) {}

  name(regionId: string): string {
    return walStreamName(true, regionId);
  }

  private tags(): string[] | null {
    const s = this.serverName();
    return this.replicas === 1 && s && !this.untagged ? [serverTag(s)] : null;
  }

  private config(regionId: string, tags: string[] | null): Partial<StreamConfig> & { name: string } {
    return {
      name: this.name(regionId), subjects: [Subjects.wal(regionId), Subjects.walFence(regionId)], max_msg_size: -1,
      num_replicas: this.replicas, duplicate_window: WAL_DEDUP_WINDOW_NS,
      // nats.js types the cluster as required; the server reads a missing one as any cluster.
      ...(tags ? { placement: { tags } as Placement } : {}),
    };
  }

  async ensure(regionId: string): Promise<void> {
    if (this.made.has(regionId)) return;
    const name = this.name(regionId);
    const what = `creating the WAL stream of region ${regionId}`;
    const exists = await jsCall(() => this.jsm.streams.info(name).then(() => true, (e) => { if (isMissing(e)) return false; throw e; }), { what, safe: true });
    if (!exists) {
      const tags = this.tags();
      try {
        // A create of a stream that exists with the same config answers it: safe to make again.
        await jsCall(() => this.jsm.streams.add(this.config(regionId, tags)), { what, safe: true });
      } catch (e) {
        if (!tags || !isNoPlacement(e)) throw e;
        this.untagged = true;
        this.log(`no nats-server carries the tag ${tags[0]} (server_tags), so WAL streams are placed by JetStream, not on their leader's server: ${(e as Error).message}`);
        await jsCall(() => this.jsm.streams.add(this.config(regionId, null)), { what, safe: true });
      }
    }
    this.made.add(regionId);
  }

  async place(regionId: string): Promise<'here' | 'moving' | 'unplaced'> {
    const tags = this.tags();
    if (!tags) return 'unplaced';
    const name = this.name(regionId);
    const info = await jsCall(() => this.jsm.streams.info(name), { what: `reading the WAL stream of region ${regionId}`, safe: true });
    const now = info.config.placement?.tags ?? [];
    if (now.length === 1 && now[0] === tags[0]) return 'here';
    await jsCall(() => this.jsm.streams.update(name, { ...info.config, placement: { tags } as Placement }), { what: `moving the WAL stream of region ${regionId}`, safe: true });
    return 'moving';
  }

  async drop(regionId: string): Promise<void> {
    this.made.delete(regionId);
    await jsCall(() => this.jsm.streams.delete(this.name(regionId)).catch((e) => { if (!isMissing(e)) throw e; return true; }), { what: `deleting the WAL stream of region ${regionId}`, safe: true });
  }
}

