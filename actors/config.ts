// Node configuration from flags and EDDY_<NAME> environment variables.
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { InvalidConfigError } from '../core/errors.ts';

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
}

export const DEFAULTS: NodeConfig = {
  data: './data',
  http: '127.0.0.1:4000',
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
};

const FLAGS: Record<string, keyof NodeConfig> = {
  data: 'data', http: 'http', nats: 'nats', 'nats-port': 'natsPort', 'flush-bytes': 'flushBytes',
  'max-write-bytes': 'maxWriteBytes', 'publish-changes': 'publishChanges', quiet: 'quiet',
  'flush-interval': 'flushInterval', 'compact-interval': 'compactInterval',
  role: 'role', 'node-id': 'nodeId', storage: 'storage', replicas: 'replicas', 'cache-mb': 'cacheMb',
};

function coerce(key: keyof NodeConfig, v: string): NodeConfig[keyof NodeConfig] {
  const d = DEFAULTS[key];
  if (typeof d === 'number' || key === 'natsPort') {
    const n = Number(v);
    if (!Number.isFinite(n)) throw new InvalidConfigError(`--${key}: '${v}' is not a number`);
    return n;
  }
  if (typeof d === 'boolean') return v === '' || v === 'true' || v === '1' || v === 'yes';
  return v;
}

/** Reads flags (`--name value`, `--name=value`), then EDDY_<NAME> env vars, then defaults. */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const cfg: NodeConfig = { ...DEFAULTS };
  const set = (k: keyof NodeConfig, v: string) => ((cfg as unknown as Record<string, unknown>)[k] = coerce(k, v));
  for (const [flag, key] of Object.entries(FLAGS)) {
    const e = env[`EDDY_${flag.toUpperCase().replace(/-/g, '_')}`];
    if (e !== undefined) set(key, e);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new InvalidConfigError(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const key = FLAGS[name];
    if (!key) throw new InvalidConfigError(`unknown flag --${name}`);
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else if (typeof DEFAULTS[key] === 'boolean' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) value = 'true';
    else value = argv[++i] ?? '';
    set(key, value);
  }
  cfg.data = resolve(cfg.data);
  parseRoles(cfg.role);
  if (cfg.nodeId === '') cfg.nodeId = defaultNodeId();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cfg.nodeId)) throw new InvalidConfigError(`--node-id: '${cfg.nodeId}' must be 1-64 letters, digits, '_' or '-'`);
  if (!Number.isInteger(cfg.replicas) || cfg.replicas < 1 || cfg.replicas > 5) throw new InvalidConfigError(`--replicas: '${cfg.replicas}' must be 1 to 5 (JetStream's limit)`);
  if (!(cfg.cacheMb >= 0)) throw new InvalidConfigError(`--cache-mb: '${cfg.cacheMb}' must be 0 or more`);
  if (!Object.values(StorageKinds).includes(cfg.storage)) throw new InvalidConfigError(`--storage: '${cfg.storage}' is not one of ${Object.values(StorageKinds).join(', ')}`);
  return cfg;
}

/** The roles named by --role: `all` (alone or in the list) means every role. */
export function parseRoles(text: string): Set<Role> {
  const out = new Set<Role>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'all') ALL_ROLES.forEach((r) => out.add(r));
    else if ((ALL_ROLES as readonly string[]).includes(part)) out.add(part as Role);
    else throw new InvalidConfigError(`--role: unknown role '${part}' (use ${ALL_ROLES.join(', ')} or all, comma separated)`);
  }
  if (out.size === 0) throw new InvalidConfigError('--role: name at least one role');
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
