// HTTP endpoints of the logs engine: pipelines (POST/GET/DELETE /v1/pipelines/<name>, POST /v1/pipelines/_dryrun) and
// ingest (POST /v1/ingest, alias /v1/events/logs), in GreptimeDB's request and reply shapes.
import {
  IDENTITY_PIPELINE, InvalidArgumentError, compilePipeline, identityParams, identityWith, showCreateTable, identityPipeline, parseInput, type CompiledPipeline, type Clock,
} from '../../core/index.ts';
import { json, type Handler, type RouteTable } from '../gateway/http/routes.ts';
import type { LogIngest } from './log_ingest.ts';
import { dryrunReply } from './rows_out.ts';
import { tailHandler, type TailDeps } from './tail_http.ts';
import { registerShipperRoutes } from './shippers/index.ts';
import type { EsTemplateStore } from './shippers/es_templates.ts';

export interface LogHttpDeps {
  logs: () => LogIngest;
  /** Elasticsearch index templates (catalog KV). */
  esTemplates: () => EsTemplateStore;
  clock: Clock;
  tail: TailDeps;
  /** This node's name (Elasticsearch's `_nodes`, `/`). */
  nodeId: string;
  /** host:port of this node's HTTP API. */
  httpAddress: () => string;
  /** Largest request body, also after gzip is undone (--max-write-bytes). */
  maxBodyBytes: () => number;
}

const dec = new TextDecoder();

/** The YAML of a POST: the raw body, or the first file of a multipart form (`curl -F file=@pipeline.yaml`). */
export function yamlOfBody(body: Buffer, contentType: string | undefined): string {
  const ct = contentType ?? '';
  const m = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(ct);
  if (!m) return dec.decode(body);
  const text = body.toString('utf8');
  const parts = text.split(`--${m[1]}`);
  for (const p of parts) {
    const sep = p.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    let content = p.slice(sep + 4);
    if (content.endsWith('\r\n')) content = content.slice(0, -2);
    return content;
  }
  throw new InvalidArgumentError('multipart body has no part: send the pipeline YAML as the body or as a form file');
}

