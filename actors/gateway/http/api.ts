// Every HTTP endpoint of a node, registered in one route table: health, metrics, influx writes, stats, admin, SQL, flows, Prometheus.
import type { QueryContext } from '../../../core/query/index.ts';
import { StatusCode, systemClock, toWireError, type Clock } from '../../../core/index.ts';
import type { WritePath } from '../write.ts';
import type { Metrics } from '../../runtime/metrics.ts';
import type { Logger } from '../../runtime/logger.ts';
import { sqlHandler } from './sql.ts';
import { FLOW_ROUTE, flowHttpHandler, type FlowHttpDeps } from './flows.ts';
import { json, RouteTable, type Handler } from './routes.ts';
import { registerPrometheusRoutes } from '../prometheus/http_api.ts';
import { registerDashboardRoutes } from '../dashboard/routes.ts';
import { unavailable, type NodeState } from './server.ts';
import { registerLogRoutes, type LogHttpDeps } from '../../logs/http.ts';
import { currentPrincipal, type Authenticator } from '../../auth/index.ts';

export interface ApiDeps {
  state: () => NodeState;
  metrics: Metrics;
  logger: Logger;
  /** The write path exists once the node has started; routes needing it answer 503 before (see HttpGateway). */
  writes: () => WritePath;
  contextOf: (db: string) => QueryContext;
  stats: (db: string, table?: string, opts?: { exact?: boolean }) => Promise<unknown>;
  flush: (db: string, table?: string) => Promise<void>;
  compact: (db: string, table?: string) => Promise<void>;
  flows: FlowHttpDeps;
  /** Times query execution (execution_time_ms in replies). */
  clock?: Clock;
  /** The logs engine: pipelines, /v1/ingest, live tail. */
  logs?: LogHttpDeps;
  /** Authentication (--user-provider), when on: issues bearer tokens at /v1/auth/token. */
  auth?: () => Authenticator | null;
}

const noContent: Handler = async () => ({ status: 204 });

export function apiRoutes(d: ApiDeps): RouteTable {
  const routes = new RouteTable();
  const health: Handler = async () => (d.state() === 'ready' ? json(200, {}) : unavailable(d.state()));
  routes.add({ methods: ['GET'], path: '/health', handler: health, whileStarting: true, access: 'public' });
  routes.add({ methods: ['GET'], path: '/metrics', whileStarting: true, access: 'user', handler: async () => ({ status: 200, body: d.metrics.render(), contentType: 'text/plain; version=0.0.4' }) });

  // InfluxDB-compatible line protocol writes (v1 and v2 paths).
  const write: Handler = async (req, url, body) => {
    const q = url.searchParams;
    const db = q.get('db') ?? q.get('bucket') ?? 'public';
    d.metrics.writeRequests++;
    try {
      const data = await body();
      const precision = q.get('precision');
      await d.writes().parseAndWrite({ db, data, ...(precision ? { precision } : {}) });
    } catch (e) {
      d.metrics.writeErrors++;
      const w = toWireError(e);
      d.logger.error('write.rejected', `write to ${db} over HTTP failed`, { path: url.pathname, db, code: w.code, error: w.message });
      throw e;
    }
    return { status: 204 };
  };
  for (const path of ['/v1/influxdb/write', '/v1/influxdb/api/v2/write']) routes.add({ methods: ['POST'], path, handler: write, access: 'write' });
  for (const path of ['/v1/influxdb/ping', '/v1/influxdb/health']) routes.add({ methods: ['GET', 'POST'], path, handler: noContent, whileStarting: true, access: 'user' });

  routes.add({
    methods: ['GET'], path: '/v1/stats', access: 'read',
    handler: async (_req, url) => {
      const q = url.searchParams;
      return json(200, await d.stats(q.get('db') ?? 'public', q.get('table') ?? undefined, { exact: q.get('exact') === 'true' }));
    },
  });
  for (const op of ['flush', 'compact'] as const) {
    routes.add({
      methods: ['POST'], path: `/v1/admin/${op}`, access: 'write',
      handler: async (_req, url) => {
        const q = url.searchParams;
        await d[op](q.get('db') ?? 'public', q.get('table') ?? undefined);
        return json(200, { ok: true });
      },
    });
  }

  const sql = sqlHandler(d.contextOf, d.clock ?? systemClock, (bytes) => { d.metrics.streamHeldMax = Math.max(d.metrics.streamHeldMax, bytes); });
  routes.add({
    methods: ['GET', 'POST'], path: '/v1/sql', access: 'user', query: true,
    handler: async (req, url, body) => {
      const t0 = performance.now();
      d.metrics.queries++;
      const reply = await sql(req, url, body);
      if (reply.status >= 400) d.metrics.queryErrors++;
      d.metrics.queryLatency.observe((performance.now() - t0) / 1000);
      return reply;
    },
  });

  // Prometheus: remote write/read and the HTTP query API (/v1/prometheus/...).
  registerPrometheusRoutes(routes, {
    contextOf: d.contextOf,
    writes: d.writes,
    now: () => (d.clock ?? systemClock).now(),
    onWrite: (ok) => {
      d.metrics.writeRequests++;
      if (!ok) d.metrics.writeErrors++;
    },
  });

  routes.add({ methods: ['GET'], path: FLOW_ROUTE.replace(/\*$/, ''), prefix: true, handler: flowHttpHandler(d.flows), access: 'read' });
  registerDashboardRoutes(routes);
  // A bearer token for the caller (Basic credentials in, token out), for clients that take a token rather than a password.
  routes.add({
    methods: ['POST'], path: '/v1/auth/token', access: 'user',
    handler: async () => {
      const auth = d.auth?.();
      const p = currentPrincipal();
      if (!auth || !p) return json(404, { code: StatusCode.Unsupported, error: 'authentication is off (start with --user-provider)' });
      const t = auth.issueToken(p);
      return json(200, { token: t.token, token_type: 'Bearer', expires_at: new Date(t.expiresAt).toISOString(), expires_in: Math.round(auth.tokenTtlMs / 1000) });
    },
  });
  if (d.logs) registerLogRoutes(routes, d.logs);
  return routes;
}
