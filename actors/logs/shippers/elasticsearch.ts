// Elasticsearch's API as log shippers use it, under /v1/elasticsearch: the handshake they call first (`/`, `_license`,
// `_cluster/health`, `_nodes`, index templates), and `_bulk` (`/_bulk`, `/<index>/_bulk`) into log tables: `_index` is
// the table, the pipeline comes from `?pipeline=` / `?pipeline_name=`, `x-greptime-pipeline-name` or the action line.
// Every reply carries `X-Elastic-Product: Elasticsearch` and Elasticsearch's body shapes.
import { randomBytes } from 'node:crypto';
import {
  BulkRequestError, IDENTITY_PIPELINE, filterPath, StatusCode, esErrorBody, httpStatusOf, isUserError, parseBulk, toWireError,
  type BulkItem, type EsError,
} from '../../../core/index.ts';
import type { HttpReply, RouteTable } from '../../gateway/http/routes.ts';
import type { LogIngest } from '../log_ingest.ts';
import { decodedBody, header } from './body.ts';
import { TemplateError, type EsTemplateStore, type TemplateKind } from './es_templates.ts';

export interface ElasticsearchDeps {
  logs: () => LogIngest;
  /** Index templates, in the catalog KV bucket. */
  templates: () => EsTemplateStore;
  nodeId: string;
  /** host:port others reach this node's HTTP API at (for `_nodes`). */
  httpAddress: () => string;
  maxBodyBytes: () => number;
  now: () => number;
}

export const ES_PREFIX = '/v1/elasticsearch';
/** The Elasticsearch version announced: 8.x, so clients send no `_type` and use the typeless APIs. */
const ES_VERSION = '8.17.0';
const CLUSTER = 'eddydb';
const CLUSTER_UUID = 'eddydb-logs-elasticsearch-api';

