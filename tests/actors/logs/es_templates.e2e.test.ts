// Elasticsearch index templates through the official @elastic/elasticsearch client on two nodes over one real
// nats-server: kept in the catalog (seen by the other node, kept over a restart), Elasticsearch's checks and errors, and
// a template's index.default_pipeline running for the _bulk writes of the indices it matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errors } from '@elastic/elasticsearch';
import { startNats, startNode, tempDir } from '../../harness/index.ts';
import { sqlRows, type ShipperNode } from './shipper_helpers.ts';

const PIPELINE = 'processors:\n  - dissect:\n      fields: [message]\n      patterns: ["%{level} %{text}"]\ntransform:\n  - fields: [level]\n    type: string\n    index: tag\n  - fields: [text]\n    type: string\n';

async function esError(p: Promise<unknown>): Promise<{ status: number; type: string; reason: string }> {
  try { await p; } catch (e) {
    if (e instanceof errors.ResponseError) return { status: e.statusCode!, type: (e.body as any).error.type, reason: (e.body as any).error.reason };
    throw e;
  }
  throw new Error('expected an Elasticsearch error');
}

describe('elasticsearch index templates', () => {
  const dirs = [tempDir(), tempDir()];
  let nats: Awaited<ReturnType<typeof startNats>>;
  let a: ShipperNode;
  let b: ShipperNode;
  const client = (n: ShipperNode) => new Client({ node: `${n.url}/v1/elasticsearch` });
  const startA = () => startNode({ data: dirs[0]!.path, nats: nats.url, overrides: { role: 'meta,datanode,frontend', nodeId: 'es-a' } });

  beforeAll(async () => {
    nats = await startNats();
    a = await startA();
    b = await startNode({ data: dirs[1]!.path, nats: nats.url, overrides: { role: 'frontend', nodeId: 'es-b' } });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await nats?.cleanup();
    for (const d of dirs) d.cleanup();
  });

  it('templates are checked as Elasticsearch does, seen by every node, and kept over a restart', async () => {
    const ca = client(a);
    await ca.indices.putIndexTemplate({ name: 'app-logs', index_patterns: ['app-*'], priority: 10, template: { settings: { index: { default_pipeline: 'es_tpl' } } } });
    await ca.indices.putTemplate({ name: 'legacy-one', index_patterns: ['old-*'], order: 3 });
    expect(await ca.indices.existsIndexTemplate({ name: 'app-logs' })).toBe(true);
    expect(await ca.indices.existsIndexTemplate({ name: 'nope' })).toBe(false);
    expect(await esError(ca.indices.putIndexTemplate({ name: 'app-logs', create: true, index_patterns: ['x-*'] }))).toEqual({ status: 400, type: 'illegal_argument_exception', reason: 'index template [app-logs] already exists' });
    expect(await esError(ca.indices.putIndexTemplate({ name: 'no-patterns', template: {} }))).toEqual({ status: 400, type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index patterns are missing;' });
    expect((await esError(ca.indices.putIndexTemplate({ name: 'Upper', index_patterns: ['u-*'] }))).reason).toBe('index_template [Upper] invalid, cause [name must be lower cased]');
    expect(await esError(ca.indices.getIndexTemplate({ name: 'missing' }))).toEqual({ status: 404, type: 'resource_not_found_exception', reason: 'index template matching [missing] not found' });
    await ca.close();

    // the other node reads the same catalog; one it writes is seen here
    const cb = client(b);
    const fromB = await cb.indices.getIndexTemplate({ name: 'app-*' });
    expect(fromB.index_templates.map((t) => [t.name, t.index_template.index_patterns, t.index_template.priority])).toEqual([['app-logs', ['app-*'], 10]]);
    await cb.indices.putIndexTemplate({ name: 'from-b', index_patterns: 'b-*' });
    await cb.close();

    await a.stop();
    a = await startA();
    const again = client(a);
    const all = await again.indices.getIndexTemplate();
    expect(all.index_templates.map((t) => t.name)).toEqual(['app-logs', 'from-b']);
    expect(all.index_templates[1]!.index_template).toEqual({ index_patterns: ['b-*'], composed_of: [] });
    expect((await again.indices.getTemplate({ name: 'legacy-one' }))['legacy-one']).toEqual({ order: 3, index_patterns: ['old-*'], settings: {}, mappings: {}, aliases: {} });
    await again.indices.deleteIndexTemplate({ name: 'from-b' });
    expect(await again.indices.existsIndexTemplate({ name: 'from-b' })).toBe(false);
    expect(await esError(again.indices.deleteIndexTemplate({ name: 'from-b' }))).toEqual({ status: 404, type: 'resource_not_found_exception', reason: 'index_template [from-b] missing' });
    await again.close();
  });

  it("a template's index.default_pipeline runs for _bulk into the indices it matches; ?pipeline=_none and others use none", async () => {
    expect((await fetch(`${a.url}/v1/pipelines/es_tpl`, { method: 'POST', body: PIPELINE })).status).toBe(200);
    const c = client(a);
    const stats = await c.helpers.bulk({
      datasource: [{ message: 'INFO one' }, { message: 'WARN two' }, { message: 'ERROR three' }],
      onDocument: () => ({ index: { _index: 'app-1' } }),
    });
    expect(stats.failed).toBe(0);
    await c.bulk({ index: 'other-1', operations: [{ index: {} }, { message: 'INFO plain' }] });
    await c.bulk({ index: 'app-2', pipeline: '_none', operations: [{ index: {} }, { message: 'INFO raw' }] });
    await c.close();
    expect(await sqlRows(a, 'SELECT level, text FROM "app-1" ORDER BY text')).toEqual([['INFO', 'one'], ['ERROR', 'three'], ['WARN', 'two']]);
    expect(await sqlRows(a, 'SELECT message FROM "other-1"')).toEqual([['INFO plain']]);
    expect(await sqlRows(a, 'SELECT message FROM "app-2"')).toEqual([['INFO raw']]);
  });
});
