// Every NATS subject, stream and bucket name EddyDB uses is spelled here and nowhere else.

/** Encodes a name (database, table, flow) as one subject token: characters NATS treats specially become ~XX. */
export function token(name: string): string {
  return name.replace(/[^A-Za-z0-9_\-]/g, (c) => {
    const code = c.codePointAt(0)!;
    return code < 256 ? '~' + code.toString(16).padStart(2, '0') : '~u' + code.toString(16).padStart(6, '0');
  });
}

/** Inverse of token(). */
export function untoken(tok: string): string {
  return tok.replace(/~u([0-9a-f]{6})|~([0-9a-f]{2})/g, (_, u: string | undefined, b: string | undefined) =>
    String.fromCodePoint(parseInt((u ?? b)!, 16)),
  );
}

export const Streams = {
  ingest: 'EDDY_INGEST',
  /** The one WAL stream of a standalone node (and of a cluster that began before WAL streams were per region). */
  wal: 'EDDY_WAL',
  /** A region's own WAL stream in a cluster (its records and fence marks), placed on its leader's nats-server. */
  walOf: (regionId: string) => `EDDY_WAL_${regionId}`,
  flowOut: 'EDDY_FLOW_OUT',
  /** Buffered log lines (eddy.ingest_logs.<db>.<table>), applied through their pipeline. */
  logs: 'EDDY_LOGS',
} as const;

export const Buckets = {
  catalog: 'eddy_catalog',
  nodes: 'eddy_nodes',
  flowState: 'eddy_flow_state',
  segments: 'eddy_segments',
  routes: 'eddy_routes',
  /** Procedures (region migrations) and region events: the meta leader's persisted snapshots, read by every frontend. */
  procedures: 'eddy_procedures',
  /** Announced eddy.changes interest (entries live one TTL): a node starting reads who wants what before serving writes. */
  interest: 'eddy_interest',
} as const;

/** Keys inside the KV buckets: node records and the meta lease in eddy_nodes, region routes in eddy_routes. */
export const KvKeys = {
  // Node ids are checked to be [A-Za-z0-9_-] (actors/config.ts), so they are valid key tokens as they are.
  node: (nodeId: string) => `node.${nodeId}`,
  nodeAll: 'node.*',
  metaLease: 'lease.meta',
  route: (regionId: string) => `route.${regionId}`,
  routeAll: 'route.*',
  /** The meta term that last claimed eddy_routes: route writes of an older term are refused (actors/meta/routes.ts). */
  routesTerm: 'term.meta',
  procedure: (id: string) => `proc.${id}`,
  procedureAll: 'proc.*',
  /** A region event (a failover, a rebalancer decision that was not a procedure): time-ordered ids. */
  regionEvent: (id: string) => `event.${id}`,
  regionEventAll: 'event.*',
  // Flow keys carry names through kvToken(); definitions live in eddy_catalog, checkpoints and WAL floors in eddy_flow_state.
  flowDef: (db: string, flow: string) => `flow.${kvToken(db)}.${kvToken(flow)}`,
  flowDefAll: 'flow.>',
  flowCheckpoint: (db: string, flow: string) => `ckpt.${kvToken(db)}.${kvToken(flow)}`,
  /** The last WAL sequence of a region that a flow has checkpointed: the region purges no further. */
  flowFloor: (regionId: string, db: string, flow: string) => `floor.${regionId}.${kvToken(db)}.${kvToken(flow)}`,
  flowFloorsOf: (regionId: string) => `floor.${regionId}.>`,
  /** Logs pipelines live in eddy_catalog: one key per version (the version's nanosecond time), a delete marker removes one. */
  pipeline: (name: string, versionNs: string) => `pipeline.${kvToken(name)}.${versionNs}`,
  pipelineAll: 'pipeline.>',
  /** Elasticsearch index templates (`index`: _index_template, `legacy`: _template), one key per template, JSON. */
  esTemplate: (kind: 'index' | 'legacy' | 'ilm', name: string) => `estemplate.${kind}.${kvToken(name)}`,
  esTemplateAll: 'estemplate.>',
  /** An announced eddy.changes interest in a table, or (no table) in every table of a database. */
  changesInterest: (db: string, table?: string) => (table === undefined ? `changes.${kvToken(db)}` : `changes.${kvToken(db)}.${kvToken(table)}`),
  changesInterestAll: 'changes.>',
} as const;

