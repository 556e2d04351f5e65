// The HTTP front door over a real socket: one route table, 404/405, 503 + Retry-After until ready, 413 that reaches
// the client, and one log line per 5xx and per rejected write.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { HttpGateway, type NodeState } from '../../../../actors/gateway/http/server.ts';
import { apiRoutes, type ApiDeps } from '../../../../actors/gateway/http/api.ts';
import { RouteTable } from '../../../../actors/gateway/http/routes.ts';
import { Logger } from '../../../../actors/runtime/logger.ts';
import { Metrics } from '../../../../actors/runtime/metrics.ts';
import { InvalidArgumentError } from '../../../../core/index.ts';
import type { WritePath } from '../../../../actors/gateway/write.ts';
import type { QueryContext } from '../../../../core/query/index.ts';

const LIMIT = 1024;

async function gateway(over: Partial<ApiDeps> = {}) {
  let state: NodeState = 'starting';
  const lines: string[] = [];
  const logger = new Logger({ format: 'json', write: (l) => lines.push(l) });
  const written: Uint8Array[] = [];
  const writes = {
    maxWriteBytes: LIMIT,
    parseAndWrite: async (input: { data: Uint8Array }) => {
      if (new TextDecoder().decode(input.data).startsWith('bad')) throw new InvalidArgumentError('bad line', { line: 1, column: 1 });
      written.push(input.data);
      return 1;
    },
  } as unknown as WritePath;
  const routes = apiRoutes({
    state: () => state, metrics: new Metrics(), logger, writes: () => writes,
    contextOf: () => { throw new Error('disk on fire'); },
    stats: async () => ({}), flush: async () => {}, compact: async () => {},
    flows: { flows: () => null, js: () => { throw new Error('no js'); }, jsm: () => { throw new Error('no jsm'); } },
    ...over,
  });
  const http = new HttpGateway({ routes, state: () => state, maxBodyBytes: () => LIMIT, logger });
  const addr = await http.listen('127.0.0.1', 0);
  return { url: `http://127.0.0.1:${addr.port}`, http, lines, written, setState: (s: NodeState) => (state = s), logs: () => lines.map((l) => JSON.parse(l)) };
}

let open: HttpGateway | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

describe('route table', () => {
  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const g = await gateway();
    open = g.http;
    g.setState('ready');
    const r404 = await fetch(`${g.url}/nope`);
    expect(r404.status).toBe(404);
    expect(((await r404.json()) as { error: string }).error).toBe('no route /nope');
    const r405 = await fetch(`${g.url}/v1/influxdb/write`, { method: 'GET' });
    expect(r405.status).toBe(405);
    expect(r405.headers.get('allow')).toBe('POST');
    const r405b = await fetch(`${g.url}/v1/sql`, { method: 'DELETE' });
    expect(r405b.status).toBe(405);
    expect(r405b.headers.get('allow')).toBe('GET, POST');
  });

  it('matches exact paths (trailing slash too) and prefixes, longest prefix first', async () => {
    const t = new RouteTable();
    const h = (name: string) => async () => ({ status: 200, body: name });
    t.add({ methods: ['GET'], path: '/v1/flows/', prefix: true, handler: h('flows') });
    t.add({ methods: ['GET'], path: '/v1/flows/special/', prefix: true, handler: h('special') });
    t.add({ methods: ['GET'], path: '/health', handler: h('health') });
    const name = async (m: ReturnType<RouteTable['match']>) => (m.kind === 'found' ? (await m.route.handler(null as never, null as never, null as never)).body : m.kind);
    expect(await name(t.match('GET', '/health/'))).toBe('health');
    expect(await name(t.match('HEAD', '/health'))).toBe('health');
    expect(await name(t.match('GET', '/v1/flows/f/subscribe'))).toBe('flows');
    expect(await name(t.match('GET', '/v1/flows/special/x'))).toBe('special');
    expect(await name(t.match('GET', '/v1/flows'))).toBe('none');
    expect(() => t.add({ methods: ['GET'], path: '/health', handler: h('again') })).toThrow(/registered twice/);
  });

  it('registers every API endpoint in the one table', () => {
    const paths = apiRoutes({
      state: () => 'ready', metrics: new Metrics(), logger: new Logger({ write: () => {} }), writes: () => null as never, contextOf: () => null as never,
      stats: async () => ({}), flush: async () => {}, compact: async () => {}, flows: { flows: () => null, js: () => null as never, jsm: () => null as never },
    }).list().map((r) => r.path);
    for (const p of ['/health', '/metrics', '/v1/sql', '/v1/influxdb/write', '/v1/influxdb/api/v2/write', '/v1/influxdb/ping', '/v1/stats', '/v1/admin/flush', '/v1/admin/compact', '/v1/flows/']) {
      expect(paths).toContain(p);
    }
  });
});

