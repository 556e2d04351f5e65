// The interface the SQL executor runs against: catalog operations, scans and writes, implemented by the node.
import type { RecordBatch } from 'apache-arrow';
import type { CreateFlow, CreateTask } from '../sql/ast.ts';
import type { TableSchema } from '../schema.ts';
import type { WriteBatch } from '../batch.ts';
import type { WireRel } from './plan/partial.ts';
import type { ColumnPredicate } from '../index/index.ts';
import type { IndexStatusRow } from './statements/index_status.ts';
import type { ProcessList } from './process_list.ts';
import type { IndexAdviceRow } from './statements/index_advice.ts';

/**
 * What a scan must return; ns bounds, start inclusive, end exclusive. The time bounds and `tagFilter` must be applied
 * exactly: the executor does not test again the WHERE conjuncts they came from (plan/scan.ts pushdown); every other
 * filter (predicates, TTL) is a hint it re-applies.
 */
export interface ScanSpec {
  start?: bigint;
  end?: bigint;
  columns?: string[];
  tagFilter?: Record<string, (string | null)[]>;
  /** WHERE conjuncts on string columns that the regions' indexes may answer (core/index). */
  predicates?: ColumnPredicate[];
  /** EXPLAIN ANALYZE: regions attach what their indexes pruned (batch metadata `eddy.index`, see SCAN_INDEX_METADATA). */
  analyze?: boolean;
  limit?: number;
  /** The query (evaluation) the scan belongs to: regions share index selections between its scans. */
  queryId?: string;
  /** Stops the scan inside the region (storage ScanRequest.signal): KILL, the query's deadline, its client gone. */
  signal?: AbortSignal;
}

/** Arrow schema metadata key under which a region reports, as JSON ScanIndexReport, what its indexes did in a scan. */
export const SCAN_INDEX_METADATA = 'eddy.index';

export interface ScanIndexReport {
  segments: number;
  unindexed: number;
  indexes: { kind: string; column: string; segments: number; groupsBefore: number; groupsAfter: number; rowsBefore: number; rowsAfter: number }[];
}

