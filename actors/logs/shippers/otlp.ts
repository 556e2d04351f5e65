// OTLP/HTTP logs, `POST /v1/otlp/v1/logs`: protobuf or JSON ExportLogsServiceRequest into a log table (GreptimeDB's
// layout), table from `x-greptime-log-table-name` (default `opentelemetry_logs`), or through `x-greptime-pipeline-name`.
// Replies are ExportLogsServiceResponse, errors google.rpc.Status, each in the request's encoding.
import {
  EXTRACT_KEYS_HEADER, decodeOtlpLogsJson, decodeOtlpLogsProtobuf, httpStatusOf, otlpLogsPipeline, parseExtractKeys, toWireError,
} from '../../../core/index.ts';
import { mediaType } from '../../../core/codec/index.ts';
import { OtlpLogsResponseType, RpcStatusType } from '../../../core/proto/otlp_logs.ts';
import type { HttpReply, RouteTable } from '../../gateway/http/routes.ts';
import type { LogIngest } from '../log_ingest.ts';
import { decodedBody, header } from './body.ts';

export interface OtlpDeps {
  logs: () => LogIngest;
  maxBodyBytes: () => number;
  now: () => number;
}

export const OTLP_DEFAULT_TABLE = 'opentelemetry_logs';
/** gRPC status codes used in google.rpc.Status: INVALID_ARGUMENT, UNAVAILABLE, INTERNAL. */
const GRPC = { invalidArgument: 3, unavailable: 14, internal: 13 } as const;

export function registerOtlpRoutes(routes: RouteTable, d: OtlpDeps): void {
  routes.add({
    methods: ['POST'], access: 'write', path: '/v1/otlp/v1/logs',
    handler: async (req, _url, body) => {
      const ct = mediaType(req.headers['content-type']);
      const json = ct === 'application/json';
      const answer = (status: number, msg: Record<string, unknown>, type: typeof OtlpLogsResponseType): HttpReply => json
        ? { status, body: JSON.stringify(msg), contentType: 'application/json' }
        : { status, body: type.encode(type.fromObject(msg)).finish(), contentType: 'application/x-protobuf' };
      try {
        if (!json && ct !== 'application/x-protobuf') {
          return { ...answer(415, { code: GRPC.invalidArgument, message: `unsupported Content-Type '${ct}': use application/x-protobuf or application/json` }, RpcStatusType), contentType: 'text/plain' };
        }
        // GreptimeDB's headers, the older x-greptime-log-pipeline-* spellings too; a pipeline makes extract keys moot
        const named = header(req, 'x-greptime-pipeline-name') ?? header(req, 'x-greptime-log-pipeline-name');
        const version = header(req, 'x-greptime-pipeline-version') ?? header(req, 'x-greptime-log-pipeline-version');
        const keys = named ? [] : parseExtractKeys(header(req, EXTRACT_KEYS_HEADER));
        const raw = decodedBody(req, await body(), d.maxBodyBytes());
        const batch = json ? decodeOtlpLogsJson(raw.toString('utf8'), d.now(), keys) : decodeOtlpLogsProtobuf(raw, d.now(), keys);
        let rejected = 0;
        let why = '';
        if (batch.n > 0) {
          const db = header(req, 'x-greptime-db-name') ?? 'public';
          const table = header(req, 'x-greptime-log-table-name') ?? OTLP_DEFAULT_TABLE;
          const r = await d.logs().ingestColumns(db, table, named ?? otlpLogsPipeline(batch.extracted), batch.n, batch.columns, version ? { version } : {});
          rejected = r.failed;
          why = r.errors.map((e) => `record ${e.line}: ${e.message}`).join('; ');
        }
        return answer(200, rejected > 0 ? { partial_success: { rejected_log_records: rejected, error_message: why } } : {}, OtlpLogsResponseType);
      } catch (e) {
        const w = toWireError(e);
        const status = httpStatusOf(w.code);
        const code = status < 500 ? GRPC.invalidArgument : status === 503 ? GRPC.unavailable : GRPC.internal;
        return { ...answer(status, { code, message: w.message }, RpcStatusType), error: e };
      }
    },
  });
}
