// Node configuration from flags and EDDY_<NAME> environment variables.
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { UsageError } from '../core/errors.ts';
import { parseDurationMs } from '../core/duration.ts';
import { flagHelp, parseFlags, type CommandSpec } from './flags.ts';
import { LogFormats, type LogFormat } from './runtime/logger.ts';

export const Roles = {
  frontend: 'frontend',
  datanode: 'datanode',
  flownode: 'flownode',
  meta: 'meta',
} as const;
export type Role = (typeof Roles)[keyof typeof Roles];
export const ALL_ROLES: readonly Role[] = [Roles.meta, Roles.datanode, Roles.frontend, Roles.flownode];

export const StorageKinds = { local: 'local', nats: 'nats' } as const;
export type StorageKind = (typeof StorageKinds)[keyof typeof StorageKinds];

export interface NodeConfig {
  data: string;
  http: string;
  /** PostgreSQL wire protocol address, or `off`. */
  postgres: string;
  /** PEM files of the PostgreSQL listener's TLS certificate and key (both, or neither: no TLS). */
  postgresTlsCert: string;
  postgresTlsKey: string;
  nats?: string;
  natsPort: number;
  /** Flush a region's memtable past this many bytes. */
  flushBytes: number;
  maxWriteBytes: number;
  publishChanges: boolean;
  /** Flush a memtable once it has held rows this long (ms). */
  flushInterval: number;
  /** Run compaction (and drop expired segments) this often (ms). */
  compactInterval: number;
  quiet: boolean;
  /** Comma list of roles, or `all`: standalone, every role in this process (the default). */
  role: string;
  /** This node's name in the cluster ([A-Za-z0-9_-]); defaults to the host name. */
  nodeId: string;
  /** Where segments live: `local` directory, or `nats` (JetStream object store, shared by the cluster). */
  storage: StorageKind;
  /** JetStream replicas of EddyDB's streams, buckets and object store (3 on a 3-server NATS cluster). */
  replicas: number;
  /** Memory for decoded segment columns kept between scans (MiB; 0: none). */
  cacheMb: number;
  /** Decode the newest segments into the decoded cache at start-up and after each flush, up to an eighth of it. */
  cacheWarm: boolean;
  /** The meta leader's rebalancer moves regions from hot to cold datanodes by itself (`on` in a cluster by default). */
  rebalance: 'on' | 'off';
  /**
   * Where a cluster keeps its regions' WALs: `shared`, the one EDDY_WAL stream of design.md's subject contract, or
   * `region`, one stream per region placed on its leader's nats-server (runtime/wal_streams.ts). What a cluster already
   * has wins: EDDY_WAL present means shared, a per-region stream present means region.
   */
  walStreams: 'shared' | 'region';
  /** `text` (one human line per event) or `json` (one object per line, for log shippers). */
  logFormat: LogFormat;
  /** Stop when the process that launched this one in the foreground goes away (npx, a shell, a supervisor). */
  exitWithParent: boolean;
  /** `static_user_provider:file:<path>` or `static_user_provider:cmd:<user>=<password>[,...]`; empty: no authentication. */
  userProvider: string;
  /** Longest a query may run (a duration: 30s, 5m; '' or 0: no limit); a request may set its own with X-Greptime-Timeout. */
  queryTimeout: string;
  /** Scanned data one query may hold (MiB; 0: no budget). */
  queryMemoryMb: number;
  /** Bytes of writes in flight before HTTP writes get 503 + Retry-After and NATS writes wait (0: no limit). */
  maxInflightWriteBytes: number;
  /** The node's memory budget (MiB) that memtables, writes in flight and the decoded cache share; 0: derived from the machine. */
  memoryLimitMb: number;
  /** Worker threads that parse large line protocol writes off the main thread (0: parse on the main thread). */
  parseWorkers: number;
  /** PEM certificate chain and private key: with both, HTTP is served over TLS (https). */
  tlsCert: string;
  tlsKey: string;
  /** Receive syslog (TCP and UDP, RFC 5424 and 3164) on this HOST:PORT; off when absent. */
  syslog?: string;
  /** The log table syslog messages go to. */
  syslogTable: string;
  /** Its database. */
  syslogDb: string;
  /** The smart index: create indexes a repeated selective workload needs, drop unused automatic ones (per table: WITH ('smart_index' = 'false')). */
  smartIndex: boolean;
  /** Mean rows a filtered scan reads before the smart index considers an index for its column. */
  smartIndexMinRows: number;
  /** Scans filtering a column, in the window, before the smart index considers it. */
  smartIndexMinQueries: number;
  /** The smart index drops an automatic index no scan used for this long (ms). */
  smartIndexDropAfter: number;
  /** A stop's budget (ms): memtables flush within it; past it regions close unflushed (their WAL replays on the next start). */
  stopTimeout: number;
  /** How long the HTTP server keeps an idle kept-alive connection open (ms); a request in progress is never cut by it. */
  httpKeepAliveTimeout: number;
}

