// Logs engine end to end: a real nats-server, a node in-process over real HTTP: pipelines CRUD and restart, dryrun,
// /v1/ingest through dissect / regex / identity pipelines, NATS request-reply and the buffered twin, on_failure, tail.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Subjects } from '../../../core/index.ts';
import { ROOT, natsClient, startNats, startNode, tempDir, until } from '../../harness/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;

const NGINX = `
processors:
  - dissect:
      fields: [message]
      patterns:
        - '%{ip} - %{user} [%{ts}] "%{method} %{path} %{proto}" %{status} %{size} "%{referer}" "%{agent}"'
  - date:
      fields: [ts]
      formats: ['%d/%b/%Y:%H:%M:%S %z']
transform:
  - fields: [ip, method]
    type: string
    index: tag
  - fields: [status, size]
    type: int32
  - fields: [path]
    type: string
    index: inverted
  - fields: [message]
    type: string
    index: fulltext
  - field: ts
    type: time
    index: timestamp
`;

const REGEX = `
processors:
  - regex:
      field: message
      patterns: ['^(?<level>[A-Z]+) (?<code>\\d+) (?<text>.*)$']
  - letter:
      field: message_level
      method: lower
transform:
  - fields:
      - message_level, level
    type: string
    index: tag
  - field: message_code, code
    type: int64
    on_failure: ignore
  - fields: [message_text]
    type: string
`;

function nginxLine(i: number, status = 200): string {
  return `10.0.0.${i % 4} - - [10/Oct/2023:13:55:${String(i % 60).padStart(2, '0')} +0000] "GET /p/${i} HTTP/1.1" ${status} ${100 + i} "-" "curl/8.${i}"`;
}

async function sql(node: Node, q: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  return { status: r.status, body: await r.json() };
}

async function rows(node: Node, q: string): Promise<unknown[][]> {
  const r = await sql(node, q);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.output[0].records.rows;
}

async function post(node: Node, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const r = await fetch(`${node.url}${path}`, { method: 'POST', body, headers });
  return { status: r.status, body: await r.json() };
}

