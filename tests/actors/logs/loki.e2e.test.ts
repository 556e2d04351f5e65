// Loki push end to end: winston-loki (snappy protobuf, and its JSON mode with structured metadata) against a node on a
// real nats-server; labels become tags; every line found once by SQL; bad bodies refused in Loki's plain-text shape.
import { beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import LokiTransport from 'winston-loki';
import { gzipSync } from 'node:zlib';
import { LokiPushRequestType } from '../../../core/proto/loki_push.ts';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { nodeForFile, sqlRows, type ShipperNode } from './shipper_helpers.ts';

type Node = ShipperNode;

async function sendWith(node: Node, json: boolean, table: string, lines: string[], meta?: Record<string, string>): Promise<void> {
  const errors: unknown[] = [];
  const transport = new LokiTransport({
    host: `${node.url}/v1`, json, labels: { app: 'shop', env: json ? 'json' : 'proto' }, batching: true, interval: 0.05,
    headers: { 'x-greptime-log-table-name': table }, onConnectionError: (e: unknown) => errors.push(e), clearOnError: false,
  });
  const logger = winston.createLogger({ transports: [transport] });
  for (const l of lines) logger.info(l, meta ?? {});
  await transport.flush();
  logger.close();
  expect(errors).toEqual([]);
}

describe('loki push', () => {
  const ctx = nodeForFile();
  let node: Node;
  const push = (body: string | Uint8Array, ct: string, headers: Record<string, string> = {}) =>
    fetch(`${node.url}/v1/loki/api/v1/push`, { method: 'POST', body, headers: { 'Content-Type': ct, ...headers } });

  beforeAll(() => {
    node = ctx.get();
  });

  it('winston-loki over snappy protobuf: labels become tag columns, every line once', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `proto order ${i} placed`);
    await sendWith(node, false, 'loki_proto', lines);
    const rows = await sqlRows(node, 'SELECT line, app, env, "level" FROM loki_proto ORDER BY greptime_timestamp, line');
    // winston-loki appends the record's other fields as JSON to the line
    expect(rows.map((r) => r[0]).sort()).toEqual(lines.map((l) => `${l} {"level":"info"}`).sort());
    expect(new Set(rows.map((r) => `${r[1]}/${r[2]}/${r[3]}`))).toEqual(new Set(['shop/proto/info']));
    const keys = await sqlRows(node, "SELECT column_name, semantic_type FROM information_schema.columns WHERE table_name = 'loki_proto' ORDER BY column_name");
    expect(keys).toEqual(expect.arrayContaining([['app', 'TAG'], ['env', 'TAG'], ['level', 'TAG'], ['line', 'FIELD'], ['greptime_timestamp', 'TIMESTAMP']]));
  });

  it("winston-loki's JSON mode keeps structured metadata in a JSON column; default table loki_logs", async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `json line ${i}`);
    await sendWith(node, true, 'loki_logs', lines, { user_id: 'u42' });
    const rows = await sqlRows(node, "SELECT line, json_get_string(structured_metadata, 'user_id'), env FROM loki_logs ORDER BY line");
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => (r[0] as string).split(' {')[0])).toEqual([...lines].sort());
    expect(rows.every((r) => r[1] === 'u42' && r[2] === 'json')).toBe(true);
  });

  it('a raw protobuf push with structured metadata and nanosecond times', async () => {
    const msg = LokiPushRequestType.fromObject({
      streams: [{ labels: '{job="raw", host="h\\"1"}', entries: [
        { timestamp: { seconds: 1700000000, nanos: 123456789 }, line: 'raw one', structuredMetadata: [{ name: 'trace_id', value: 'abc' }] },
        { timestamp: { seconds: 1700000001, nanos: 5 }, line: 'raw two' },
      ] }],
    });
    const r = await push(snappyEncode(LokiPushRequestType.encode(msg).finish()), 'application/x-protobuf');
    expect(r.status).toBe(204);
    const rows = await sqlRows(node, "SELECT line, job, host, json_get_string(structured_metadata, 'trace_id'), CAST(greptime_timestamp AS BIGINT) FROM loki_logs WHERE job = 'raw' ORDER BY line");
    expect(rows).toEqual([['raw one', 'raw', 'h"1', 'abc', 1700000000123456789], ['raw two', 'raw', 'h"1', null, 1700000001000000005]]);
  });

  it('a gzip-compressed JSON push (Content-Encoding: gzip), and a gzip body that is not gzip refused', async () => {
    const body = JSON.stringify({ streams: [{ stream: { job: 'gz' }, values: [['1700000000000000000', 'gz line', { k: 'v' }]] }] });
    const ok = await fetch(`${node.url}/v1/loki/api/v1/push`, { method: 'POST', body: gzipSync(body), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
    expect(ok.status).toBe(204);
    expect(await sqlRows(node, "SELECT line FROM loki_logs WHERE job = 'gz'")).toEqual([['gz line']]);
    const bad = await fetch(`${node.url}/v1/loki/api/v1/push`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('not valid gzip');
  });

  it('a snappy protobuf push under gzip Content-Encoding, and one sent with another Content-Type (Loki reads any non-JSON body as protobuf)', async () => {
    const proto = (line: string) => snappyEncode(LokiPushRequestType.encode(LokiPushRequestType.fromObject({
      streams: [{ labels: '{job="enc"}', entries: [{ timestamp: { seconds: 1700000100 }, line }] }],
    })).finish());
    expect((await push(gzipSync(proto('gzipped proto')), 'application/x-protobuf', { 'Content-Encoding': 'gzip' })).status).toBe(204);
    expect((await push(proto('octet proto'), 'application/octet-stream', { 'Content-Encoding': 'snappy' })).status).toBe(204);
    expect(await sqlRows(node, "SELECT line FROM loki_logs WHERE job = 'enc' ORDER BY line")).toEqual([['gzipped proto'], ['octet proto']]);
  });

  it('refuses bad snappy, bad protobuf, bad JSON and bad labels with a 400 in plain text, writing nothing', async () => {
    const before = await sqlRows(node, 'SELECT count(*) FROM loki_logs');
    const badSnappy = await push(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2]), 'application/x-protobuf');
    expect(badSnappy.status).toBe(400);
    expect(badSnappy.headers.get('content-type')).toContain('text/plain');
    expect(await badSnappy.text()).toContain('snappy');
    const badProto = await push(snappyEncode(new Uint8Array([0x0a, 0x50, 0x01])), 'application/x-protobuf');
    expect(badProto.status).toBe(400);
    expect(await badProto.text()).toContain('protobuf');
    const badJson = await push('{"streams":[{"stream":{"a":"b"},"values":[["12x","l"]]}]}', 'application/json');
    expect(badJson.status).toBe(400);
    expect(await badJson.text()).toContain('streams[0].values[0]');
    const msg = LokiPushRequestType.fromObject({ streams: [{ labels: '{job="ok"}', entries: [{ timestamp: { seconds: 1 }, line: 'x' }] }, { labels: '{job=ok}', entries: [{ timestamp: { seconds: 1 }, line: 'y' }] }] });
    const badLabels = await push(snappyEncode(LokiPushRequestType.encode(msg).finish()), 'application/x-protobuf');
    expect(badLabels.status).toBe(400);
    expect(await badLabels.text()).toContain('expected a quoted value at character 6');
    expect(await sqlRows(node, 'SELECT count(*) FROM loki_logs')).toEqual(before);
  });
});