export const DEFAULTS: NodeConfig = {
  data: './data',
  http: '127.0.0.1:4000',
  postgres: '127.0.0.1:4003',
  postgresTlsCert: '',
  postgresTlsKey: '',
  natsPort: 4222,
  flushBytes: 256 * 1024 * 1024,
  maxWriteBytes: 8 * 1024 * 1024,
  publishChanges: true,
  flushInterval: 5 * 60_000,
  compactInterval: 30 * 60_000,
  quiet: false,
  role: 'all',
  nodeId: '',
  storage: 'local',
  replicas: 1,
  cacheMb: 512,
  cacheWarm: true,
  rebalance: 'on',
  walStreams: 'shared',
  logFormat: 'text',
  exitWithParent: true,
  userProvider: '',
  queryTimeout: '',
  queryMemoryMb: 1024,
  maxInflightWriteBytes: 256 * 1024 * 1024,
  memoryLimitMb: 0,
  parseWorkers: 1,
  tlsCert: '',
  tlsKey: '',
  syslogTable: 'syslog',
  syslogDb: 'public',
  smartIndex: true,
  smartIndexMinRows: 50_000,
  smartIndexMinQueries: 3,
  smartIndexDropAfter: 60 * 60_000,
  stopTimeout: 10_000,
  httpKeepAliveTimeout: 65_000,
};

