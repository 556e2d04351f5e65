// What a RegionHost is given: its NATS connection, directory, schema, clock and metrics, and how it flushes, shares and fences.
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Clock, TableSchema } from '../../core/index.ts';
import type { Metrics } from '../runtime/metrics.ts';
import type { SharedSegments } from '../runtime/segment_mirror.ts';
import type { WorkloadReporter } from '../index/workload_wire.ts';
import type { WalStreams } from '../runtime/wal_streams.ts';

export interface RegionHostDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Which stream holds the region's WAL and where it is placed (runtime/wal_streams.ts); the shared EDDY_WAL when absent. */
  walStreams?: WalStreams;
  dir: string;
  schema: TableSchema;
  regionId: string;
  clock: Clock;
  metrics: Metrics;
  /** Flush once the memtable holds this many bytes. */
  flushBytes: number;
  /**
   * Publish committed batches on eddy.changes.<db>.<table>: never (false), always (true), or while the table is wanted
   * (a reader announced it: actors/runtime/interest.ts).
   */
  publishChanges: boolean | ((db: string, table: string) => boolean);
  log: (msg: string) => void;
  /** Largest reply chunk for scans, under the server's max payload. */
  maxChunkBytes: number;
  /** Flush a memtable that has held rows this long, so the WAL stays short (0: never by age). */
  flushIntervalMs?: number;
  /** Compact (merging small segments, dropping expired ones) this often (0: never). */
  compactIntervalMs?: number;
  /** `--storage nats`: segments and manifest shared in a JetStream object store, so another datanode can open the region. */
  shared?: SharedSegments;
  /** Open as a migration candidate: replay, then wait (no subjects, no writes, nothing written to the shared store) until upgrade(). */
  candidate?: boolean;
  /**
   * A cluster datanode: the region leads in terms fenced on the WAL (runtime/wal_fence.ts), so a stale leader (paused,
   * partitioned) whose region was reopened elsewhere cannot write; `onFenced` is told once a newer leader ended its term.
   */
  fencing?: boolean;
  onFenced?: (regionId: string) => void;
  /** The node's batcher of scan reports for the smart index. */
  workload: WorkloadReporter;
  /** Decode the newest segments into the decoded cache once serving and after each flush (`--cache-warm`; default on). */
  cacheWarm?: boolean;
  /** The node's memory budget: told what each write adds and when a flush or compaction ends (actors/runtime/memory_budget.ts). */
  memory?: { applied(bytes: number): void; released(): void; readonly compactionJobBytes: number };
}
