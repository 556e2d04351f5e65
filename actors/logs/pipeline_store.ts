// Logs pipelines kept in the catalog's KV bucket (one key per version), so they survive restarts and every node shares
// them; compiled once per version and cached. A KV watch keeps each node's index in step with the others'.
import type { KV } from '@nats-io/kv';
import {
  IDENTITY_PIPELINE, InvalidArgumentError, KvKeys, kvToken, kvUntoken, PipelineError, PipelineNotFoundError, compilePipeline, identityPipeline,
  type Clock, type CompiledPipeline,
} from '../../core/index.ts';
import { kvKeys } from '../runtime/kv_keys.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface PipelineVersion {
  name: string;
  /** GreptimeDB's form: `2024-06-27 12:02:34.257312110Z`. */
  version: string;
  /** The version's time in ns since the epoch (its key in KV). */
  ns: string;
  yaml: string;
}

/** `2024-06-27 12:02:34.257312110Z` from ns digits. */
export function versionText(ns: string): string {
  const n = BigInt(ns);
  const ms = Number(n / 1_000_000n);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${(n % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** ns digits of a version given either way (GreptimeDB's text, RFC 3339, or the ns number). */
export function versionNs(v: string): string {
  const t = v.trim();
  if (/^\d+$/.test(t)) return t;
  // GreptimeDB writes it with no zone, `Z`, or `+0000` (its GET answers); any offset is honoured
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m) throw new InvalidArgumentError(`invalid pipeline version '${v}': use the version a POST returned, e.g. 2024-06-27 12:02:34.257312110Z`);
  const zone = m[4] && !/^(z|utc)$/i.test(m[4]) ? m[4].slice(0, 3) + ':' + m[4].slice(-2) : 'Z';
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`invalid pipeline version '${v}': not a valid time`);
  return (BigInt(ms / 1000) * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0'))).toString();
}

export class PipelineStore {
  /** name -> ns -> yaml */
  private readonly index = new Map<string, Map<string, string>>();
  private readonly compiled = new Map<string, CompiledPipeline>();
  private watchStop: (() => void) | null = null;
  private lastNs = 0n;

  constructor(private readonly kv: KV, private readonly clock: Clock) {}

  async start(): Promise<void> {
    for (const key of await kvKeys(this.kv, KvKeys.pipelineAll)) await this.load(key);
    const w = await this.kv.watch({ key: KvKeys.pipelineAll, include: 'updates' });
    this.watchStop = () => w.stop();
    void (async () => {
      for await (const e of w) {
        const k = this.parseKey(e.key);
        if (!k) continue;
        if (e.operation === 'PUT' && e.value.length > 0) this.remember(k.name, k.ns, dec.decode(e.value));
        else this.forget(k.name, k.ns);
      }
    })().catch(() => undefined);
  }

  stop(): void {
    this.watchStop?.();
  }

  private parseKey(key: string): { name: string; ns: string } | null {
    const parts = key.split('.');
    if (parts.length !== 3 || parts[0] !== 'pipeline') return null;
    return { name: kvUntoken(parts[1]!), ns: parts[2]! };
  }

  private async load(key: string): Promise<void> {
    const k = this.parseKey(key);
    if (!k) return;
    const e = await this.kv.get(key);
    if (e && e.operation === 'PUT' && e.value.length > 0) this.remember(k.name, k.ns, dec.decode(e.value));
  }

  private remember(name: string, ns: string, yaml: string): void {
    let m = this.index.get(name);
    if (!m) this.index.set(name, (m = new Map()));
    m.set(ns, yaml);
  }

  private forget(name: string, ns: string): void {
    const m = this.index.get(name);
    m?.delete(ns);
    if (m && m.size === 0) this.index.delete(name);
    this.compiled.delete(`${name}\0${ns}`);
  }

  /** Checks and stores a new version; returns it. The YAML must compile (a 400 naming the line otherwise). */
  async create(name: string, yaml: string): Promise<PipelineVersion> {
    checkPipelineName(name);
    const compiled = compilePipeline(name, yaml);
    let ns = BigInt(this.clock.now()) * 1_000_000n + BigInt(Math.floor((performance.now() % 1) * 1e6));
    if (ns <= this.lastNs) ns = this.lastNs + 1n;
    this.lastNs = ns;
    const nsText = ns.toString();
    await this.kv.put(KvKeys.pipeline(name, nsText), enc.encode(yaml));
    this.remember(name, nsText, yaml);
    this.compiled.set(`${name}\0${nsText}`, compiled);
    return { name, version: versionText(nsText), ns: nsText, yaml };
  }

  /** Versions of a pipeline, newest first. */
  versions(name: string): PipelineVersion[] {
    const m = this.index.get(name);
    if (!m) return [];
    return [...m.entries()].sort((a, b) => (BigInt(b[0]) > BigInt(a[0]) ? 1 : -1)).map(([ns, yaml]) => ({ name, ns, version: versionText(ns), yaml }));
  }

  names(): string[] {
    return [...this.index.keys()].sort();
  }

  /** One version (the newest when none is given); throws PipelineNotFoundError. */
  async get(name: string, version?: string): Promise<PipelineVersion> {
    let list = this.versions(name);
    // Another node may have just created it: look in KV before saying it is not there.
    if (list.length === 0) {
      for (const key of await kvKeys(this.kv, `pipeline.${kvToken(name)}.*`)) await this.load(key);
      list = this.versions(name);
    }
    if (version === undefined || version === '') {
      if (!list[0]) throw new PipelineNotFoundError(name);
      return list[0];
    }
    const ns = versionNs(version);
    const hit = list.find((v) => v.ns === ns);
    if (!hit) throw new PipelineNotFoundError(name, version);
    return hit;
  }

  /** The compiled pipeline (cached per version); greptime_identity is built in. */
  async compiledOf(name: string, version?: string): Promise<CompiledPipeline> {
    if (name === IDENTITY_PIPELINE) return identityPipeline();
    const v = await this.get(name, version);
    const key = `${name}\0${v.ns}`;
    let c = this.compiled.get(key);
    if (!c) {
      c = compilePipeline(name, v.yaml);
      this.compiled.set(key, c);
    }
    return c;
  }

  /** Deletes one version (GreptimeDB requires it), or every version when none is given. Returns what was deleted. */
  async delete(name: string, version?: string): Promise<PipelineVersion[]> {
    const targets = version === undefined || version === '' ? this.versions(name) : [await this.get(name, version)];
    if (targets.length === 0) throw new PipelineNotFoundError(name);
    for (const v of targets) {
      await this.kv.purge(KvKeys.pipeline(name, v.ns));
      this.forget(name, v.ns);
    }
    return targets;
  }
}

export function checkPipelineName(name: string): void {
  if (name === '' || name.length > 200) throw new InvalidArgumentError('a pipeline name must be 1 to 200 characters');
  if (name.startsWith('greptime_')) throw new PipelineError(`pipeline names starting with 'greptime_' are reserved for built-in pipelines: '${name}'`);
  if (name.startsWith('_')) throw new InvalidArgumentError(`pipeline names cannot start with '_': '${name}'`);
}