export interface QueryContext {
  db: string;
  /** The protocol the statement came in by (as GreptimeDB's Channel): version() answers as PostgreSQL over its wire. */
  channel?: 'http' | 'postgres';
  /** The session's run-time parameters (pg_settings, current_setting); optional: without a session, none. */
  settings?(): { name: string; value: string }[];
  /** The authenticated user (current_user, user()); absent without authentication: GreptimeDB's default user. */
  user?: string;
  /** The session's backend process id (pg_backend_pid); optional. */
  backendPid?: number;
  /** Wall clock in ms. */
  now(): number;
  listDatabases(): Promise<string[]>;
  /** `options` are the database's WITH options (lower-case keys: ttl, ...), which its tables inherit. */
  createDatabase(name: string, ifNotExists: boolean, options?: Record<string, string>): Promise<boolean>;
  /** A database's WITH options ({} when none), null when it does not exist; optional: without it, none. */
  databaseOptions?(name: string): Promise<Record<string, string> | null>;
  /** ALTER DATABASE: replaces a database's WITH options with change(current); optional. */
  alterDatabase?(name: string, change: (o: Record<string, string>) => Record<string, string>): Promise<void>;
  dropDatabase(name: string, ifExists: boolean): Promise<boolean>;
  listTables(db: string): Promise<string[]>;
  getTable(db: string, name: string): Promise<TableSchema | null>;
  createTable(draft: Omit<TableSchema, 'id'>, ifNotExists: boolean): Promise<{ schema: TableSchema; created: boolean }>;
  alterTable(db: string, name: string, change: (s: TableSchema) => TableSchema): Promise<TableSchema>;
  dropTable(db: string, name: string, ifExists: boolean): Promise<boolean>;
  truncateTable(db: string, name: string): Promise<void>;
  /**
   * Arrow batches: time index as TimestampNanosecond (int64 ns), tags Utf8 or Dictionary<Utf8>,
   * fields Float64/Int64/UInt64/Bool/Utf8; last-write-wins already applied; rows ordered by
   * (primary key, time index) within the table, as GreptimeDB returns them.
   */
  scan(schema: TableSchema, spec: ScanSpec): Promise<RecordBatch[]>;
  /** Batch columns are a subset of the table's columns with the table's types; timestamps int64 ns. */
  write(db: string, batch: WriteBatch): Promise<number>;
  /** Delete rows by key (tags + time index); optional. */
  delete?(db: string, batch: WriteBatch): Promise<number>;
  useDatabase?(db: string): void;
  /** ADMIN flush_table / compact_table: flush memtables, compact segments (expired rows dropped); optional. */
  flushTable?(schema: TableSchema): Promise<void>;
  compactTable?(schema: TableSchema): Promise<void>;
  /**
   * Runs a partial aggregate (core/query/partial.ts: one SELECT over the table) in every region of a multi-region
   * table, where each region lives; one answer per region. Optional: without it, queries pull rows from the regions.
   */
  partialAggregate?(schema: TableSchema, sql: string): Promise<WireRel[]>;
  /** Each index of each table, summed over its regions, for information_schema.index_status; optional (none without it). */
  indexStatus?(): Promise<IndexStatusRow[]>;
  /** The smart index's candidates and decisions, for information_schema.index_advice; optional (none without it). */
  indexAdvice?(): Promise<IndexAdviceRow[]>;
  /** The logs pipelines (every version), for greptime_private.pipelines; optional (none without it). */
  pipelines?(): Promise<PipelineRow[]>;
  /** Where each region lives, by region id, for information_schema.region_peers; optional. */
  regionPeers?(): Promise<Map<string, RegionPeer>>;
  /** The nodes of the cluster, for information_schema.cluster_info; optional (standalone: this node alone). */
  clusterInfo?(): Promise<ClusterPeer[]>;
  /** The frontend's running statements (information_schema.process_list, KILL); optional: without it none are tracked. */
  processes?: ProcessList;
  /** The node's gauges (memory budget and use) for information_schema.runtime_metrics; optional (RSS and heap without it). */
  runtimeMetrics?(): Record<string, number>;
  /** Who sent the statements (`127.0.0.1:53412/http`), shown in the process list. */
  client?: string;
  /** Files on the node for COPY TO / FROM (paths as the statement gives them); optional: without them COPY is unsupported. */
  files?: { read(path: string): Promise<Uint8Array>; write(path: string, data: Uint8Array): Promise<void>; list?(dir: string): Promise<string[]> };
  /** Prepared statements (SQL PREPARE) by name, made on first use: a context lives for one HTTP request, or a PostgreSQL session. */
  prepared?: Map<string, string>;
  /** The session's time zone (SET time_zone, x-greptime-timezone): 'UTC', '+08:00' or an IANA name; UTC when absent. */
  timeZone?: string;
  /** Set by the executor while a tracked statement runs: aborted by KILL. */
  signal?: AbortSignal;
  /** Set by the executor while a tracked statement runs: its scans carry it, so regions share index selections between them. */
  queryId?: string;
  /**
   * When the statement's request arrived (performance.now()) and how long its text took to parse: EXPLAIN ANALYZE's
   * first stages; `stages`, when the caller gives one, gets the wall ms of the plan, scan and to_vectors stages of its
   * statements (the HTTP API's Server-Timing header).
   */
  timing?: { receivedAt?: number; parseMs?: number; stages?: Record<string, number> };
  /** Size and row counts per region, for information_schema.region_statistics; optional (none without it). */
  regionStats?(): Promise<RegionStat[]>;
  /** Cluster procedures (ADMIN migrate_region, procedure_state, rebalance, drain_node) and their records; optional (standalone: none). */
  procedures?: ProcedureOps;
  /** Flows (continuous aggregation), run by the node's flownode; all optional: without them flow statements are unsupported. */
  createFlow?(db: string, stmt: CreateFlow | CreateTask): Promise<{ created: boolean }>;
  dropFlow?(db: string, name: string, ifExists: boolean): Promise<boolean>;
  listFlows?(db?: string): Promise<FlowInfo[]>;
  /** Runs the flow over everything written so far, emits every pending update and waits for the sink; rows written. */
  flushFlow?(db: string, name: string): Promise<number>;
  /** COMMENT ON FLOW: sets (or with null removes) the flow's comment; FlowNotFound when there is no such flow. */
  commentFlow?(db: string, name: string, comment: string | null): Promise<void>;
  /** Rows a ttl = 'instant' table does not keep still feed the flows that read it (GreptimeDB mirrors them); optional. */
  feedFlows?(db: string, batch: WriteBatch): Promise<void>;
}

