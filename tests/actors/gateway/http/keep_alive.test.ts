// Kept-alive HTTP connections: an idle one is closed after --http-keep-alive-timeout, a request in progress on a reused
// one is never cut by it, however long it runs (an admin flush or compact of a big table takes minutes).
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { HttpGateway } from '../../../../actors/gateway/http/server.ts';
import { apiRoutes } from '../../../../actors/gateway/http/api.ts';
import { Logger } from '../../../../actors/runtime/logger.ts';
import { Metrics } from '../../../../actors/runtime/metrics.ts';

// Node's client agent reuses a connection only when the server's Keep-Alive hint leaves it a second or more.
const KEEP_ALIVE_MS = 2000;

let open: HttpGateway | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

/** A gateway whose admin flush waits until released (a flush that takes longer than the keep-alive timeout). */
async function gateway() {
  let release: () => void = () => undefined;
  let flushStarted: () => void = () => undefined;
  const started = new Promise<void>((r) => { flushStarted = r; });
  const held = new Promise<void>((r) => { release = r; });
  let streamStarted: () => void = () => undefined;
  const streaming = new Promise<void>((r) => { streamStarted = r; });
  const lines: string[] = [];
  const logger = new Logger({ format: 'json', write: (l) => lines.push(l) });
  const routes = apiRoutes({
    state: () => 'ready', metrics: new Metrics(), logger, writes: () => null as never, contextOf: () => null as never,
    stats: async () => ({}), compact: async () => {},
    flush: async () => { flushStarted(); await held; },
    flows: { flows: () => null, js: () => { throw new Error('no js'); }, jsm: () => { throw new Error('no jsm'); } },
  });
  // A streamed answer (as SQL results and SSE tails are): one chunk now, the rest once released.
  routes.add({
    methods: ['GET'], path: '/test/stream', access: 'public',
    handler: async () => ({ status: 200, contentType: 'text/plain', stream: (res) => { res.write('first,'); streamStarted(); void held.then(() => res.end('last')); } }),
  });
  const http = new HttpGateway({ routes, state: () => 'ready', maxBodyBytes: () => 1024, logger, keepAliveTimeoutMs: KEEP_ALIVE_MS });
  open = http;
  const addr = await http.listen('127.0.0.1', 0);
  return { port: addr.port, release, started, streaming, lines };
}

function send(port: number, agent: Agent, method: string, path: string): Promise<{ status: number; reused: boolean; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: method === 'POST' ? { 'content-length': 0 } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, body }));
      res.on('close', () => { if (!res.complete) reject(new Error(`${method} ${path}: the answer was cut after ${JSON.stringify(body)}`)); });
    });
    req.on('error', (e) => reject(new Error(`${method} ${path} (reused socket: ${req.reusedSocket}): ${e.message}`)));
    req.end();
  });
}

/** Opens a connection, makes one kept-alive request on it and resolves when the server closes it as idle. */
function idleConnectionClosed(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n'));
    let got = '';
    s.on('data', (d) => { got += d; });
    s.on('error', reject);
    s.on('close', () => (/^HTTP\/1\.1 200/.test(got) ? resolve() : reject(new Error(`unexpected: ${got}`))));
  });
}

describe('HTTP keep-alive', () => {
  it('a request on a reused connection that runs past the keep-alive timeout gets its answer', async () => {
    const g = await gateway();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await send(g.port, agent, 'GET', '/health')).status).toBe(200);
      const long = send(g.port, agent, 'POST', '/v1/admin/flush');
      await g.started;
      // An idle connection opened after the long request started, closed by the server: more than the keep-alive
      // timeout has passed since, so any idle timer on the long request's connection would have fired.
      await idleConnectionClosed(g.port);
      g.release();
      const r = await long;
      expect(r.reused).toBe(true);
      expect(r.status, r.body).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('a streamed answer on a reused connection that lasts past the keep-alive timeout arrives whole', async () => {
    const g = await gateway();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await send(g.port, agent, 'GET', '/health')).status).toBe(200);
      const long = send(g.port, agent, 'GET', '/test/stream');
      await g.streaming;
      await idleConnectionClosed(g.port);
      g.release();
      const r = await long;
      expect(r.reused).toBe(true);
      expect(r.body).toBe('first,last');
    } finally {
      agent.destroy();
    }
  });

  it('an idle kept-alive connection is closed after --http-keep-alive-timeout, not before', async () => {
    const g = await gateway();
    const t0 = Date.now();
    await idleConnectionClosed(g.port);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(KEEP_ALIVE_MS);
  });
});
