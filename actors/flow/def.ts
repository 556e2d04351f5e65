// What a flow is to the flownode: its catalog definition, what its host needs (deps, a sink writer), and how a
// definition compiles against its source table.
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { Streams, token, type Clock, type TableSchema, type WriteBatch } from '../../core/index.ts';
import { parseDurationMs } from '../../core/duration.ts';
import type { QueryContext } from '../../core/query/index.ts';
import { compileFlowSql, type FlowPlan } from '../../streams/index.ts';
import type { BatchSpec } from './batch.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { WalStreams } from '../runtime/wal_streams.ts';

/** A flow as the catalog keeps it. */
export interface FlowDef {
  db: string;
  name: string;
  id: number;
  /** The CREATE FLOW / CREATE TASK statement as written. */
  sql: string;
  sinkTable: string;
  sourceTable: string;
  comment: string | null;
  expireAfterSeconds: number | null;
  /** WITH (...) options, lower-cased keys: backfill, output_retention, allowed_lateness, emit_interval, ... */
  options: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** Set for a batching flow (a query the streaming compiler cannot run incrementally): see flow_batch.ts. */
  batch?: BatchSpec;
}

/** Where a flow's sink rows go: the gateway's write path in a node, anything that applies whole batches in a test. */
export interface SinkWriter {
  write(db: string, batches: WriteBatch[]): Promise<number>;
}

export interface FlowHostDeps {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Which stream holds a region's WAL (runtime/wal_streams.ts); the shared EDDY_WAL when absent. */
  walStreams?: WalStreams;
  state: KV;
  catalog: Catalog;
  writes: SinkWriter;
  query: (db: string) => QueryContext;
  clock: Clock;
  log: (m: string) => void;
  nodeId: string;
  /** Checkpoint at most this often while emissions flow (default 5 s). */
  checkpointMs?: number;
}

/** Flow option durations like '24h', '90s', '500ms', '1h30m' -> ms (core/duration.ts; a bare number is seconds). */
export function durationMs(text: string, what: string): number {
  return parseDurationMs(text, what, 's');
}

/** Compiles a flow; with the source table known, flows without aggregates run keyed by the source rows. */
export function compileDef(def: FlowDef, source?: TableSchema | null): FlowPlan {
  const o = def.options;
  const plan = compileFlowSql(def.sql, {
    ...(source ? { rowKey: { tags: source.primaryKey, time: source.timeIndex, appendOnly: source.options.appendMode === true } } : {}),
    ...(o.allowed_lateness ? { allowedLateness: o.allowed_lateness } : {}),
    ...(o.emit_interval ? { intervalMs: durationMs(o.emit_interval, 'emit_interval') } : {}),
  });
  // Timestamp columns keep their declared precision in expressions (CAST(ts AS BIGINT) is ms for TIMESTAMP(3)), as in SELECT.
  if (source) plan.rowUnits = Object.fromEntries(source.columns.filter((c) => c.type === 'timestamp').map((c) => [c.name, c.unit ?? 'ms']));
  return plan;
}

/** The JetStream stream that keeps one flow's live output (retention per flow). */
export function outputStreamName(db: string, flow: string): string {
  return `${Streams.flowOut}__${token(db)}__${token(flow)}`;
}

