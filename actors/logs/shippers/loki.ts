// Loki's push API, `POST /v1/loki/api/v1/push`: snappy protobuf or JSON; stream labels become tags, structured metadata a
// JSON column; the table from `x-greptime-log-table-name` (default `loki_logs`), a pipeline from `x-greptime-pipeline-name`.
import { decodeLokiJson, decodeLokiProtobuf, httpStatusOf, lokiPipeline, toWireError } from '../../../core/index.ts';
import { mediaType } from '../../../core/codec/index.ts';
import type { HttpReply, RouteTable } from '../../gateway/http/routes.ts';
import type { LogIngest } from '../log_ingest.ts';
import { decodedBody, header } from './body.ts';

export interface LokiDeps {
  logs: () => LogIngest;
  maxBodyBytes: () => number;
}

export const LOKI_DEFAULT_TABLE = 'loki_logs';

/** Loki answers errors as plain text. */
function text(status: number, body: string): HttpReply {
  return { status, body: body + '\n', contentType: 'text/plain; charset=utf-8' };
}

export function registerLokiRoutes(routes: RouteTable, d: LokiDeps): void {
  routes.add({
    methods: ['POST'], path: '/v1/loki/api/v1/push', access: 'write',
    handler: async (req, _url, body) => {
      try {
        // As Loki: gzip or deflate Content-Encoding is undone first (`snappy` there only names the protobuf's own
        // framing); application/json is JSON, any other type is snappy protobuf.
        const enc = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
        const raw = enc === 'snappy' ? await body() : decodedBody(req, await body(), d.maxBodyBytes());
        const ct = mediaType(req.headers['content-type']);
        const batch = ct === 'application/json' ? decodeLokiJson(raw.toString('utf8')) : decodeLokiProtobuf(raw);
        if (batch.n > 0) {
          const db = header(req, 'x-greptime-db-name') ?? 'public';
          const table = header(req, 'x-greptime-log-table-name') ?? LOKI_DEFAULT_TABLE;
          const named = header(req, 'x-greptime-pipeline-name');
          await d.logs().ingestColumns(db, table, named ?? lokiPipeline(batch.labels), batch.n, batch.columns, {
            ...(header(req, 'x-greptime-pipeline-version') ? { version: header(req, 'x-greptime-pipeline-version')! } : {}),
          });
        }
        return { status: 204 };
      } catch (e) {
        const w = toWireError(e);
        return { ...text(httpStatusOf(w.code), w.message), error: e };
      }
    },
  });
}