describe('logs engine', () => {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startNats>>;
  let node: Node;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    node = await startNode({ data: dir.path, nats: nats.url });
    nc = await natsClient(nats.url);
  });
  afterAll(async () => {
    await nc?.close();
    await node?.stop();
    await nats?.cleanup();
    dir.cleanup();
  });

  it('creates pipeline versions, gets, deletes by version, and keeps them over a restart', async () => {
    const a = await post(node, '/v1/pipelines/nginx', NGINX, { 'Content-Type': 'application/x-yaml' });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const v1 = a.body.pipelines[0].version as string;
    expect(v1).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{9}Z$/);
    const b = await post(node, '/v1/pipelines/nginx', NGINX + '\n# v2\n');
    const v2 = b.body.pipelines[0].version as string;
    expect(v2 > v1).toBe(true);
    const latest: any = await (await fetch(`${node.url}/v1/pipelines/nginx`)).json();
    expect(latest.pipelines[0].version).toBe(v2);
    expect(latest.pipelines[0].pipeline).toContain('# v2');
    const old: any = await (await fetch(`${node.url}/v1/pipelines/nginx?version=${encodeURIComponent(v1)}`)).json();
    expect(old.pipelines[0].pipeline).not.toContain('# v2');
    const del = await fetch(`${node.url}/v1/pipelines/nginx?version=${encodeURIComponent(v2)}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const after: any = await (await fetch(`${node.url}/v1/pipelines/nginx`)).json();
    expect(after.pipelines[0].version).toBe(v1);
    expect((await post(node, '/v1/pipelines/regex_logs', REGEX)).status).toBe(200);

    await node.stop();
    node = await startNode({ data: dir.path, nats: nats.url });
    const again: any = await (await fetch(`${node.url}/v1/pipelines/nginx`)).json();
    expect(again.pipelines[0].version).toBe(v1);
    expect((await fetch(`${node.url}/v1/pipelines/nope`)).status).toBe(404);
  });

  it('refuses bad YAML with a 400 naming the line, and a bad processor option naming the processor', async () => {
    const bad = await post(node, '/v1/pipelines/bad', 'processors:\n  - dissect:\n      fields: [message\ntransform: []\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/line \d+/);
    const badOpt = await post(node, '/v1/pipelines/bad', 'processors:\n  - date:\n      field: ts\n      formats: ["%Y-%Q"]\ntransform:\n  - field: ts\n    type: time\n    index: timestamp\n');
    expect(badOpt.status).toBe(400);
    expect(badOpt.body.error).toContain('processor 1 (date)');
    expect(badOpt.body.error).toContain('%Q');
    expect(badOpt.body.error).toMatch(/line 4/);
    expect((await fetch(`${node.url}/v1/pipelines/bad`)).status).toBe(404);
  });

  it("answers GreptimeDB's older paths and spellings: /v1/events/pipelines, dryrun without '_', versions with +0000, and the table DDL", async () => {
    const made = await post(node, '/v1/events/pipelines/nginx_old', NGINX, { 'Content-Type': 'application/x-yaml' });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const v = made.body.pipelines[0].version as string;
    const byOffset: any = await (await fetch(`${node.url}/v1/pipelines/nginx_old?version=${encodeURIComponent(v.replace(/Z$/, '+0000'))}`)).json();
    expect(byOffset.pipelines[0].version).toBe(v);
    // `dryrun` is not a pipeline name: it runs the sample through the named pipeline and creates nothing
    const dry = await post(node, '/v1/pipelines/dryrun?pipeline_name=nginx_old', nginxLine(3), { 'Content-Type': 'text/plain' });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.rows[0].find((c: { key: string }) => c.key === 'status').value).toBe(200);
    expect((await fetch(`${node.url}/v1/pipelines/dryrun`)).status).toBe(405);
    const ddl: any = await (await fetch(`${node.url}/v1/pipelines/nginx_old/ddl?table=access`)).json();
    expect(ddl.sql.sql).toContain('CREATE TABLE IF NOT EXISTS "access"');
    expect(ddl.sql.sql).toContain('"path" STRING NULL INVERTED INDEX');
    expect(ddl.sql.sql).toMatch(/"message" STRING NULL FULLTEXT INDEX WITH\(analyzer = 'English'/);
    expect(ddl.sql.sql).toContain('PRIMARY KEY ("ip", "method")');
    expect(ddl.sql.sql).toContain("append_mode = 'true'");
    expect((await fetch(`${node.url}/v1/pipelines/nginx_old/ddl`)).status).toBe(400);
    // GreptimeDB's SQL view of the pipelines: created_at is the version
    const listed = await rows(node, "SELECT name, content_type, pipeline, CAST(created_at AS BIGINT) FROM greptime_private.pipelines WHERE name = 'nginx_old'");
    expect(listed).toHaveLength(1);
    expect(listed[0]!.slice(0, 3)).toEqual(['nginx_old', 'yaml', NGINX]);
    expect(BigInt(listed[0]![3] as number)).toBeGreaterThan(0n);
  });

  it("greptime_identity takes GreptimeDB's parameters: custom_time_index (epoch or datestr) and max_nested_levels / flatten_json_object", async () => {
    const epoch = await post(node, '/v1/ingest?table=ident_epoch&pipeline_name=greptime_identity&custom_time_index=ts;epoch;s', '[{"action":"login","ts":1742814853}]', { 'Content-Type': 'application/json' });
    expect(epoch.status, JSON.stringify(epoch.body)).toBe(200);
    expect(await rows(node, 'DESC ident_epoch')).toEqual(expect.arrayContaining([['ts', 'TimestampSecond', 'PRI', 'NO', '', 'TIMESTAMP'], ['action', 'String', '', 'YES', '', 'FIELD']]));
    expect(await rows(node, 'SELECT action, CAST(ts AS BIGINT) FROM ident_epoch')).toEqual([['login', 1742814853]]);
    const nested = '{"input_ts":"2025-06-27T15:02:23.082253908Z","a":{"b":{"c":{"d":[1,2,3]}}},"e":["foo","bar"],"f":{"g":{"h":123,"i":"hello","j":{"k":true}}}}';
    const flat = await post(node, '/v1/ingest?table=ident_flat', nested, {
      'Content-Type': 'application/x-ndjson', 'x-greptime-pipeline-params': 'custom_time_index=input_ts;datestr;%Y-%m-%dT%H:%M:%S%.9f%#z&max_nested_levels=3',
    });
    expect(flat.status, JSON.stringify(flat.body)).toBe(200);
    expect(await rows(node, 'SELECT "a.b.c", e, "f.g.h", "f.g.i", "f.g.j", CAST(input_ts AS BIGINT) FROM ident_flat'))
      .toEqual([['{"d":[1,2,3]}', '["foo","bar"]', 123, 'hello', '{"k":true}', 1751036543082253908]]);
    const bad = await post(node, '/v1/ingest?table=ident_bad&custom_time_index=ts;clock;s', '{"ts":1}', { 'Content-Type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('epoch or datestr');
  });

  it('table_suffix sends each row to the table named plus the suffix its values make; a row without the variable to the table itself', async () => {
    expect((await post(node, '/v1/pipelines/by_type', 'version: 2\nprocessors: []\ntable_suffix: _${type}\n')).status).toBe(200);
    const r = await post(node, '/v1/ingest?table=persist_app&pipeline_name=by_type', '[{"type":"db","n":1},{"type":"http","n":2},{"t":"test","n":3},{"type":"db","n":4}]', { 'Content-Type': 'application/json' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.output[0].affectedrows).toBe(4);
    expect(await rows(node, 'SELECT n FROM persist_app_db ORDER BY n')).toEqual([[1], [4]]);
    expect(await rows(node, 'SELECT n FROM persist_app_http')).toEqual([[2]]);
    expect(await rows(node, 'SELECT n, t FROM persist_app')).toEqual([[3, 'test']]);
    const bad = await post(node, '/v1/pipelines/bad_suffix', 'version: 2\nprocessors: []\ntable_suffix: 7\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/table_suffix .* line 3/);
  });

  it('dry-runs a pipeline by name and inline, in GreptimeDB shape', async () => {
    const r = await post(node, '/v1/pipelines/_dryrun', JSON.stringify({ pipeline_name: 'nginx', data_type: 'text/plain', data: nginxLine(1) }), { 'Content-Type': 'application/json' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const row = r.body.rows[0] as { key: string; value: unknown; data_type: string; semantic_type: string }[];
    expect(row.find((c) => c.key === 'status')).toEqual({ key: 'status', value: 200, data_type: 'INT32', semantic_type: 'FIELD' });
    expect(row.find((c) => c.key === 'ip')!.semantic_type).toBe('TAG');
    expect(row.find((c) => c.key === 'ts')).toMatchObject({ data_type: 'TIMESTAMP_NANOSECOND', semantic_type: 'TIMESTAMP', value: '2023-10-10 13:55:01+0000' });
    expect(r.body.schema.find((s: { name: string }) => s.name === 'message')).toEqual({ column_type: 'FIELD', colume_type: 'FIELD', data_type: 'STRING', fulltext: true, name: 'message' });
    const inline = await post(node, '/v1/pipelines/_dryrun', JSON.stringify({ pipeline: 'version: 2\nprocessors:\n  - json_parse:\n      field: body\n', data: [{ body: '{"a":1}', n: 2 }] }));
    expect(inline.status, JSON.stringify(inline.body)).toBe(200);
    expect(inline.body.rows[0].find((c: { key: string }) => c.key === 'body')).toMatchObject({ data_type: 'JSON', value: { a: 1 } });
  });

  it('ingests nginx access lines through a dissect pipeline into a log table with its indexes', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => nginxLine(i, i % 10 === 0 ? 500 : 200)).join('\n');
    const r = await post(node, '/v1/ingest?db=public&table=access&pipeline_name=nginx', lines, { 'Content-Type': 'text/plain' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.output[0].affectedrows).toBe(50);
    expect(await rows(node, 'SELECT count(*) FROM access')).toEqual([[50]]);
    expect(await rows(node, "SELECT status, count(*) FROM access GROUP BY status ORDER BY status")).toEqual([[200, 45], [500, 5]]);
    expect(await rows(node, "SELECT ip, path, size FROM access WHERE path = '/p/7'")).toEqual([['10.0.0.3', '/p/7', 107]]);
    const ddl = (await rows(node, 'SHOW CREATE TABLE access'))[0]![1] as string;
    expect(ddl).toMatch(/"message" STRING NULL FULLTEXT INDEX/);
    expect(ddl).toMatch(/"path" STRING NULL INVERTED INDEX/);
    expect(ddl).toMatch(/TIME INDEX \("ts"\)/);
    expect(ddl).toMatch(/PRIMARY KEY \("ip", "method"\)/);
    expect(ddl).toMatch(/append_mode = 'true'/);
    // the alias and the headers
    const r2 = await post(node, '/v1/events/logs', nginxLine(99), { 'Content-Type': 'text/plain', 'x-greptime-pipeline-name': 'nginx', 'x-greptime-log-table-name': 'access' });
    expect(r2.body.output[0].affectedrows).toBe(1);
    expect(await rows(node, 'SELECT count(*) FROM access')).toEqual([[51]]);
  });

  it('fails the request whole on a bad line by default, and skips it (reported) with skip_error or on_failure: skip', async () => {
    const lines = [nginxLine(1), 'garbage that is not an access line', nginxLine(2)].join('\n');
    const bad = await post(node, '/v1/ingest?table=access2&pipeline_name=nginx', lines, { 'Content-Type': 'text/plain' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("line 2: processor 'dissect', field 'message'");
    expect((await sql(node, 'SELECT count(*) FROM access2')).body.error).toMatch(/not found/i);
    const skipped = await post(node, '/v1/ingest?table=access2&pipeline_name=nginx&skip_error=true', lines, { 'Content-Type': 'text/plain' });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ output: [{ affectedrows: 2 }], skipped: 1, errors: [{ line: 2, processor: 'dissect', field: 'message' }] });
    await post(node, '/v1/pipelines/nginx_skip', 'on_failure: skip\n' + NGINX);
    const s2 = await post(node, '/v1/ingest?table=access2&pipeline_name=nginx_skip', lines, { 'Content-Type': 'text/plain' });
    expect(s2.body.skipped).toBe(1);
    expect(await rows(node, 'SELECT count(*) FROM access2')).toEqual([[4]]);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(/eddy_log_failed_lines_total [1-9]/);
  });

  it('regex pipeline with on_failure: ignore, and greptime_identity with a JSON column', async () => {
    const r = await post(node, '/v1/ingest?table=app&pipeline_name=regex_logs', 'ERROR 500 disk full\nINFO 200 ok', { 'Content-Type': 'text/plain' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await rows(node, 'SELECT level, code, message_text FROM app ORDER BY level')).toEqual([['error', 500, 'disk full'], ['info', 200, 'ok']]);
    const nd = '{"service":"api","latency":1.5,"ok":true,"attrs":{"user":{"id":7},"tags":["a","b"]}}\n{"service":"db","latency":2,"ok":false,"attrs":{"user":{"id":8}}}\n';
    const id = await post(node, '/v1/ingest?table=events&pipeline_name=greptime_identity', nd, { 'Content-Type': 'application/x-ndjson' });
    expect(id.status, JSON.stringify(id.body)).toBe(200);
    const desc = await rows(node, 'DESC TABLE events');
    expect(desc.map((r) => [r[0], r[1]])).toEqual([['service', 'String'], ['latency', 'Float64'], ['ok', 'Boolean'], ['attrs', 'Json'], ['greptime_timestamp', 'TimestampNanosecond']]);
    expect(await rows(node, "SELECT service, json_get_int(attrs, 'user.id'), json_get_string(attrs, 'tags[1]') FROM events ORDER BY service")).toEqual([['api', 7, 'b'], ['db', 8, null]]);
    expect(await rows(node, "SELECT service, attrs FROM events WHERE json_path_exists(attrs, '$.tags')")).toEqual([['api', '{"user":{"id":7},"tags":["a","b"]}']]);
    const bad = await post(node, '/v1/ingest?table=events', '{"service": 1}\n', { 'Content-Type': 'application/x-ndjson' });
    expect(bad.status).toBe(400);
    const arr = await post(node, '/v1/ingest?table=events', JSON.stringify([{ service: 'web', latency: 3 }]), { 'Content-Type': 'application/json' });
    expect(arr.body.output[0].affectedrows).toBe(1);
    const malformed = await post(node, '/v1/ingest?table=events', '[{"service":', { 'Content-Type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/invalid JSON/);
    expect(await rows(node, 'SELECT count(*) FROM events')).toEqual([[3]]);
  });

  it('takes lines over NATS request-reply and the buffered JetStream twin', async () => {
    const h = natsHeaders();
    h.set('Eddy-Pipeline', 'nginx');
    const m = await nc.request(Subjects.logs('public', 'access_nats'), new TextEncoder().encode([nginxLine(3), nginxLine(4)].join('\n')), { headers: h, timeout: 10_000 });
    expect(JSON.parse(m.string())).toEqual({ ok: true, rows: 2 });
    expect(await rows(node, 'SELECT count(*) FROM access_nats')).toEqual([[2]]);
    const badReply = await nc.request(Subjects.logs('public', 'access_nats'), new TextEncoder().encode('nope'), { headers: h, timeout: 10_000 });
    expect(JSON.parse(badReply.string())).toMatchObject({ ok: false, error: { code: 2100 } });
    const js = jetstream(nc);
    const h2 = natsHeaders();
    h2.set('Content-Type', 'application/x-ndjson');
    await js.publish(Subjects.logsIngest('public', 'buffered'), new TextEncoder().encode('{"msg":"one"}\n{"msg":"two"}\n'), { headers: h2 });
    await until(async () => (await sql(node, 'SELECT count(*) FROM buffered')).body.output?.[0]?.records.rows[0][0] === 2, 'buffered logs applied');
  });

  it('live tail over SSE sends a line written after subscribing, filtered by a SQL predicate, and NATS eddy.tail once interest is announced', async () => {
    const tailSub = nc.subscribe(Subjects.tail('public', 'access'), { max: 1 });
    const res = await fetch(`${node.url}/v1/logs/tail?table=access&where=${encodeURIComponent('status >= 500')}`);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const dec = new TextDecoder();
    const readUntil = async (pred: (t: string) => boolean) => {
      while (!pred(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += dec.decode(value);
      }
    };
    await readUntil((t) => t.includes(': subscribed'));
    // eddy.tail is published only while a reader has announced interest: /p/6, written before, is not on it
    await post(node, '/v1/ingest?table=access&pipeline_name=nginx', nginxLine(6, 200), { 'Content-Type': 'text/plain' });
    const ann = JSON.parse((await nc.request(Subjects.tailInterest('public', 'access'))).string());
    expect(ann).toEqual({ ok: true, subject: Subjects.tail('public', 'access'), ttl_ms: 30_000 });
    await post(node, '/v1/ingest?table=access&pipeline_name=nginx', [nginxLine(7, 200), nginxLine(8, 503)].join('\n'), { 'Content-Type': 'text/plain' });
    await readUntil((t) => t.includes('event: row'));
    const ev = /id: (\d+)\nevent: row\ndata: (.*)\n/.exec(text)!;
    expect(JSON.parse(ev[2]!)).toMatchObject({ status: 503, path: '/p/8' });
    expect(text).not.toContain('"/p/7"');
    await reader.cancel();
    for await (const m of tailSub) {
      const objs = m.string().trim().split('\n').map((l) => JSON.parse(l));
      expect(objs.map((o) => o.path)).toEqual(['/p/7', '/p/8']);
    }
    // resuming from an id sends the stored rows after it first
    const resumed = await fetch(`${node.url}/v1/logs/tail?table=access&where=${encodeURIComponent('status >= 500')}`, { headers: { 'Last-Event-ID': String(BigInt(ev[1]!) - 1n) } });
    const r2 = resumed.body!.getReader();
    let t2 = '';
    while (!t2.includes('event: row')) t2 += dec.decode((await r2.read()).value);
    expect(t2).toContain('"/p/8"');
    await r2.cancel();
  });

  it('`eddy tail` follows a log table over NATS: it announces its interest, then prints each committed row', async () => {
    const child = spawn(process.execPath, ['actors/bin/eddy.mjs', 'tail', '--table', 'access', '--nats', nats.url, '--lines', '2'], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d) => { err += d; if (err.includes('following public.access')) resolve(); });
      void exited.then((c) => reject(new Error(`eddy tail exited (${c}): ${err}`)));
    });
    await post(node, '/v1/ingest?table=access&pipeline_name=nginx', [nginxLine(21, 404), nginxLine(22, 200)].join('\n'), { 'Content-Type': 'text/plain' });
    expect(await exited).toBe(0);
    expect(out.trim().split('\n').map((l) => JSON.parse(l)).map((o) => [o.path, o.status])).toEqual([['/p/21', 404], ['/p/22', 200]]);
  });
});
