// OTLP/HTTP logs end to end: the OpenTelemetry JS logs SDK with its OTLP/HTTP exporters (protobuf, and JSON) against a
// node on a real nats-server: every record found once by SQL with trace ids, severity, attributes; bad bodies refused
// with a google.rpc.Status in the request's encoding.
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { RpcStatusType } from '../../../core/proto/otlp_logs.ts';
import { nodeForFile, sqlRows, type ShipperNode } from './shipper_helpers.ts';

type Node = ShipperNode;

async function emit(node: Node, exporter: 'proto' | 'json', table: string | undefined, n: number, extra: Record<string, string> = {}): Promise<void> {
  const headers: Record<string, string> = { ...(table ? { 'x-greptime-log-table-name': table } : {}), ...extra };
  const opts = { url: `${node.url}/v1/otlp/v1/logs`, headers };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': `svc-${exporter}`, 'host.name': 'h1' }),
    processors: [new BatchLogRecordProcessor({ exporter: exporter === 'proto' ? new ProtoExporter(opts) : new JsonExporter(opts) })],
  });
  const logger = provider.getLogger('checkout', '1.2.3');
  for (let i = 0; i < n; i++) {
    logger.emit({
      body: `${exporter} record ${i}`, severityNumber: i % 2 ? SeverityNumber.ERROR : SeverityNumber.INFO, severityText: i % 2 ? 'ERROR' : 'INFO',
      attributes: { 'order.id': i, 'user': `u${i}`, nested: { deep: true } as never, ...(i === 4 ? { 'HOST.NAME': 'h-own' } : {}), 'cache.hit': i % 3 === 0 },
      timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
      context: undefined,
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
}

describe('otlp/http logs', () => {
  const ctx = nodeForFile();
  let node: Node;

  beforeAll(() => {
    node = ctx.get();
  });

  it('the OpenTelemetry SDK over OTLP/HTTP protobuf: every record once, in GreptimeDB columns', async () => {
    await emit(node, 'proto', undefined, 12);
    const rows = await sqlRows(node, `SELECT body, severity_text, severity_number, json_get_int(log_attributes, '["order.id"]'), json_get_bool(log_attributes, 'nested.deep'), json_get_string(resource_attributes, '["service.name"]'),
      scope_name, scope_version, CAST(timestamp AS BIGINT) FROM opentelemetry_logs ORDER BY timestamp`);
    expect(rows).toHaveLength(12);
    expect(rows[3]).toEqual(['proto record 3', 'ERROR', 17, 3, true, 'svc-proto', 'checkout', '1.2.3', Date.UTC(2024, 0, 1, 0, 0, 3) * 1e6]);
    expect(new Set(rows.map((r) => r[0])).size).toBe(12);
    const cols = await sqlRows(node, "SELECT column_name, semantic_type FROM information_schema.columns WHERE table_name = 'opentelemetry_logs' ORDER BY column_name");
    expect(cols.map((c) => c[0])).toEqual(['body', 'log_attributes', 'resource_attributes', 'resource_schema_url', 'scope_attributes', 'scope_name', 'scope_schema_url', 'scope_version', 'severity_number', 'severity_text', 'span_id', 'timestamp', 'trace_flags', 'trace_id']);
    expect(cols).toContainEqual(['scope_name', 'TAG']);
  });

  it('the OTLP/HTTP JSON exporter into the table of x-greptime-log-table-name', async () => {
    await emit(node, 'json', 'otel_json', 5);
    const rows = await sqlRows(node, "SELECT body, json_get_string(log_attributes, 'user'), json_get_bool(log_attributes, 'nested.deep') FROM otel_json ORDER BY body");
    expect(rows.map((r) => r[0])).toEqual([0, 1, 2, 3, 4].map((i) => `json record ${i}`));
    expect(rows[2]![1]).toBe('u2');
  });

  it('x-greptime-log-extract-keys: resource and record attributes become tag columns, queryable by SQL (SDK exporters)', async () => {
    const keys = { 'x-greptime-log-extract-keys': 'service.name, host.name,order.id,cache.hit,user,absent' };
    await emit(node, 'proto', 'otel_keys', 6, keys);
    await emit(node, 'json', 'otel_keys', 3, keys);
    const rows = await sqlRows(node, `SELECT "service.name", "host.name", "order.id", "cache.hit", "user", json_get_string(resource_attributes, '["service.name"]')
      FROM otel_keys WHERE "service.name" = 'svc-proto' ORDER BY "order.id"`);
    expect(rows).toHaveLength(6);
    // a record's own attribute wins over its resource's (matched ignoring case); the attribute maps keep them all
    expect(rows.map((r) => r[1])).toEqual(['h1', 'h1', 'h1', 'h1', 'h-own', 'h1']);
    expect(rows[3]).toEqual(['svc-proto', 'h1', 3, true, 'u3', 'svc-proto']);
    expect(await sqlRows(node, `SELECT "service.name", count(*) FROM otel_keys GROUP BY "service.name" ORDER BY 1`)).toEqual([['svc-json', 3], ['svc-proto', 6]]);
    expect(await sqlRows(node, `SELECT count(*) FROM otel_keys WHERE "order.id" >= 2 AND "cache.hit" = false`)).toEqual([[4]]);
    const cols = await sqlRows(node, "SELECT column_name, data_type, semantic_type FROM information_schema.columns WHERE table_name = 'otel_keys' AND column_name IN ('service.name', 'host.name', 'order.id', 'cache.hit', 'user', 'absent') ORDER BY column_name");
    expect(cols).toEqual([['cache.hit', 'boolean', 'TAG'], ['host.name', 'string', 'TAG'], ['order.id', 'bigint', 'TAG'], ['service.name', 'string', 'TAG'], ['user', 'string', 'TAG']]);
  });

  it('extract keys refused with a 400 google.rpc.Status naming the attribute: a double, two types, a built-in column; nothing written', async () => {
    const url = `${node.url}/v1/otlp/v1/logs`;
    const send = (keys: string, attrs: unknown[], resAttrs: unknown[] = []) => fetch(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'x-greptime-log-table-name': 'otel_bad_keys', 'x-greptime-log-extract-keys': keys },
      body: JSON.stringify({ resourceLogs: [{ resource: { attributes: resAttrs }, scopeLogs: [{ logRecords: attrs.map((a, i) => ({ timeUnixNano: String(1700000000000000000 + i), body: { stringValue: `r${i}` }, attributes: [a] })) }] }] }),
    });
    const ok = await send('k', [{ key: 'k', value: { stringValue: 'a' } }]);
    expect(ok.status).toBe(200);
    const dbl = await send('k', [{ key: 'k', value: { stringValue: 'b' } }, { key: 'k', value: { doubleValue: 1.5 } }]);
    expect(dbl.status).toBe(400);
    expect(((await dbl.json()) as any).message).toBe("x-greptime-log-extract-keys: attribute resource_logs[0].scope_logs[0].log_records[1].attributes['k'] is a double; only string, int and bool attributes can be extracted into a tag column");
    const two = await send('k', [{ key: 'k', value: { stringValue: 'c' } }], [{ key: 'K', value: { intValue: '7' } }]);
    expect(two.status).toBe(400);
    const st: any = await two.json();
    expect(st.code).toBe(3);
    expect(st.message).toContain("key 'k' is a string at resource_logs[0].scope_logs[0].log_records[0].attributes['k'] but an int at resource_logs[0].resource.attributes['K']");
    const builtIn = await send('k,Trace_Id', [{ key: 'k', value: { stringValue: 'd' } }]);
    expect(builtIn.status).toBe(400);
    expect(((await builtIn.json()) as any).message).toContain("'Trace_Id' is already a column of the OTLP logs table");
    // the table's column is a string: an int for it later is refused too
    const later = await send('k', [{ key: 'k', value: { intValue: 5 } }]);
    expect(later.status).toBe(400);
    expect(((await later.json()) as any).message).toBe("column 'k' of table otel_bad_keys has type string, but the write sends int64");
    expect(await sqlRows(node, 'SELECT body, k FROM otel_bad_keys')).toEqual([['r0', 'a']]);
  });

  it('trace and span ids in hex from OTLP/JSON; a bad body is a 400 google.rpc.Status naming the path, nothing written', async () => {
    const url = `${node.url}/v1/otlp/v1/logs`;
    const good = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000001', traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', body: { stringValue: 'traced' } }] }] }] };
    const ok = await fetch(url, { method: 'POST', body: JSON.stringify(good), headers: { 'Content-Type': 'application/json', 'x-greptime-log-table-name': 'otel_raw' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({});
    expect(await sqlRows(node, 'SELECT trace_id, span_id, body, CAST(timestamp AS BIGINT) FROM otel_raw')).toEqual([['5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', 'traced', 1700000000000000001]]);
    const badJson = structuredClone(good);
    (badJson.resourceLogs[0]!.scopeLogs[0]!.logRecords[0] as Record<string, unknown>).traceId = 'xyz';
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(badJson), headers: { 'Content-Type': 'application/json', 'x-greptime-log-table-name': 'otel_raw' } });
    expect(r.status).toBe(400);
    const st: any = await r.json();
    expect(st.code).toBe(3);
    expect(st.message).toContain('resourceLogs[0].scopeLogs[0].logRecords[0].traceId');
    const p = await fetch(url, { method: 'POST', body: new Uint8Array([0x0a, 0x7f, 0x01]), headers: { 'Content-Type': 'application/x-protobuf', 'x-greptime-log-table-name': 'otel_raw' } });
    expect(p.status).toBe(400);
    const status = RpcStatusType.decode(new Uint8Array(await p.arrayBuffer())) as unknown as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toContain('invalid protobuf');
    expect(await sqlRows(node, 'SELECT count(*) FROM otel_raw')).toEqual([[1]]);
  });
});
