// The Prometheus HTTP API under /v1/prometheus/api/v1/ (query, query_range, labels, label values, series, metadata,
// query_exemplars; status and format/parse_query in status_api.ts) and remote write/read under /v1/prometheus/:
// Prometheus's parameters, JSON shapes and error types.
import type { IncomingMessage } from 'node:http';
import { runRegistered, type QueryContext } from '../../../core/query/index.ts';
import type { LabelMatcher, PromValue } from '../../../core/promql/types.ts';
import { TableSeriesSource, matcherTest } from '../../../core/promql/table_source.ts';
import { snappyDecode, snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { decodeReadRequest, encodeReadResponse } from '../../../core/proto/prometheus_remote.ts';
import { ContentTypes } from '../../../core/codec/index.ts';
import type { HttpReply, RouteTable } from '../http/routes.ts';
import { dbOf, limitOf, wrap } from './params.ts';
import { registerStatusRoutes } from './status_api.ts';
import type { WritePath } from '../write.ts';
import { Annotations, evalInstant, evalRange, parsePromQL, positionOf, type PromExpr } from '../../../core/promql/engine_seam.ts';
import { DEFAULT_PHYSICAL_TABLE } from './defaults.ts';
import {
  MAX_TIME_MS, MIN_TIME_MS, PromBadData, parseDuration, parseTime, promError, promErrorOf, promSuccess, promValueReply,
} from './format.ts';

export interface PrometheusDeps {
  contextOf: (db: string) => QueryContext;
  writes: () => WritePath;
  now: () => number;
  /** Counts remote-write requests and rejects (the node's /metrics). */
  onWrite?: (ok: boolean) => void;
}

/** Prometheus's limit on points per series in a range query (11,000). */
const MAX_POINTS = 11_000;
export const PROM_PREFIX = '/v1/prometheus';

/**
 * One `match[]` value: parsed by the engine's own parser (so a selector means the same here as in a query), and it must
 * be a plain vector selector, whose matchers are the answer. Any mistake is bad_data naming the position.
 */
function matchersOf(text: string): LabelMatcher[] {
  let e: PromExpr;
  try {
    e = parsePromQL(text);
  } catch (err) {
    throw new PromBadData(`invalid parameter "match[]": ${(err as Error).message}`);
  }
  if (e.kind !== 'vector' || e.offsetMs !== 0 || e.at) {
    const { line, column } = positionOf(text, e.kind === 'vector' ? text.length : e.pos);
    throw new PromBadData(`invalid parameter "match[]": ${line}:${column}: parse error: expected a series selector, got ${e.kind === 'vector' ? 'a modifier' : `a ${e.kind} expression`}`);
  }
  return e.matchers;
}

function matchSets(p: URLSearchParams): LabelMatcher[][] {
  return p.getAll('match[]').map((m) => {
    const ms = matchersOf(m);
    // Prometheus: a selector needs one matcher that does not match the empty string (else it selects everything)
    if (!ms.some((x) => !matcherTest(x)(''))) throw new PromBadData('invalid parameter "match[]": vector selector must contain at least one non-empty matcher');
    return ms;
  });
}

/** Prometheus's --query.timeout default. */
const QUERY_TIMEOUT_MS = 120_000;

/** The evaluation deadline: the `timeout` parameter, capped by (and defaulting to) the server's query timeout. */
function timeoutMs(p: URLSearchParams, now: number): number {
  const t = p.get('timeout');
  return now + (t ? Math.min(parseDuration('timeout', t), QUERY_TIMEOUT_MS) : QUERY_TIMEOUT_MS);
}

export function registerPrometheusRoutes(routes: RouteTable, d: PrometheusDeps): void {
  const api = `${PROM_PREFIX}/api/v1`;
  const source = (db: string) => new TableSeriesSource(d.contextOf(db), db);
  const both = ['GET', 'POST'];
  /**
   * An expression query runs in the frontend's process list, as GreptimeDB lists every running query: shown in
   * information_schema.process_list, KILL answers it `canceled` and stops the engine at its next node or scan; its scans
   * carry its query id.
   */
  const evaluate = (db: string, text: string, req: IncomingMessage, run: (src: TableSeriesSource, signal?: AbortSignal) => Promise<PromValue>): Promise<PromValue> => {
    const ctx = d.contextOf(db);
    if (!ctx.processes) return run(new TableSeriesSource(ctx, db));
    const client = req.socket ? `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}/prometheus` : '';
    return runRegistered(ctx.processes, text, db, client, (q) => {
      ctx.signal = q.abort.signal;
      ctx.queryId = q.queryId;
      return run(new TableSeriesSource(ctx, db), q.abort.signal);
    });
  };

  routes.add({
    methods: both, access: 'user', query: true, errorReply: promErrorOf, path: `${api}/query`,
    handler: wrap(async (p, db, req) => {
      const q = p.get('query');
      if (!q) throw new PromBadData('invalid parameter "query": query must not be empty');
      const now = d.now();
      const t = parseTime('time', p.get('time'), now);
      const expr = parsePromQL(q);
      const deadline = timeoutMs(p, now);
      const notes = new Annotations(q);
      const v = await evaluate(db, q, req, (src, signal) => evalInstant(expr, t, src, { deadlineMs: deadline, annotations: notes, ...(signal ? { signal } : {}) }));
      return promValueReply(v, notes);
    }),
  });

  routes.add({
    methods: both, access: 'user', query: true, errorReply: promErrorOf, path: `${api}/query_range`,
    handler: wrap(async (p, db, req) => {
      const q = p.get('query');
      if (!q) throw new PromBadData('invalid parameter "query": query must not be empty');
      const start = parseTime('start', p.get('start'), NaN);
      const end = parseTime('end', p.get('end'), NaN);
      if (Number.isNaN(start)) throw new PromBadData('invalid parameter "start": cannot parse "" to a valid timestamp');
      if (Number.isNaN(end)) throw new PromBadData('invalid parameter "end": cannot parse "" to a valid timestamp');
      if (end < start) throw new PromBadData('invalid parameter "end": end timestamp must not be before start time');
      const step = parseDuration('step', p.get('step'));
      if (step <= 0) throw new PromBadData('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > MAX_POINTS) throw new PromBadData('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      const expr = parsePromQL(q);
      const deadline = timeoutMs(p, d.now());
      const notes = new Annotations(q);
      const v = await evaluate(db, q, req, (src, signal) => evalRange(expr, start, end, step, src, { deadlineMs: deadline, annotations: notes, ...(signal ? { signal } : {}) }));
      return promValueReply(v, notes);
    }),
  });

  const range = (p: URLSearchParams) => ({ start: parseTime('start', p.get('start'), MIN_TIME_MS), end: parseTime('end', p.get('end'), MAX_TIME_MS) });
  // Prometheus 2.49+: `limit` caps a list, and a cut list says so in `warnings`
  const limited = <T>(list: T[], limit: number): HttpReply =>
    limit > 0 && list.length > limit ? promSuccess(list.slice(0, limit), ['results truncated due to limit']) : promSuccess(list);

  routes.add({
    methods: both, access: 'user', query: true, errorReply: promErrorOf, path: `${api}/labels`,
    handler: wrap(async (p, db) => {
      const { start, end } = range(p);
      const limit = limitOf(p);
      return limited(await source(db).labelNames(matchSets(p), start, end), limit);
    }),
  });

  routes.add({
    methods: ['GET'], access: 'user', query: true, errorReply: promErrorOf, path: `${api}/label`, prefix: true,
    handler: wrap(async (p, db, _req, url) => {
      const m = /\/label\/([^/]+)\/values\/?$/.exec(url.pathname);
      if (!m) return promError('not_found', `no route ${url.pathname}`);
      const name = decodeURIComponent(m[1]!);
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new PromBadData(`invalid label name: "${name}"`);
      const { start, end } = range(p);
      const limit = limitOf(p);
      return limited(await source(db).labelValues(name, matchSets(p), start, end), limit);
    }),
  });

  routes.add({
    methods: both, access: 'user', query: true, errorReply: promErrorOf, path: `${api}/series`,
    handler: wrap(async (p, db) => {
      const sets = matchSets(p);
      if (sets.length === 0) throw new PromBadData('no match[] parameter provided');
      const { start, end } = range(p);
      const limit = limitOf(p);
      const list = await source(db).series(sets, start, end);
      return limited(list.map((l) => Object.fromEntries(l)), limit);
    }),
  });

  routes.add({
    methods: ['GET'], access: 'user', query: true, errorReply: promErrorOf, path: `${api}/metadata`,
    handler: wrap(async (p, db) => {
      // EddyDB keeps no HELP/TYPE text: every metric is listed with type unknown (what Grafana needs for completion)
      const limit = limitOf(p);
      limitOf(p, 'limit_per_metric'); // checked; every metric has one entry anyway
      const all = await source(db).labelValues('__name__', [], MIN_TIME_MS, MAX_TIME_MS);
      const only = p.get('metric');
      const names = only ? all.filter((n) => n === only) : all;
      const data: Record<string, unknown> = {};
      for (const n of limit > 0 ? names.slice(0, limit) : names) data[n] = [{ type: 'unknown', help: '', unit: '' }];
      return promSuccess(data);
    }),
  });

  // Grafana asks for exemplars beside every query; EddyDB stores none, but the query and times are still checked.
  routes.add({
    methods: both, access: 'user', errorReply: promErrorOf, path: `${api}/query_exemplars`,
    handler: wrap(async (p) => {
      const q = p.get('query');
      if (!q) throw new PromBadData('invalid parameter "query": query must not be empty');
      const { start, end } = range(p);
      if (end < start) throw new PromBadData('invalid parameter "end": end timestamp must not be before start time');
      parsePromQL(q);
      return promSuccess([]);
    }),
  });

  registerStatusRoutes(routes, api, d.now);

  routes.add({
    methods: ['POST'], path: `${PROM_PREFIX}/write`, access: 'write',
    handler: async (req, url, body) => {
      const p = url.searchParams;
      const db = dbOf(req, p);
      // GreptimeDB: every metric is a logical table on one physical table, `greptime_physical_table` unless named
      const physical = p.get('physical_table') || DEFAULT_PHYSICAL_TABLE;
      try {
        const enc = (req.headers['content-encoding'] ?? 'snappy').toString().toLowerCase();
        if (enc !== 'snappy') throw new PromBadData(`unsupported Content-Encoding '${enc}': remote write bodies are snappy-compressed`);
        await d.writes().parseAndWrite({ db, data: await body(), contentType: ContentTypes.protobuf, format: 'prometheus', physicalTable: physical });
        d.onWrite?.(true);
        return { status: 204 };
      } catch (e) {
        d.onWrite?.(false);
        return promErrorOf(e);
      }
    },
  });

  routes.add({
    methods: ['POST'], path: `${PROM_PREFIX}/read`, access: 'read',
    handler: async (req, url, body) => {
      try {
        const db = dbOf(req, url.searchParams);
        const rr = decodeReadRequest(snappyDecode(await body()));
        const src = source(db);
        const results = [];
        for (const q of rr.queries) results.push(await src.select(q.matchers, q.startMs, q.endMs));
        return {
          status: 200, body: snappyEncode(encodeReadResponse(results)),
          contentType: ContentTypes.protobuf, headers: { 'Content-Encoding': 'snappy' },
        };
      } catch (e) {
        return promErrorOf(e);
      }
    },
  });
}