export function registerLogRoutes(routes: RouteTable, d: LogHttpDeps): void {
  const ms = (t0: number) => Math.round(d.clock.now() - t0);

  const pipelines: Handler = async (req, url, body) => {
    const t0 = d.clock.now();
    let name = decodeURIComponent(url.pathname.replace(/^\/v1\/(events\/)?pipelines\/?/, '').replace(/\/+$/, ''));
    const store = d.logs().pipelines;
    const version = url.searchParams.get('version') ?? undefined;
    // `dryrun` is the older spelling of `_dryrun` (GreptimeDB's docs use both)
    if (name === 'dryrun' || name === '_dryrun') {
      if (req.method !== 'POST') throw new InvalidArgumentError('dryrun takes a POST');
      return dryrun(req, url, body);
    }
    if (name.endsWith('/ddl') && req.method === 'GET') {
      name = name.slice(0, -4);
      const table = url.searchParams.get('table');
      if (!table) throw new InvalidArgumentError('name the table: /v1/pipelines/<name>/ddl?table=<table>');
      const columns = (await store.compiledOf(name, version)).declaredColumns();
      const time = columns.find((c) => c.semantic === 'timestamp');
      if (!time) throw new InvalidArgumentError(`pipeline '${name}' declares no time index in its transform ('index: timestamp'): its table's columns are known only from data`);
      const sql = showCreateTable({
        db: 'public', name: table, id: 0, version: 1, columns, timeIndex: time.name, primaryKey: columns.filter((c) => c.semantic === 'tag').map((c) => c.name),
        options: { appendMode: true }, regions: 1, createdAt: 0,
      });
      return json(200, { sql: { sql }, execution_time_ms: ms(t0) });
    }
    if (name.includes('/')) throw new InvalidArgumentError(`no route ${url.pathname}`);
    if (name === '') {
      if (req.method !== 'GET') throw new InvalidArgumentError('name the pipeline: /v1/pipelines/<name>');
      return json(200, { pipelines: store.names().map((n) => ({ name: n, version: store.versions(n)[0]!.version })), execution_time_ms: ms(t0) });
    }
    if (req.method === 'POST') {
      const yaml = yamlOfBody(await body(), req.headers['content-type']);
      const v = await store.create(name, yaml);
      return json(200, { pipelines: [{ name: v.name, version: v.version }], execution_time_ms: ms(t0) });
    }
    if (req.method === 'DELETE') {
      const gone = await store.delete(name, version);
      return json(200, { pipelines: gone.map((v) => ({ name: v.name, version: v.version })), execution_time_ms: ms(t0) });
    }
    const v = await store.get(name, version);
    return json(200, { pipelines: [{ name: v.name, version: v.version, pipeline: v.yaml }], execution_time_ms: ms(t0) });
  };
  // `/v1/events/pipelines` is GreptimeDB's older prefix
  for (const prefix of ['/v1/pipelines', '/v1/events/pipelines']) {
    routes.add({ methods: ['GET', 'POST', 'DELETE'], path: prefix, prefix: true, handler: pipelines });
    routes.add({ methods: ['GET'], path: prefix, handler: pipelines });
    for (const dr of ['_dryrun', 'dryrun']) routes.add({ methods: ['POST'], path: `${prefix}/${dr}`, access: 'user', handler: (req, url, body) => dryrun(req, url, body) });
  }

  async function dryrun(...[req, url, body]: Parameters<Handler>): ReturnType<Handler> {
    {
      const raw = await body();
      const ct = req.headers['content-type'];
      let pipeline: CompiledPipeline;
      let data: { records?: Record<string, unknown>[]; lines?: string[] };
      const q = url.searchParams;
      if (q.get('pipeline_name')) {
        // Older form: the pipeline in the query, the sample as the body.
        pipeline = await d.logs().pipelines.compiledOf(q.get('pipeline_name')!, q.get('version') ?? undefined);
        const input = parseInput(raw, ct);
        data = input.kind === 'lines' ? { lines: input.lines } : { records: input.records };
      } else {
        let req: { pipeline_name?: string; pipeline_version?: string; pipeline?: string; data_type?: string; data?: unknown };
        try { req = JSON.parse(dec.decode(raw)); } catch (e) { throw new InvalidArgumentError(`dryrun body must be JSON ({"pipeline" or "pipeline_name", "data", "data_type"}): ${(e as Error).message}`); }
        if (typeof req.pipeline === 'string') pipeline = compilePipeline('_dryrun', req.pipeline);
        else if (typeof req.pipeline_name === 'string') pipeline = req.pipeline_name === IDENTITY_PIPELINE ? identityPipeline() : await d.logs().pipelines.compiledOf(req.pipeline_name, req.pipeline_version);
        else throw new InvalidArgumentError("dryrun needs 'pipeline' (YAML text) or 'pipeline_name'");
        const dt = req.data_type ?? 'application/json';
        if (typeof req.data === 'string') {
          const input = parseInput(req.data, dt);
          data = input.kind === 'lines' ? { lines: input.lines } : { records: input.records };
        } else if (Array.isArray(req.data)) {
          data = req.data.every((x) => typeof x === 'string') && dt === 'text/plain' ? { lines: req.data as string[] } : { records: req.data as Record<string, unknown>[] };
        } else if (req.data !== null && typeof req.data === 'object') data = { records: [req.data as Record<string, unknown>] };
        else throw new InvalidArgumentError("dryrun needs 'data': a string (NDJSON, JSON or text lines per data_type) or a JSON array");
      }
      const opts = { table: '_dryrun', nowMs: d.clock.now() };
      const r = data.lines ? pipeline.runLines(data.lines, opts) : pipeline.run(data.records!, opts);
      return json(200, dryrunReply(r.columns, r.batch));
    }
  }

  const ingest: Handler = async (req, url, body) => {
    const t0 = d.clock.now();
    const q = url.searchParams;
    const h = (n: string) => { const v = req.headers[n]; return typeof v === 'string' && v !== '' ? v : undefined; };
    const db = q.get('db') ?? h('x-greptime-db-name') ?? 'public';
    const table = q.get('table') ?? h('x-greptime-log-table-name');
    if (!table) throw new InvalidArgumentError("name the table: ?table=<name> or the x-greptime-log-table-name header");
    const pipeline = q.get('pipeline_name') ?? h('x-greptime-pipeline-name') ?? IDENTITY_PIPELINE;
    const version = q.get('version') ?? h('x-greptime-pipeline-version') ?? undefined;
    // greptime_identity's parameters: custom_time_index, flatten_json_object, max_nested_levels
    const params = pipeline === IDENTITY_PIPELINE ? identityParams(h('x-greptime-pipeline-params'), q) : {};
    const r = await d.logs().ingestBody(db, table, params.customTimeIndex ? identityWith(params) : pipeline, await body(), req.headers['content-type'], {
      ...(version ? { version } : {}), ...(q.get('skip_error') === 'true' ? { skipErrors: true } : {}),
      ...(params.flattenLevels ? { flattenLevels: params.flattenLevels } : {}),
    });
    return json(200, {
      output: [{ affectedrows: r.rows }],
      execution_time_ms: ms(t0),
      ...(r.failed > 0 ? { skipped: r.failed, errors: r.errors } : {}),
      ...(r.filtered > 0 ? { filtered: r.filtered } : {}),
    });
  };
  for (const path of ['/v1/ingest', '/v1/events/logs']) routes.add({ methods: ['POST'], path, handler: ingest, access: 'write' });

  routes.add({ methods: ['GET'], path: '/v1/logs/tail', handler: tailHandler(d.tail), access: 'read' });
  registerShipperRoutes(routes, d);
}
