// The HTTP API: health, metrics, InfluxDB-compatible writes, stats and admin; SQL routes plug in through `extraRoutes`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PayloadTooLargeError, httpStatusOf, toWireError } from '../../../core/index.ts';
import type { WritePath } from '../write.ts';
import type { Metrics } from '../../runtime/metrics.ts';

export type Handler = (req: IncomingMessage, url: URL, body: () => Promise<Buffer>) => Promise<HttpReply>;
export interface HttpReply {
  status: number;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** A streaming reply (Server-Sent Events): called after the head is written; it owns the response until it ends it. */
  stream?: (res: ServerResponse, req: IncomingMessage) => void;
}

export interface HttpDeps {
  writes: WritePath;
  metrics: Metrics;
  ready: () => boolean;
  stats: (db: string, table?: string, opts?: { exact?: boolean }) => Promise<unknown>;
  flush: (db: string, table?: string) => Promise<void>;
  compact: (db: string, table?: string) => Promise<void>;
  routes: Map<string, Handler>;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new PayloadTooLargeError(size, limit));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function json(status: number, v: unknown): HttpReply {
  return { status, body: JSON.stringify(v), contentType: 'application/json' };
}

export function errorReply(e: unknown): HttpReply {
  const w = toWireError(e);
  return json(httpStatusOf(w.code), { code: w.code, error: w.message, execution_time_ms: 0 });
}

export class HttpGateway {
  private server: Server | null = null;

  constructor(private readonly deps: HttpDeps) {}

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address();
    return { host, port: typeof addr === 'object' && addr ? addr.port : port };
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: HttpReply;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = () => readBody(req, this.deps.writes.maxWriteBytes);
      reply = await this.route(req, url, body);
    } catch (e) {
      reply = errorReply(e);
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.contentType) headers['Content-Type'] = reply.contentType;
    res.writeHead(reply.status, headers);
    if (reply.stream) {
      res.flushHeaders();
      reply.stream(res, req);
      return;
    }
    res.end(reply.body);
  }

  private async route(req: IncomingMessage, url: URL, body: () => Promise<Buffer>): Promise<HttpReply> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    switch (path) {
      case '/health':
        return this.deps.ready() ? json(200, {}) : json(503, { status: 'starting' });
      case '/metrics':
        return { status: 200, body: this.deps.metrics.render(), contentType: 'text/plain; version=0.0.4' };
      case '/v1/influxdb/write':
      case '/v1/influxdb/api/v2/write': {
        if (req.method !== 'POST') return json(405, { error: 'use POST' });
        const db = q.get('db') ?? q.get('bucket') ?? 'public';
        const data = await body();
        this.deps.metrics.writeRequests++;
        try {
          const precision = q.get('precision');
          await this.deps.writes.parseAndWrite({ db, data, ...(precision ? { precision } : {}) });
        } catch (e) {
          this.deps.metrics.writeErrors++;
          throw e;
        }
        return { status: 204 };
      }
      case '/v1/influxdb/ping':
      case '/v1/influxdb/health':
        return { status: 204 };
      case '/v1/stats':
        return json(200, await this.deps.stats(q.get('db') ?? 'public', q.get('table') ?? undefined, { exact: q.get('exact') === 'true' }));
      case '/v1/admin/flush':
      case '/v1/admin/compact': {
        if (req.method !== 'POST') return json(405, { error: 'use POST' });
        const db = q.get('db') ?? 'public';
        const t = q.get('table') ?? undefined;
        await (path.endsWith('flush') ? this.deps.flush(db, t) : this.deps.compact(db, t));
        return json(200, { ok: true });
      }
    }
    const extra = this.deps.routes.get(path);
    if (extra) return extra(req, url, body);
    // Routes ending in '/*' take every path under them (e.g. /v1/flows/<flow>/subscribe).
    for (const [prefix, h] of this.deps.routes) if (prefix.endsWith('/*') && path.startsWith(prefix.slice(0, -1))) return h(req, url, body);
    return json(404, { code: 1004, error: `no route ${path}` });
  }
}