/** Every flag of `eddy start`: the parser and the --help text are both made from this table. */
export const START_COMMAND: CommandSpec = {
  name: 'start',
  summary: 'Starts a node. With no --nats it runs an embedded nats-server; with no --role it runs every role (standalone).',
  flags: [
    { name: 'data', key: 'data', kind: 'string', arg: 'DIR', help: 'data directory (regions, embedded NATS store)', nonEmpty: true },
    { name: 'http', key: 'http', kind: 'hostport', arg: 'HOST:PORT', help: 'HTTP API address' },
    { name: 'postgres', key: 'postgres', kind: 'hostport', arg: 'HOST:PORT', off: true, help: 'PostgreSQL wire protocol address (psql, drivers, Grafana), or off' },
    { name: 'postgres-tls-cert', key: 'postgresTlsCert', kind: 'string', arg: 'FILE', help: 'PEM certificate for TLS on the PostgreSQL port (with --postgres-tls-key)' },
    { name: 'postgres-tls-key', key: 'postgresTlsKey', kind: 'string', arg: 'FILE', help: 'PEM private key for TLS on the PostgreSQL port' },
    { name: 'nats', key: 'nats', kind: 'url', arg: 'URL', help: 'NATS server(s) to use instead of an embedded one' },
    { name: 'nats-port', key: 'natsPort', kind: 'port', arg: 'N', help: 'port of the embedded nats-server' },
    { name: 'role', key: 'role', kind: 'string', arg: 'ROLES', help: `all, or a comma list of ${ALL_ROLES.join(', ')}` },
    { name: 'node-id', key: 'nodeId', kind: 'string', arg: 'ID', help: 'name in the cluster (letters, digits, _ and -); default: the host name' },
    { name: 'storage', key: 'storage', kind: 'choice', arg: 'KIND', choices: Object.values(StorageKinds), help: 'where segments live' },
    { name: 'replicas', key: 'replicas', kind: 'int', arg: 'N', min: 1, max: 5, help: 'JetStream replicas of streams, buckets and object store' },
    { name: 'wal-streams', key: 'walStreams', kind: 'choice', arg: 'shared|region', choices: ['shared', 'region'], help: "cluster: regions' WALs in the one EDDY_WAL stream, or one stream per region on its leader's nats-server (appends and fence reads stay off the routes); what the cluster already has wins" },
    { name: 'rebalance', key: 'rebalance', kind: 'choice', arg: 'on|off', choices: ['on', 'off'], help: "cluster: the meta leader moves regions from hot to cold datanodes by itself (ADMIN rebalance() runs a round either way)" },
    { name: 'flush-bytes', key: 'flushBytes', kind: 'int', arg: 'BYTES', min: 1, help: "flush a region's memtable past this size (its columns plus the 20 bytes a row its flush's sort takes)" },
    { name: 'flush-interval', key: 'flushInterval', kind: 'int', arg: 'MS', min: 1, help: 'flush a memtable once it has held rows this long' },
    { name: 'compact-interval', key: 'compactInterval', kind: 'int', arg: 'MS', min: 1, help: 'run compaction (and drop expired segments) this often' },
    { name: 'max-write-bytes', key: 'maxWriteBytes', kind: 'int', arg: 'BYTES', min: 1, help: 'largest write payload (HTTP body or NATS message); larger is refused with 413' },
    { name: 'cache-mb', key: 'cacheMb', kind: 'int', arg: 'MIB', min: 0, help: 'memory for decoded segment columns kept between scans (0: none)' },
    { name: 'cache-warm', key: 'cacheWarm', kind: 'bool', help: 'decode the newest segments into that cache in the background once a region opens and after each flush, up to an eighth of it (false: only queries fill it)' },
    { name: 'publish-changes', key: 'publishChanges', kind: 'bool', help: 'publish committed batches on eddy.changes.<db>.<table> while a reader announces it on eddy.changes_interest (false: never)' },
    { name: 'log-format', key: 'logFormat', kind: 'choice', arg: 'FORMAT', choices: Object.values(LogFormats), help: 'log lines as text or JSON objects' },
    { name: 'user-provider', key: 'userProvider', kind: 'string', arg: 'SPEC', help: 'turn authentication on: static_user_provider:file:<path> (lines user[:mode]=password) or static_user_provider:cmd:user=pass[,user2=pass2]' },
    { name: 'query-timeout', key: 'queryTimeout', kind: 'string', arg: 'DURATION', help: 'longest a query may run (30s, 5m; 0: none); X-Greptime-Timeout sets it per request; past it: 408' },
    { name: 'query-memory-mb', key: 'queryMemoryMb', kind: 'int', arg: 'MIB', min: 0, help: 'scanned data one query may hold; past it the query fails, others go on (0: no budget)' },
    { name: 'parse-workers', key: 'parseWorkers', kind: 'int', arg: 'N', min: 0, help: 'worker threads parsing large line protocol writes (and encoding their WAL records) off the main thread, started with the node (0: none)' },
    { name: 'max-inflight-write-bytes', key: 'maxInflightWriteBytes', kind: 'int', arg: 'BYTES', min: 0, help: 'writes in flight before HTTP writes get 503 + Retry-After and NATS writes wait (0: no limit)' },
    { name: 'memory-limit-mb', key: 'memoryLimitMb', kind: 'int', arg: 'MIB', min: 0, help: 'memory budget memtables, writes in flight and the decoded cache share: memtables flush largest first past an eighth, writes get back-pressure past half, the cache keeps to a quarter (0: a quarter of the machine, 256-2048)' },
    { name: 'tls-cert', key: 'tlsCert', kind: 'string', arg: 'FILE', help: 'PEM certificate (chain) for HTTPS; needs --tls-key' },
    { name: 'tls-key', key: 'tlsKey', kind: 'string', arg: 'FILE', help: 'PEM private key for HTTPS; needs --tls-cert' },
    { name: 'quiet', key: 'quiet', kind: 'bool', help: 'log errors only' },
    { name: 'syslog', key: 'syslog', kind: 'hostport', arg: 'HOST:PORT', help: 'receive syslog here, TCP and UDP (RFC 5424 and 3164; octet counting or LF framing)' },
    { name: 'syslog-table', key: 'syslogTable', kind: 'string', arg: 'TABLE', help: 'log table for syslog messages', nonEmpty: true },
    { name: 'syslog-db', key: 'syslogDb', kind: 'string', arg: 'DB', help: 'database of the syslog table', nonEmpty: true },
    { name: 'stop-timeout', key: 'stopTimeout', kind: 'int', arg: 'MS', min: 1, help: 'budget of a stop (SIGTERM): memtables flush within it; past it regions close unflushed and their WAL replays on the next start' },
    { name: 'http-keep-alive-timeout', key: 'httpKeepAliveTimeout', kind: 'int', arg: 'MS', min: 1, help: 'how long an idle kept-alive HTTP connection stays open (a request in progress is never cut by it)' },
    { name: 'exit-with-parent', key: 'exitWithParent', kind: 'bool', help: 'stop when the launching process (npx, a shell) goes away' },
    { name: 'smart-index', key: 'smartIndex', kind: 'bool', help: "create the indexes a repeated selective workload needs and drop unused automatic ones (a table opts out with WITH ('smart_index' = 'false'))" },
    { name: 'smart-index-min-rows', key: 'smartIndexMinRows', kind: 'int', arg: 'ROWS', min: 0, help: 'mean rows a filtered scan reads before the smart index considers an index' },
    { name: 'smart-index-min-queries', key: 'smartIndexMinQueries', kind: 'int', arg: 'N', min: 1, help: 'filtered scans of a column before the smart index considers an index' },
    { name: 'smart-index-drop-after', key: 'smartIndexDropAfter', kind: 'int', arg: 'MS', min: 1, help: 'drop an automatic index no scan used for this long' },
  ],
};