/** Encodes a name as one KV key token (keys allow only [-/_=.a-zA-Z0-9]): other characters become =XX. */
export function kvToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_\-]/g, (c) => {
    const code = c.codePointAt(0)!;
    return code < 256 ? '=' + code.toString(16).padStart(2, '0') : '=u' + code.toString(16).padStart(6, '0');
  });
}

/** Inverse of kvToken(). */
export function kvUntoken(tok: string): string {
  return tok.replace(/=u([0-9a-f]{6})|=([0-9a-f]{2})/g, (_, u: string | undefined, b: string | undefined) => String.fromCodePoint(parseInt((u ?? b)!, 16)));
}

/** Region id of a `route.<regionId>` key. */
export function routeKeyRegion(key: string): string | null {
  return key.startsWith('route.') ? key.slice('route.'.length) : null;
}

export const RegionOps = {
  write: 'write',
  delete: 'delete',
  scan: 'scan',
  /** Cancels a running scan by the `cancelKey` its request carried (published, no reply): its query was KILLed, timed out or lost its client. */
  scanCancel: 'scan_cancel',
  /** A partial aggregate (core/query/partial.ts) over the region's rows. */
  aggregate: 'aggregate',
  flush: 'flush',
  compact: 'compact',
  stats: 'stats',
  truncate: 'truncate',
  close: 'close',
} as const;
export type RegionOp = (typeof RegionOps)[keyof typeof RegionOps];

/** Operations a datanode's supervisor answers for a region it hosts, on eddy.meta.region.<id>.<op> (beside the region's own subjects). */
export const RegionControlOps = {
  /** Adopt a newer table schema (added columns) before writes that use it. */
  schema: 'schema',
  truncate: 'truncate',
  /** The table was dropped: delete the region's WAL and files. */
  drop: 'drop',
} as const;
export type RegionControlOp = (typeof RegionControlOps)[keyof typeof RegionControlOps];

/** Migration steps a datanode answers on Subjects.nodeMigration(<node>), body `{"op":..., "regionId":...}`; each is idempotent. */
export const MigrationOps = {
  /** Leader: flush once, then keep the files still (no flush, compaction, purge). */
  hold: 'hold',
  /** Candidate: open the region from the shared files and the WAL, without serving it. */
  openCandidate: 'open_candidate',
  /** Leader: stop taking writes; answers the last WAL sequence. */
  downgrade: 'downgrade',
  /** Candidate: replay the WAL up to its end; answers the last sequence applied. */
  catchUp: 'catch_up',
  /** Leader: stop answering the region's subjects. */
  retire: 'retire',
  /** Candidate: become the writer and answer the region's subjects. */
  upgrade: 'upgrade',
  /** Old leader: close the region without flushing. */
  closeOld: 'close_old',
  /** Rollback, candidate: close without flushing. */
  dropCandidate: 'drop_candidate',
  /** Rollback, leader: take writes again. */
  release: 'release',
} as const;
export type MigrationOp = (typeof MigrationOps)[keyof typeof MigrationOps];

