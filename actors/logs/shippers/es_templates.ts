// Elasticsearch index templates (`_index_template`, composable) and legacy templates (`_template`) kept in the catalog's
// KV bucket, so they survive restarts and every node sees them; a KV watch keeps each node's copy in step. A template's
// `index.default_pipeline` setting names the pipeline `_bulk` runs for the indices it matches (ES's ingest pipeline
// setting mapped onto EddyDB's pipelines).
import type { KV } from '@nats-io/kv';
import { KvKeys, kvUntoken } from '../../../core/index.ts';
import { kvKeys } from '../../runtime/kv_keys.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Composable index templates, legacy templates, and ILM policies (kept so a shipper's check-then-create finds them). */
export type TemplateKind = 'index' | 'legacy' | 'ilm';
type Template = Record<string, unknown>;

/** A user's mistake in Elasticsearch's error shape (type, reason) and status. */
export class TemplateError extends Error {
  constructor(readonly status: number, readonly esType: string, reason: string) {
    super(reason);
  }
}

/** Elasticsearch's wildcard patterns: `*` any run of characters, the rest literal. */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(s);
}

function patternsOf(t: Template): string[] {
  const p = t.index_patterns ?? t.template;
  return typeof p === 'string' ? [p] : Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
}

/** `index.default_pipeline` of a settings object, nested (`{index: {default_pipeline}}`) or flat (`index.default_pipeline`). */
function defaultPipelineOf(settings: unknown): string | undefined {
  if (!settings || typeof settings !== 'object') return undefined;
  const s = settings as Record<string, unknown>;
  const flat = s['index.default_pipeline'];
  if (typeof flat === 'string') return flat;
  const idx = s.index as Record<string, unknown> | undefined;
  return idx && typeof idx.default_pipeline === 'string' ? idx.default_pipeline : undefined;
}

export class EsTemplateStore {
  private readonly maps: Record<TemplateKind, Map<string, Template>> = { index: new Map(), legacy: new Map(), ilm: new Map() };
  private watchStop: (() => void) | null = null;

  constructor(private readonly kv: KV) {}

  async start(): Promise<void> {
    await this.reload();
    const w = await this.kv.watch({ key: KvKeys.esTemplateAll, include: 'updates' });
    this.watchStop = () => w.stop();
    void (async () => {
      for await (const e of w) this.apply(e.key, e.operation === 'PUT' && e.value.length > 0 ? e.value : null);
    })().catch(() => undefined);
  }

  stop(): void {
    this.watchStop?.();
  }

  /** Reads every template from KV: a GET answers what is stored, even what another node wrote a moment ago. */
  private async reload(): Promise<void> {
    for (const key of await kvKeys(this.kv, KvKeys.esTemplateAll)) {
      const e = await this.kv.get(key);
      this.apply(key, e && e.operation === 'PUT' && e.value.length > 0 ? e.value : null);
    }
  }

  private apply(key: string, value: Uint8Array | null): void {
    const [, kind, tok] = key.split('.');
    if ((kind !== 'index' && kind !== 'legacy' && kind !== 'ilm') || !tok) return;
    const name = kvUntoken(tok);
    if (value) this.maps[kind].set(name, JSON.parse(dec.decode(value)) as Template);
    else this.maps[kind].delete(name);
  }

