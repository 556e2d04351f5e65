// Elasticsearch _bulk end to end: the official @elastic/elasticsearch client (handshake, bulk helper) against a node on a
// real nats-server, every line found by SQL once; raw bulk bodies for per-item errors and refused requests.
import { beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { join } from 'node:path';
import { until } from '../../harness/index.ts';
import { nodeForFile, sqlRows, type ShipperNode } from './shipper_helpers.ts';
import { SYSLOG_NG_DIR, runDaemon, rsyslogd, syslogNg } from './daemons.ts';

type Node = ShipperNode;

describe('elasticsearch _bulk', () => {
  const ctx = nodeForFile();
  let node: Node;
  let es: string;

  beforeAll(() => {
    node = ctx.get();
    es = `${node.url}/v1/elasticsearch`;
  });

  it('answers the handshake endpoints shippers call first, with X-Elastic-Product', async () => {
    const root = await fetch(`${es}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const info: any = await root.json();
    expect(info.version.number).toMatch(/^8\./);
    expect(info.tagline).toBe('You Know, for Search');
    expect(((await (await fetch(`${es}/_license`)).json()) as any).license.status).toBe('active');
    expect(((await (await fetch(`${es}/_cluster/health`)).json()) as any).status).toBe('green');
    expect(Object.keys(((await (await fetch(`${es}/_nodes/http`)).json()) as any).nodes)).toHaveLength(1);
    expect((await fetch(`${es}/_index_template/logs`, { method: 'HEAD' })).status).toBe(404);
    const put = await fetch(`${es}/_index_template/logs`, { method: 'PUT', body: JSON.stringify({ index_patterns: ['logs-*'] }), headers: { 'Content-Type': 'application/json' } });
    expect(((await put.json()) as any).acknowledged).toBe(true);
    expect((await fetch(`${es}/_index_template/logs`, { method: 'HEAD' })).status).toBe(200);
    const got: any = await (await fetch(`${es}/_index_template/logs`)).json();
    expect(got.index_templates[0].index_template.index_patterns).toEqual(['logs-*']);
    await fetch(`${es}/_template/old`, { method: 'PUT', body: '{"index_patterns":["old-*"]}' });
    expect(((await (await fetch(`${es}/_template/old`)).json()) as any).old.index_patterns).toEqual(['old-*']);
  });

  it("the official client's bulk helper writes every document once, _index naming the table", async () => {
    const client = new Client({ node: es });
    const docs = Array.from({ length: 50 }, (_, i) => ({ message: `es line ${i}`, service: i % 2 ? 'api' : 'web', n: i, ctx: { req: `r${i}` } }));
    const stats = await client.helpers.bulk({ datasource: docs, onDocument: (doc) => ({ index: { _index: doc.n < 25 ? 'es_logs_a' : 'es_logs_b' } }), flushBytes: 1500 });
    expect(stats.failed).toBe(0);
    expect(stats.successful).toBe(50);
    const info = await client.info();
    expect(info.version.number).toMatch(/^8\./);
    await client.close();
    const a = await sqlRows(node, 'SELECT message, service, n, json_get_string(ctx, \'req\') FROM es_logs_a ORDER BY n');
    const b = await sqlRows(node, 'SELECT message, n FROM es_logs_b ORDER BY n');
    expect(a).toHaveLength(25);
    expect(b).toHaveLength(25);
    expect(a[3]).toEqual(['es line 3', 'api', 3, 'r3']);
    expect(b.map((r) => r[1])).toEqual(Array.from({ length: 25 }, (_, i) => 25 + i));
  });

  it("answers the official client's existence checks and ILM calls as Elasticsearch does: an index exists once its table does, a policy once put", async () => {
    const client = new Client({ node: es });
    expect(await client.indices.exists({ index: 'es_exists_x' })).toBe(false);
    await expect(client.indices.get({ index: 'es_exists_x' })).rejects.toMatchObject({ meta: { statusCode: 404, body: { error: { type: 'index_not_found_exception' } } } });
    await client.bulk({ operations: [{ create: { _index: 'es_exists_x' } }, { message: 'now it exists' }] });
    expect(await client.indices.exists({ index: 'es_exists_x' })).toBe(true);
    await expect(client.ilm.getLifecycle({ name: 'es_policy' })).rejects.toMatchObject({ meta: { statusCode: 404 } });
    expect((await client.ilm.putLifecycle({ name: 'es_policy', policy: { phases: { hot: { actions: {} } } } })).acknowledged).toBe(true);
    const got = await client.ilm.getLifecycle({ name: 'es_policy' });
    expect(got.es_policy!.version).toBe(1);
    expect(got.es_policy!.policy.phases.hot).toEqual({ actions: {} });
    expect((await client.ilm.deleteLifecycle({ name: 'es_policy' })).acknowledged).toBe(true);
    await expect(client.ilm.getLifecycle({ name: 'es_policy' })).rejects.toMatchObject({ meta: { statusCode: 404 } });
    await client.close();
  });

  it('answers per item: a bad source, delete and update get errors; the rest is written; a pipeline from ?pipeline=', async () => {
    const pipe = await fetch(`${node.url}/v1/pipelines/es_kv`, { method: 'POST', body: 'processors:\n  - dissect:\n      fields: [message]\n      patterns: ["%{level} %{text}"]\ntransform:\n  - fields: [level]\n    type: string\n    index: tag\n  - fields: [text]\n    type: string\n' });
    expect(pipe.status).toBe(200);
    const body = [
      '{"index":{"_index":"es_items","_id":"a1"}}', '{"message":"INFO first"}',
      '{"create":{}}', '{"message":"WARN second"}',
      '{"index":{}}', '{"message": broken',
      '{"delete":{"_id":"a1"}}',
      '{"update":{"_id":"a1"}}', '{"doc":{"message":"x"}}',
      '{"index":{}}', '{"message":"nospace"}',
      '',
    ].join('\n');
    const r = await fetch(`${es}/es_items/_bulk?pipeline=es_kv`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-ndjson' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const j: any = await r.json();
    expect(j.errors).toBe(true);
    expect(j.items.map((it: any) => Object.keys(it)[0])).toEqual(['index', 'create', 'index', 'delete', 'update', 'index']);
    const st = j.items.map((it: any) => (Object.values(it)[0] as any).status);
    expect(st).toEqual([201, 201, 400, 400, 400, 400]);
    expect(j.items[0].index._id).toBe('a1');
    expect(j.items[2].index.error.type).toBe('document_parsing_exception');
    expect(j.items[3].delete.error.reason).toContain('append-only');
    expect(j.items[5].index.error.reason).toContain('dissect');
    const rows = await sqlRows(node, 'SELECT level, text FROM es_items ORDER BY text');
    expect(rows).toEqual([['INFO', 'first'], ['WARN', 'second']]);
  });

  it("trims answers by filter_path, as the official client's bulk({ filter_path }) asks", async () => {
    const client = new Client({ node: es });
    const ok: any = await client.bulk({ operations: [{ index: { _index: 'es_fp' } }, { message: 'one' }, { index: { _index: 'es_fp' } }, { message: 'two' }], filter_path: 'errors,items.*.error' });
    // Nothing failed: no item keeps an error, so the items are dropped whole, as Elasticsearch answers.
    expect(ok).toEqual({ errors: false });
    const bad = await fetch(`${es}/es_fp/_bulk?filter_path=items.*.error.type,items.*.status`, { method: 'POST', body: '{"index":{}}\n{"message":"three"}\n{"index":{}}\n{"message": no\n', headers: { 'Content-Type': 'application/x-ndjson' } });
    expect(await bad.json()).toEqual({ items: [{ index: { status: 201 } }, { index: { status: 400, error: { type: 'document_parsing_exception' } } }] });
    const info: any = await (await fetch(`${es}/?filter_path=-version,-tagline`)).json();
    expect(Object.keys(info).sort()).toEqual(['cluster_name', 'cluster_uuid', 'name']);
    expect(await sqlRows(node, 'SELECT message FROM es_fp ORDER BY message')).toEqual([['one'], ['three'], ['two']]);
  });

  it('refuses a malformed action line or an unterminated body whole, in Elasticsearch error shape, writing nothing', async () => {
    const bad = await fetch(`${es}/_bulk`, { method: 'POST', body: '{"index":{"_index":"es_none"}}\n{"message":"ok"}\n{"index":\n{"message":"x"}\n' });
    expect(bad.status).toBe(400);
    const j: any = await bad.json();
    expect(j.status).toBe(400);
    expect(j.error.type).toBe('x_content_parse_exception');
    expect(j.error.reason).toContain('line [3]');
    expect(j.error.root_cause[0].type).toBe('x_content_parse_exception');
    const unknown: any = await (await fetch(`${es}/_bulk`, { method: 'POST', body: '{"upsert":{"_index":"es_none"}}\n{}\n' })).json();
    expect(unknown.error.reason).toContain('[upsert]');
    const unterminated = await fetch(`${es}/_bulk`, { method: 'POST', body: '{"index":{"_index":"es_none"}}\n{"message":"ok"}' });
    expect(unterminated.status).toBe(400);
    expect(((await unterminated.json()) as any).error.reason).toContain('terminated by a newline');
    const noIndex: any = await (await fetch(`${es}/_bulk`, { method: 'POST', body: '{"index":{}}\n{"a":1}\n' })).json();
    expect(noIndex.error.type).toBe('action_request_validation_exception');
    const tables = await sqlRows(node, "SELECT table_name FROM information_schema.tables WHERE table_name = 'es_none'");
    expect(tables).toEqual([]);
  });

  /** Resolves once a table holds `n` rows (polled through SQL while the table may not exist yet). */
  async function whenRows(table: string, n: number): Promise<void> {
    await until(async () => {
      const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: `SELECT count(*) FROM ${table}` }) });
      return r.status === 200 && ((await r.json()) as any).output[0].records.rows[0][0] >= n;
    }, `${n} rows in ${table}`, 20_000);
  }

  it("rsyslog's omelasticsearch (bulk mode) into the _bulk endpoint, every line once", async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `rs-es line ${String(i).padStart(2, '0')}`);
    const port = new URL(node.url).port;
    const d = await runDaemon(rsyslogd, {
      files: { 'in.log': lines.join('\n') + '\n' },
      config: (dir) => `
global(workDirectory="${dir}")
module(load="imfile")
module(load="omelasticsearch")
template(name="esdoc" type="list" option.jsonf="on") {
  property(outname="message" name="msg" format="jsonf")
  property(outname="app" name="programname" format="jsonf")
  property(outname="severity" name="syslogseverity-text" format="jsonf")
}
input(type="imfile" File="${dir}/in.log" Tag="rses" ruleset="es" Severity="warning")
ruleset(name="es") { action(type="omelasticsearch" server="http://127.0.0.1:${port}/v1/elasticsearch" searchIndex="rsyslog_es" template="esdoc" bulkmode="on" errorFile="${dir}/es_errors.json") }
`,
    });
    try {
      await whenRows('rsyslog_es', 25);
    } finally {
      await d.stop();
    }
    // the daemon has stopped (its queue flushed): nothing more can arrive, so an exact match shows no line twice
    const rows = await sqlRows(node, 'SELECT message, app, severity FROM rsyslog_es ORDER BY message');
    expect(rows.map((r) => r[0])).toEqual(lines);
    expect(new Set(rows.map((r) => `${r[1]}/${r[2]}`))).toEqual(new Set(['rses/warning']));
  });

  it("syslog-ng's elasticsearch-http() into the _bulk endpoint, every line once", async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `sng-es line ${String(i).padStart(2, '0')}`);
    const port = new URL(node.url).port;
    const d = await runDaemon(syslogNg, {
      files: { 'in.log': lines.join('\n') + '\n' },
      config: (dir) => `@version: 3.38
@include "${join(SYSLOG_NG_DIR, 'usr/share/syslog-ng/include/scl/elasticsearch/elastic-http.conf')}"
source s_in { file("${dir}/in.log" flags(no-parse) program-override("sngapp")); };
destination d_es { elasticsearch-http(url("http://127.0.0.1:${port}/v1/elasticsearch/_bulk") index("sng_es") type("") batch-lines(10) template("$(format-json message=$MSG app=$PROGRAM)")); };
log { source(s_in); destination(d_es); };
`,
    });
    try {
      await whenRows('sng_es', 25);
    } finally {
      await d.stop();
    }
    // the daemon has stopped (its queue flushed): nothing more can arrive, so an exact match shows no line twice
    const rows = await sqlRows(node, 'SELECT message, app FROM sng_es ORDER BY message');
    expect(rows.map((r) => r[0])).toEqual(lines);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['sngapp']));
  });
});