export const Subjects = {
  write: (db: string) => `eddy.write.${token(db)}`,
  writeTable: (db: string, table: string) => `eddy.write.${token(db)}.${token(table)}`,
  writeAll: 'eddy.write.>',
  /**
   * eddy.write.<db>[.<table>] answered by a frontend connected to the nats-server named `server` (the one a client's
   * connection is on: its INFO's server_name): the payload does not cross a route to reach a frontend, which a queue
   * group on nats-server 2.9 would make it do two times in three on a 3-server cluster.
   */
  writeAt: (server: string, db: string) => `eddy.write_at.${token(server)}.${token(db)}`,
  writeAtTable: (server: string, db: string, table: string) => `eddy.write_at.${token(server)}.${token(db)}.${token(table)}`,
  /** Every write_at subject of one server (a frontend's subscription). */
  writeAtAll: (server: string) => `eddy.write_at.${token(server)}.>`,
  ingest: (db: string) => `eddy.ingest.${token(db)}`,
  ingestTable: (db: string, table: string) => `eddy.ingest.${token(db)}.${token(table)}`,
  ingestAll: 'eddy.ingest.>',
  errors: (db: string) => `eddy.errors.${token(db)}`,
  region: (regionId: string, op: RegionOp) => `eddy.region.${regionId}.${op}`,
  regionAll: (regionId: string) => `eddy.region.${regionId}.*`,
  wal: (regionId: string) => `eddy.wal.${regionId}`,
  /** A region leader's term marks, in the WAL stream beside its records (never purged with them): see actors/runtime/wal_fence.ts. */
  walFence: (regionId: string) => `eddy.wal.${regionId}.fence`,
  walAll: 'eddy.wal.>',
  changes: (db: string, table: string) => `eddy.changes.${token(db)}.${token(table)}`,
  flow: (db: string, flow: string) => `eddy.flow.${token(db)}.${token(flow)}`,
  flowAll: 'eddy.flow.>',
  /** Flow output subjects of one database (for a stream's or consumer's filter). */
  flowDb: (db: string) => `eddy.flow.${token(db)}.*`,
  meta: (op: string) => `eddy.meta.${op}`,
  regionControl: (regionId: string, op: RegionControlOp) => `eddy.meta.region.${regionId}.${op}`,
  regionControlAll: (regionId: string) => `eddy.meta.region.${regionId}.*`,
  /** Asks the meta leader for a placement round now (a table was created, a datanode is leaving). */
  placementKick: 'eddy.meta.placement.kick',
  /** Procedure requests to the meta leader (migrate_region, rebalance, drain_node): JSON body with `op`. */
  procedureSubmit: 'eddy.meta.procedure.submit',
  /** Migration steps a datanode's supervisor answers (open a candidate, downgrade a leader, ...): JSON body with `op`. */
  nodeMigration: (nodeId: string) => `eddy.meta.node.${nodeId}.migration`,
  /** Every cluster node answers it: "no responders" means its NATS connection is gone (the failure detector's probe). */
  nodePing: (nodeId: string) => `eddy.meta.node.${nodeId}.ping`,
  /** The NATS server's own client-disconnect advisories (seen only by a connection allowed into the system account). */
  sysDisconnect: '$SYS.ACCOUNT.*.DISCONNECT',
  /** Log lines or NDJSON into a log table through a pipeline (header Eddy-Pipeline): request-reply, acked when durable. */
  logs: (db: string, table: string) => `eddy.logs.${token(db)}.${token(table)}`,
  logsAll: 'eddy.logs.*.*',
  /** The buffered twin of eddy.logs: kept by the JetStream stream EDDY_LOGS, PubAck is the ack. */
  logsIngest: (db: string, table: string) => `eddy.ingest_logs.${token(db)}.${token(table)}`,
  logsIngestAll: 'eddy.ingest_logs.>',
  /** Rows committed to a log (append-mode) table, one JSON object per line, for live tail. */
  tail: (db: string, table: string) => `eddy.tail.${token(db)}.${token(table)}`,
  /** A NATS tail reader's announcement (request-reply, repeated within the TTL the reply gives): eddy.tail is published only while announced. */
  tailInterest: (db: string, table: string) => `eddy.tail_interest.${token(db)}.${token(table)}`,
  tailInterestAll: 'eddy.tail_interest.*.*',
  changesAll: 'eddy.changes.*.*',
  /** Every table's eddy.changes in one database. */
  changesDb: (db: string) => `eddy.changes.${token(db)}.*`,
  /**
   * A reader's announcement that it wants eddy.changes.<db>.<table> (request-reply, repeated within the TTL the reply
   * gives): regions publish a table's committed batches only while someone announced it (actors/runtime/interest.ts).
   */
  changesInterest: (db: string, table: string) => `eddy.changes_interest.${token(db)}.${token(table)}`,
  /** The same for every table of a database. */
  changesInterestDb: (db: string) => `eddy.changes_interest.${token(db)}`,
  changesInterestAll: 'eddy.changes_interest.>',
  /** What a region's scan filtered and read (predicates, rows read and kept), for the smart index: fire and forget. */
  indexWorkload: (db: string, table: string) => `eddy.index.workload.${token(db)}.${token(table)}`,
  indexWorkloadAll: 'eddy.index.workload.*.*',
} as const;