/** One flow as information_schema.flows and SHOW FLOWS see it. */
export interface FlowInfo {
  db: string;
  name: string;
  id: number;
  /** The statement as written (CREATE FLOW / CREATE TASK). */
  definition: string;
  sinkTable: string;
  sourceTables: string[];
  comment: string | null;
  expireAfterSeconds: number | null;
  options: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  lastExecutionTime: number | null;
  /** starting | backfilling | running | checkpointing | stopped | failed */
  state: string;
  rowsIn: number;
  rowsOut: number;
  errors: number;
  lastError: string | null;
  lagMs: number | null;
  watermark: bigint | null;
  nodeId: string;
}

/** One region as information_schema.region_statistics shows it (sizes in bytes). */
export interface RegionStat { regionId: string; rows: number; writtenBytes: number; memtableBytes: number; diskBytes: number; sstNum: number; indexBytes: number; engine: string }

export interface RegionPeer { peerId: number; peerAddr: string; isLeader: boolean; status: string; downSeconds?: number | null }

/** One node as information_schema.cluster_info shows it (times in ms since the epoch, durations in ms). */
export interface ClusterPeer { peerId: number; peerType: string; peerAddr: string; version: string; startTime: number; uptimeMs: number; activeTimeMs: number | null }

/** A procedure's state as ADMIN procedure_state answers it (GreptimeDB's JSON: status, and the error when it failed). */
export interface ProcedureStateJson { status: 'Running' | 'RollingBack' | 'Done' | 'Failed'; error?: string }

/** One procedure as information_schema.procedure_info shows it (times in ms since the epoch). */
export interface ProcedureInfo {
  id: string;
  type: string;
  startTime: number;
  endTime: number | null;
  status: ProcedureStateJson['status'];
  lockKeys: string[];
  /** The machine state it is in (or ended in). */
  state: string;
  /** Each step taken, with its start and duration: `open_candidate 12ms, downgrade_leader 3ms, ...`. */
  steps: string;
  error: string | null;
}

/** One region move or failover, as information_schema.region_events shows it. */
export interface RegionEventInfo {
  time: number;
  regionId: string;
  fromPeer: number | null;
  toPeer: number;
  /** admin | rebalance | drain | failover */
  reason: string;
  durationMs: number | null;
  status: string;
  procedureId: string | null;
}

export interface ProcedureOps {
  /** Starts a region migration; resolves with its procedure id once the meta leader accepted it. */
  migrateRegion(regionId: string, fromPeer: number, toPeer: number, timeoutSecs: number | null): Promise<string>;
  state(id: string): Promise<ProcedureStateJson | null>;
  list(): Promise<ProcedureInfo[]>;
  events(): Promise<RegionEventInfo[]>;
  /** Runs one rebalancer round now; resolves with the number of migrations it started. */
  rebalance(): Promise<number>;
  /** Moves every region off a datanode (and keeps it empty); resolves with the number of migrations started. */
  drainNode(peer: number): Promise<number>;
}

/** One version of a logs pipeline as greptime_private.pipelines shows it. */
export interface PipelineRow { name: string; schema: string; contentType: string; pipeline: string; createdAtNs: bigint }