export function registerElasticsearchRoutes(routes: RouteTable, d: ElasticsearchDeps): void {
  let seqNo = 0;
  // Generated _ids: 20 characters like Elasticsearch's, a random per-node prefix and a counter (no crypto call per item).
  const idPrefix = randomBytes(6).toString('base64url');
  let idSeq = 0;
  const nextId = () => idPrefix + (idSeq++).toString(36).padStart(12, '0');

  const reply = (req: { headers: Record<string, unknown>; url?: string }, status: number, body: unknown): HttpReply => replyJson(req, status, JSON.stringify(body));
  const replyJson = (req: { headers: Record<string, unknown>; url?: string }, status: number, json: string): HttpReply => {
    // ?filter_path= trims any answer, as Elasticsearch does (shippers ask for `errors,items.*.error` on _bulk).
    const fp = req.url?.includes('filter_path=') ? new URL(req.url, 'http://x').searchParams.get('filter_path') : null;
    if (fp) json = JSON.stringify(filterPath(JSON.parse(json), fp));
    // Answer in the media type a client asked for (compatible-with=N) so its compatibility check passes.
    const accept = String(req.headers.accept ?? '');
    const compat = /compatible-with=(\d+)/.exec(accept);
    return {
      status, body: json,
      contentType: compat ? `application/vnd.elasticsearch+json;compatible-with=${compat[1]}` : 'application/json; charset=UTF-8',
      headers: { 'X-Elastic-Product': 'Elasticsearch' },
    };
  };
  const error = (req: { headers: Record<string, unknown> }, status: number, e: EsError): HttpReply => reply(req, status, esErrorBody(e, status));

  const info = () => ({
    name: d.nodeId, cluster_name: CLUSTER, cluster_uuid: CLUSTER_UUID,
    version: {
      number: ES_VERSION, build_flavor: 'default', build_type: 'eddydb', build_hash: 'eddydb', build_date: '2024-12-11T00:00:00.000Z',
      build_snapshot: false, lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0', minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  });

  // _index_template / _template: PUT or POST (?create=true refuses to replace), GET or HEAD, DELETE; names comma separated with wildcards
  const templateApi = async (req: { method?: string; headers: Record<string, unknown>; url?: string }, url: URL, kind: TemplateKind, name: string, body: () => Promise<Buffer>): Promise<HttpReply> => {
    const store = d.templates();
    try {
      if (req.method === 'PUT' || req.method === 'POST') {
        await store.put(kind, name, (await body()).toString('utf8'), url.searchParams.get('create') === 'true');
        return reply(req, 200, { acknowledged: true });
      }
      if (req.method === 'DELETE') {
        await store.delete(kind, name);
        return reply(req, 200, { acknowledged: true });
      }
      const found = await store.get(kind, name);
      if (kind === 'legacy' || kind === 'ilm') return reply(req, 200, Object.fromEntries(found));
      return reply(req, 200, { index_templates: found.map(([n, t]) => ({ name: n, index_template: t })) });
    } catch (e) {
      if (e instanceof TemplateError) return error(req, e.status, { type: e.esType, reason: e.message });
      const w = toWireError(e);
      return error(req, httpStatusOf(w.code), { type: 'exception', reason: w.message });
    }
  };

  routes.add({
    // write on the request's database (?db= / x-greptime-db-name): the handshake comes from the same shipper as its bulk
    methods: ['GET', 'POST', 'PUT', 'DELETE'], path: ES_PREFIX, prefix: true, access: 'write',
    handler: async (req, url, body) => {
      const rest = url.pathname.slice(ES_PREFIX.length).replace(/^\/+|\/+$/g, '');
      const parts = rest === '' ? [] : rest.split('/').map(decodeURIComponent);
      // HEAD is GET without a body (the gateway drops it): existence checks answer 200 or 404
      const method = req.method === 'HEAD' ? 'GET' : req.method ?? 'GET';
      const bulkIndex = parts.length === 2 && parts[1] === '_bulk' ? parts[0] : parts.length === 1 && parts[0] === '_bulk' ? undefined : null;
      if (bulkIndex !== null) {
        if (method !== 'POST' && method !== 'PUT') return error(req, 405, { type: 'illegal_argument_exception', reason: `Incorrect HTTP method for uri [${url.pathname}] and method [${method}], allowed: [POST, PUT]` });
        return bulk(req, url, body, bulkIndex);
      }
      const head = parts[0] ?? '';
      if (parts.length === 0) return reply(req, 200, info());
      if (head === '_license') return reply(req, 200, { license: { status: 'active', uid: CLUSTER_UUID, type: 'basic', issue_date: '2024-01-01T00:00:00.000Z', issue_date_in_millis: 1704067200000, max_nodes: 1000, issued_to: CLUSTER, issuer: 'eddydb', start_date_in_millis: -1 } });
      if (head === '_xpack') return reply(req, 200, { build: { hash: 'eddydb', date: '2024-12-11T00:00:00.000Z' }, license: { uid: CLUSTER_UUID, type: 'basic', mode: 'basic', status: 'active' }, features: {} });
      if (head === '_cluster' && parts[1] === 'health') {
        return reply(req, 200, {
          cluster_name: CLUSTER, status: 'green', timed_out: false, number_of_nodes: 1, number_of_data_nodes: 1, active_primary_shards: 0, active_shards: 0,
          relocating_shards: 0, initializing_shards: 0, unassigned_shards: 0, delayed_unassigned_shards: 0, number_of_pending_tasks: 0,
          number_of_in_flight_fetch: 0, task_max_waiting_in_queue_millis: 0, active_shards_percent_as_number: 100,
        });
      }
      if (head === '_nodes') {
        const addr = d.httpAddress();
        return reply(req, 200, {
          _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: CLUSTER,
          nodes: { [d.nodeId]: { name: d.nodeId, transport_address: addr, host: addr.split(':')[0], ip: addr.split(':')[0], version: ES_VERSION, build_flavor: 'default', roles: ['data', 'ingest', 'master'], http: { bound_address: [addr], publish_address: addr, max_content_length_in_bytes: d.maxBodyBytes() } } },
        });
      }
      if (head === '_index_template' || head === '_template') return templateApi(req, url, head === '_template' ? 'legacy' : 'index', parts[1] ?? '', body);
      if (head === '_ilm' && parts[1] === 'policy') return templateApi(req, url, 'ilm', parts[2] ?? '', body);
      if (head === '_ilm') return method === 'GET' ? reply(req, 200, { operation_mode: 'RUNNING' }) : reply(req, 200, { acknowledged: true });
      // Ingest pipelines are EddyDB pipelines (POST /v1/pipelines): ES's own are acknowledged and not kept, so a
      // GET finds none (Elasticsearch answers a missing one 404 with `{}`)
      if (head === '_ingest') return method === 'GET' ? reply(req, parts[2] ? 404 : 200, {}) : reply(req, 200, { acknowledged: true });
      // PUT /<index> (create index) and HEAD/GET /<index>: a log table is created by its first write.
      if (parts.length === 1 && !head.startsWith('_')) {
        if (method === 'PUT') return reply(req, 200, { acknowledged: true, shards_acknowledged: true, index: head });
        if (method === 'GET') {
          const db = url.searchParams.get('db') ?? header(req, 'x-greptime-db-name') ?? 'public';
          if (!(await d.logs().tableExists(db, head))) {
            return error(req, 404, { type: 'index_not_found_exception', reason: `no such index [${head}]` });
          }
          return reply(req, 200, { [head]: { aliases: {}, mappings: {}, settings: {} } });
        }
      }
      return error(req, 400, { type: 'illegal_argument_exception', reason: `no handler found for uri [${url.pathname}] and method [${method}]` });
    },
  });
  routes.add({ methods: ['GET'], path: ES_PREFIX, access: 'user', handler: async (req) => reply(req, 200, info()) });

  async function bulk(req: Parameters<Parameters<RouteTable['add']>[0]['handler']>[0], url: URL, body: () => Promise<Buffer>, urlIndex: string | undefined): Promise<HttpReply> {
    const t0 = d.now();
    const q = url.searchParams;
    const db = q.get('db') ?? header(req, 'x-greptime-db-name') ?? 'public';
    // The action line's pipeline, else the request's, else the index's templates' index.default_pipeline, else identity
    // (`_none`: no pipeline, greptime_identity)
    const pipeline = q.get('pipeline_name') ?? q.get('pipeline') ?? header(req, 'x-greptime-pipeline-name');
    const templates = d.templates();
    const byIndex = new Map<string, string>();
    const defaultOf = (index: string): string => {
      let p = byIndex.get(index);
      if (p === undefined) byIndex.set(index, (p = templates.defaultPipeline(index) ?? IDENTITY_PIPELINE));
      return p;
    };
    const version = q.get('version') ?? header(req, 'x-greptime-pipeline-version');
    let items: BulkItem[];
    try {
      items = parseBulk(decodedBody(req, await body(), d.maxBodyBytes()), urlIndex);
    } catch (e) {
      if (e instanceof BulkRequestError) return error(req, 400, { type: e.esType, reason: e.message });
      const w = toWireError(e);
      const status = httpStatusOf(w.code);
      return error(req, status, { type: status === 413 ? 'content_too_long_exception' : 'parse_exception', reason: w.message });
    }
    // One pipeline run and one write per (table, pipeline): each group lands whole or fails whole.
    const groups = new Map<string, { table: string; pipeline: string; at: number[] }>();
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (it.error) continue;
      const named = it.pipeline ?? pipeline;
      const p = named === '_none' ? IDENTITY_PIPELINE : named ?? defaultOf(it.index);
      const key = `${it.index}\u0000${p}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { table: it.index, pipeline: p, at: [] }));
      g.at.push(i);
    }
    const status = new Int32Array(items.length).fill(201);
    const errors: (EsError | null)[] = items.map((it) => it.error);
    for (let i = 0; i < items.length; i++) if (errors[i]) status[i] = 400;
    for (const g of groups.values()) {
      try {
        const r = await d.logs().ingestRecords(db, g.table, g.pipeline, g.at.map((i) => items[i]!.doc!), { skipErrors: true, ...(version ? { version } : {}) });
        for (const f of r.failedRows) {
          const i = g.at[f.row]!;
          status[i] = 400;
          errors[i] = { type: 'document_parsing_exception', reason: `[${items[i]!.line + 1}:1] ${f.message}` };
        }
      } catch (e) {
        const w = toWireError(e);
        const user = isUserError(w.code);
        const type = w.code === StatusCode.PipelineNotFound || w.code === StatusCode.PipelineInvalid ? 'illegal_argument_exception'
          : user ? 'document_parsing_exception' : 'unavailable_shards_exception';
        for (const i of g.at) { status[i] = user ? 400 : 503; errors[i] = { type, reason: w.message }; }
      }
    }
    // The reply is written as text: one object graph and a stringify per item cost more than the write itself.
    let anyError = false;
    const out = new Array<string>(items.length);
    const indexJson = new Map<string, string>();
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const id = it.id ?? nextId();
      const e = errors[i];
      if (e) {
        anyError = true;
        out[i] = JSON.stringify({ [it.action]: { _index: it.index, _id: id, status: status[i], error: { ...e, index: it.index } } });
        continue;
      }
      let ix = indexJson.get(it.index);
      if (ix === undefined) indexJson.set(it.index, (ix = JSON.stringify(it.index)));
      out[i] = `{"${it.action}":{"_index":${ix},"_id":${it.id === undefined ? `"${id}"` : JSON.stringify(id)},"_version":1,"result":"created",`
        + `"_shards":{"total":1,"successful":1,"failed":0},"_seq_no":${seqNo++},"_primary_term":1,"status":201}}`;
    }
    return replyJson(req, 200, `{"took":${Math.max(0, Math.round(d.now() - t0))},"errors":${anyError},"items":[${out.join(',')}]}`);
  }
}