/**
 * The names of an interest announcement: `eddy.changes_interest.<db>.<table>`, `eddy.tail_interest.<db>.<table>`, or
 * (table '') `eddy.changes_interest.<db>` for every table of a database; null for another subject.
 */
export function parseInterestSubject(subject: string): { db: string; table: string } | null {
  const p = subject.split('.');
  if (p[0] !== 'eddy' || (p[1] !== 'changes_interest' && p[1] !== 'tail_interest')) return null;
  if (p.length === 4) return { db: untoken(p[2]!), table: untoken(p[3]!) };
  if (p.length === 3 && p[1] === 'changes_interest') return { db: untoken(p[2]!), table: '' };
  return null;
}

/** Splits `eddy.logs.<db>.<table>`, `eddy.ingest_logs.<db>.<table>` or `eddy.changes.<db>.<table>` into its names. */
export function parseTableSubject(subject: string): { kind: string; db: string; table: string } | null {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'eddy') return null;
  return { kind: parts[1]!, db: untoken(parts[2]!), table: untoken(parts[3]!) };
}

/** Splits `eddy.write.<db>[.<table>]` / `eddy.ingest.<db>[.<table>]` (and `eddy.write_at.<server>.<db>[.<table>]`, a write) into its names. */
export function parseWriteSubject(subject: string): { kind: 'write' | 'ingest'; db: string; table?: string } | null {
  let parts = subject.split('.');
  if (parts[0] === 'eddy' && parts[1] === 'write_at' && parts.length > 2) parts = ['eddy', 'write', ...parts.slice(3)];
  if (parts[0] !== 'eddy' || (parts[1] !== 'write' && parts[1] !== 'ingest')) return null;
  if (parts.length !== 3 && parts.length !== 4) return null;
  const out: { kind: 'write' | 'ingest'; db: string; table?: string } = { kind: parts[1], db: untoken(parts[2]!) };
  if (parts.length === 4) out.table = untoken(parts[3]!);
  return out;
}

/** Inbox subjects request-reply answers (and JetStream PubAcks) come back on. */
/**
 * A NATS user's own inbox prefix, for the replies to its requests and its PubAcks: `_INBOX_<user>` (the name as a
 * subject token). A client sets it as nats.js's `inboxPrefix` connection option; the server lets the user subscribe
 * only below it, so no user can read another's replies.
 */
export function userInboxPrefix(user: string): string {
  return `_INBOX_${token(user)}`;
}

/** Every subject below a user's inbox prefix (its subscribe permission). */
export function userInboxAll(user: string): string {
  return `${userInboxPrefix(user)}.>`;
}

/**
 * The subjects a user with rights on one database (`*`: every database) may use on NATS, for the nats-server
 * permissions of EddyDB users: `write` to publish (sync writes, buffered ingest, log lines), `read` to subscribe
 * (committed changes, flow output, live tail) and `errors` (why a buffered write failed), which either right may read;
 * `announce` is what a reader publishes (its live tail interest, its eddy.changes interest).
 */
export function databaseSubjects(db: string): { write: string[]; read: string[]; announce: string[]; errors: string[] } {
  const t = db === '*' ? '*' : token(db);
  return {
    write: [`eddy.write.${t}`, `eddy.write.${t}.*`, `eddy.write_at.*.${t}`, `eddy.write_at.*.${t}.*`, `eddy.ingest.${t}`, `eddy.ingest.${t}.*`, `eddy.logs.${t}.*`, `eddy.ingest_logs.${t}.*`],
    read: [`eddy.changes.${t}.*`, `eddy.flow.${t}.*`, `eddy.tail.${t}.*`],
    announce: [`eddy.tail_interest.${t}.*`, `eddy.changes_interest.${t}`, `eddy.changes_interest.${t}.*`],
    errors: [`eddy.errors.${t}`],
  };
}