describe('while the node starts', () => {
  it('every API route answers 503 with Retry-After (not 404), as /health does; then they serve', async () => {
    const g = await gateway();
    open = g.http;
    for (const [method, path] of [['GET', '/health'], ['POST', '/v1/sql?sql=select+1'], ['GET', '/v1/sql?sql=select+1'], ['POST', '/v1/influxdb/write'], ['GET', '/v1/stats'], ['POST', '/v1/admin/flush'], ['GET', '/v1/flows/f/subscribe']] as const) {
      const r = await fetch(`${g.url}${path}`, { method, ...(method === 'POST' ? { body: 'x v=1' } : {}) });
      expect(r.status, `${method} ${path}`).toBe(503);
      expect(r.headers.get('retry-after'), `${method} ${path}`).toBe('1');
      expect(((await r.json()) as { status: string }).status).toBe('starting');
    }
    // Metrics and ping answer while starting (a probe must not fail on them).
    expect((await fetch(`${g.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${g.url}/v1/influxdb/ping`)).status).toBe(204);
    g.setState('ready');
    expect((await fetch(`${g.url}/health`)).status).toBe(200);
    expect((await fetch(`${g.url}/v1/influxdb/write`, { method: 'POST', body: 'x v=1' })).status).toBe(204);
    g.setState('stopping');
    const r = await fetch(`${g.url}/v1/influxdb/write`, { method: 'POST', body: 'x v=1' });
    expect(r.status).toBe(503);
    expect(((await r.json()) as { status: string }).status).toBe('stopping');
  });
});

describe('a body over --max-write-bytes', () => {
  it('gets 413 naming the limit, through fetch, and the connection stays usable', async () => {
    const g = await gateway();
    open = g.http;
    g.setState('ready');
    const big = 'x v=1\n'.repeat(200_000); // 1.2 MB, far past the 1 KiB limit
    const r = await fetch(`${g.url}/v1/influxdb/write`, { method: 'POST', body: big });
    expect(r.status).toBe(413);
    const body = (await r.json()) as { error: string };
    expect(body.error).toMatch(new RegExp(`exceeds the limit of ${LIMIT} bytes`));
    expect(g.written).toHaveLength(0);
    expect((await fetch(`${g.url}/v1/influxdb/write`, { method: 'POST', body: 'x v=1' })).status).toBe(204);
  });

  it('gets 413 through a streaming node:http client that sends chunk by chunk (no reset)', async () => {
    const g = await gateway();
    open = g.http;
    g.setState('ready');
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${g.url}/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'text/plain' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error).toMatch(/Payload of \d+ bytes exceeds the limit of 1024 bytes/);
  });
});

describe('error log lines', () => {
  it('a 500 leaves one structured line with what failed and why', async () => {
    const g = await gateway();
    open = g.http;
    g.setState('ready');
    const r = await fetch(`${g.url}/v1/sql?sql=select+1`);
    expect(r.status).toBe(500);
    const errors = g.logs().filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'http.5xx', method: 'GET', path: '/v1/sql', status: 500, error: 'disk on fire' });
  });

  it('a rejected write leaves one line with the reason and position', async () => {
    const g = await gateway();
    open = g.http;
    g.setState('ready');
    const r = await fetch(`${g.url}/v1/influxdb/write?db=public`, { method: 'POST', body: 'bad' });
    expect(r.status).toBe(400);
    const errors = g.logs().filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'write.rejected', db: 'public', error: 'bad line at line 1, column 1' });
  });

  it('a flood of failing requests is held to the rate, with the count of what was suppressed', async () => {
    const g = await gateway();
    open = g.http;
    g.setState('ready');
    for (let i = 0; i < 25; i++) await fetch(`${g.url}/v1/sql?sql=select+1`);
    const errors = g.logs().filter((l) => l.kind === 'http.5xx');
    // The default burst is 10 per kind; the clock did not give back a whole token per line.
    expect(errors.length).toBeGreaterThanOrEqual(10);
    expect(errors.length).toBeLessThan(25);
  });
});