  /** PUT/POST: checks the body as Elasticsearch does, fills its defaults, stores it. */
  async put(kind: TemplateKind, name: string, body: string, create: boolean): Promise<void> {
    const bad = name === '' ? 'name must not be empty' : /[\s,*"\\/<>|?#]/.test(name) ? 'name must not contain a space, \',\', \'*\', \'"\', \'\\\', \'/\', \'<\', \'>\', \'|\', \'?\' or \'#\''
      : name.startsWith('_') ? "name must not start with '_'" : name !== name.toLowerCase() ? 'name must be lower cased' : null;
    if (bad) throw new TemplateError(400, 'invalid_index_template_exception', `index_template [${name}] invalid, cause [${bad}]`);
    let t: unknown;
    try { t = JSON.parse(body || '{}'); } catch (e) {
      throw new TemplateError(400, 'x_content_parse_exception', `template [${name}] is not JSON: ${(e as Error).message}`);
    }
    if (!t || typeof t !== 'object' || Array.isArray(t)) throw new TemplateError(400, 'x_content_parse_exception', `template [${name}] must be a JSON object`);
    const tpl = t as Template;
    if (kind === 'ilm') {
      const policy = tpl.policy;
      if (!policy || typeof policy !== 'object' || Array.isArray(policy)) throw new TemplateError(400, 'x_content_parse_exception', `[put_lifecycle_request] policy [${name}] needs a 'policy' object`);
      await this.reload();
      const version = ((this.maps.ilm.get(name)?.version as number | undefined) ?? 0) + 1;
      const stored: Template = { version, modified_date: new Date().toISOString(), policy: { ...(policy as Template), phases: (policy as Template).phases ?? {} } };
      await this.kv.put(KvKeys.esTemplate(kind, name), enc.encode(JSON.stringify(stored)));
      this.maps.ilm.set(name, stored);
      return;
    }
    const patterns = patternsOf(tpl);
    if (patterns.length === 0) throw new TemplateError(400, 'action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;');
    await this.reload();
    if (create && this.maps[kind].has(name)) throw new TemplateError(400, 'illegal_argument_exception', `index template [${name}] already exists`);
    const stored: Template = kind === 'index'
      ? { ...tpl, index_patterns: patterns, composed_of: Array.isArray(tpl.composed_of) ? tpl.composed_of : [] }
      : { order: typeof tpl.order === 'number' ? tpl.order : 0, ...tpl, index_patterns: patterns, settings: tpl.settings ?? {}, mappings: tpl.mappings ?? {}, aliases: tpl.aliases ?? {} };
    if (kind === 'legacy') delete stored.template;
    await this.kv.put(KvKeys.esTemplate(kind, name), enc.encode(JSON.stringify(stored)));
    this.maps[kind].set(name, stored);
  }

  /** GET: names may be comma separated and hold wildcards; an exact name that is missing is a 404. */
  async get(kind: TemplateKind, names: string): Promise<[string, Template][]> {
    await this.reload();
    const map = this.maps[kind];
    if (names === '' || names === '*' || names === '_all') return [...map.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    const out = new Map<string, Template>();
    for (const n of names.split(',').map((x) => x.trim()).filter(Boolean)) {
      if (n.includes('*')) {
        for (const [k, v] of map) if (globMatch(n, k)) out.set(k, v);
      } else if (map.has(n)) out.set(n, map.get(n)!);
      else throw new TemplateError(404, 'resource_not_found_exception', kind === 'ilm' ? `Lifecycle policy not found: ${n}` : `index template matching [${n}] not found`);
    }
    return [...out.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }

  /** DELETE: comma separated names and wildcards; an exact name that is missing is a 404 and nothing is deleted. */
  async delete(kind: TemplateKind, names: string): Promise<void> {
    await this.reload();
    const map = this.maps[kind];
    const targets = new Set<string>();
    for (const n of names.split(',').map((x) => x.trim()).filter(Boolean)) {
      if (n.includes('*')) { for (const k of map.keys()) if (globMatch(n, k)) targets.add(k); } else if (map.has(n)) targets.add(n);
      else throw new TemplateError(404, 'resource_not_found_exception', kind === 'ilm' ? `Lifecycle policy not found: ${n}` : `index_template [${n}] missing`);
    }
    for (const n of targets) {
      await this.kv.purge(KvKeys.esTemplate(kind, n));
      map.delete(n);
    }
  }

  /**
   * The pipeline an index's matching templates name in `index.default_pipeline`: the composable template of highest
   * priority that matches wins (legacy templates only when none does, the highest order winning); `_none` is none.
   */
  defaultPipeline(index: string): string | undefined {
    let best: Template | undefined;
    let bestPriority = -Infinity;
    for (const t of this.maps.index.values()) {
      const p = typeof t.priority === 'number' ? t.priority : 0;
      if (p > bestPriority && patternsOf(t).some((x) => globMatch(x, index))) { best = t; bestPriority = p; }
    }
    let name: string | undefined;
    if (best) name = defaultPipelineOf((best.template as Template | undefined)?.settings);
    else {
      let order = -Infinity;
      for (const t of this.maps.legacy.values()) {
        const o = typeof t.order === 'number' ? t.order : 0;
        const dp = defaultPipelineOf(t.settings);
        if (dp !== undefined && o >= order && patternsOf(t).some((x) => globMatch(x, index))) { name = dp; order = o; }
      }
    }
    return name === '_none' ? undefined : name;
  }
}