/** The help of `eddy start`. */
export function startHelp(): string {
  return flagHelp(START_COMMAND, DEFAULTS);
}

/** Reads flags (`--name value`, `--name=value`), then EDDY_<NAME> env vars, then defaults; a mistake is a UsageError. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const cfg = parseFlags(START_COMMAND, argv, env, DEFAULTS);
  cfg.data = resolve(cfg.data);
  parseRoles(cfg.role);
  if (cfg.postgresTlsCert !== '' && cfg.postgresTlsKey === '') throw new UsageError('--postgres-tls-cert needs --postgres-tls-key');
  if (cfg.postgresTlsKey !== '' && cfg.postgresTlsCert === '') throw new UsageError('--postgres-tls-key needs --postgres-tls-cert');
  if (cfg.nodeId === '') cfg.nodeId = defaultNodeId();
  queryTimeoutMs(cfg);
  if ((cfg.tlsCert === '') !== (cfg.tlsKey === '')) throw new UsageError(cfg.tlsCert ? '--tls-cert needs --tls-key too (HTTPS takes both)' : '--tls-key needs --tls-cert too (HTTPS takes both)');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cfg.nodeId)) throw new UsageError(`--node-id: '${cfg.nodeId}' must be 1-64 letters, digits, '_' or '-'`);
  return cfg;
}

/** --query-timeout in ms (0: none); a bad duration is a UsageError naming the flag. */
export function queryTimeoutMs(cfg: Pick<NodeConfig, 'queryTimeout'>): number {
  const t = cfg.queryTimeout.trim();
  if (t === '' || t === '0') return 0;
  try {
    return parseDurationMs(t, '--query-timeout');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The roles named by --role: `all` (alone or in the list) means every role. */
export function parseRoles(text: string): Set<Role> {
  const out = new Set<Role>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'all') ALL_ROLES.forEach((r) => out.add(r));
    else if ((ALL_ROLES as readonly string[]).includes(part)) out.add(part as Role);
    else throw new UsageError(`--role: unknown role '${part}' (use ${ALL_ROLES.join(', ')} or all, comma separated)`);
  }
  if (out.size === 0) throw new UsageError('--role: name at least one role');
  return out;
}

/** `--role all` (the default) is standalone: one process, every region local, as a single-node EddyDB. */
export function isStandalone(cfg: Pick<NodeConfig, 'role'>): boolean {
  return cfg.role.split(',').some((p) => p.trim() === 'all');
}

function defaultNodeId(): string {
  return hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) || 'node';
}

export function splitHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  if (i < 0) return { host: '127.0.0.1', port: Number(s) };
  return { host: s.slice(0, i) || '0.0.0.0', port: Number(s.slice(i + 1)) };
}
