// The ways in that log shippers speak (Elasticsearch _bulk, Loki push, OTLP/HTTP logs), all onto LogIngest; and syslog.
import type { RouteTable } from '../../gateway/http/routes.ts';
import type { LogHttpDeps } from '../http.ts';
import { registerElasticsearchRoutes } from './elasticsearch.ts';
import { registerLokiRoutes } from './loki.ts';
import { registerOtlpRoutes } from './otlp.ts';

export function registerShipperRoutes(routes: RouteTable, d: LogHttpDeps): void {
  registerElasticsearchRoutes(routes, { logs: d.logs, templates: d.esTemplates, nodeId: d.nodeId, httpAddress: d.httpAddress, maxBodyBytes: d.maxBodyBytes, now: () => d.clock.now() });
  registerLokiRoutes(routes, { logs: d.logs, maxBodyBytes: d.maxBodyBytes });
  registerOtlpRoutes(routes, { logs: d.logs, maxBodyBytes: d.maxBodyBytes, now: () => d.clock.now() });
}
