// The Prometheus HTTP API's status and tooling endpoints: status/buildinfo, runtimeinfo, flags, config, tsdb-free
// answers Grafana and Prometheus's own tools ask for, and format_query / parse_query on the engine's parser.
import type { RouteTable } from '../http/routes.ts';
import { astToJson, parsePromQL, printPromQL } from '../../../core/promql/engine_seam.ts';
import { PromBadData, promErrorOf, promSuccess } from './format.ts';
import { wrap } from './params.ts';

/** The Prometheus version whose API and PromQL semantics EddyDB follows. */
export const PROM_COMPAT_VERSION = '2.42.0';

function queryOf(p: URLSearchParams): string {
  const q = p.get('query');
  if (!q) throw new PromBadData('invalid parameter "query": query must not be empty');
  return q;
}

export function registerStatusRoutes(routes: RouteTable, api: string, now: () => number): void {
  const both = ['GET', 'POST'];
  const startTime = new Date(now()).toISOString();
  const get = (path: string, data: () => unknown): void => {
    routes.add({ methods: ['GET'], access: 'user', errorReply: promErrorOf, path: `${api}/${path}`, handler: wrap(async () => promSuccess(data())) });
  };
  get('status/buildinfo', () => ({
    version: PROM_COMPAT_VERSION, revision: 'eddydb', branch: 'main', buildUser: 'eddydb', buildDate: '', goVersion: 'node' + process.versions.node,
  }));
  get('status/runtimeinfo', () => ({
    startTime, CWD: process.cwd(), reloadConfigSuccess: true, lastConfigTime: startTime, corruptionCount: 0,
    goroutineCount: 0, GOMAXPROCS: 1, GOMEMLIMIT: 0, GOGC: '', GODEBUG: '', storageRetention: 'per table (TTL)',
  }));
  // the flags that change what a query answers, under Prometheus's names
  get('status/flags', () => ({ 'query.lookback-delta': '5m', 'query.max-samples': '50000000', 'query.timeout': '2m' }));
  get('status/config', () => ({ yaml: '' }));
  routes.add({
    methods: both, access: 'user', errorReply: promErrorOf, path: `${api}/format_query`,
    handler: wrap(async (p) => promSuccess(printPromQL(parsePromQL(queryOf(p))))),
  });
  routes.add({
    methods: both, access: 'user', errorReply: promErrorOf, path: `${api}/parse_query`,
    handler: wrap(async (p) => promSuccess(astToJson(parsePromQL(queryOf(p))))),
  });
}
