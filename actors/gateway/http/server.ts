// The HTTP server: routes each request through the one route table, 503 until the node is ready, logs every 5xx.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AuthenticationError, StartupError, LoginRateLimitedError, MemoryBackPressureError, NatsUnavailableError, PayloadTooLargeError, StatusCode, WriteBackPressureError, httpStatusOf, toWireError } from '../../../core/index.ts';
import type { Logger } from '../../runtime/logger.ts';
import { BASIC_CHALLENGE, runAs, type Authenticator, type Principal } from '../../auth/index.ts';
import { authorizeRoute, principalOf } from './auth.ts';
import { json, type HttpReply, type Route, type RouteTable } from './routes.ts';
import { admitted, runQuery, type HttpLimits } from './limits.ts';

export { json, type Handler, type HttpReply } from './routes.ts';

export type NodeState = 'starting' | 'ready' | 'stopping';

export interface HttpDeps {
  routes: RouteTable;
  state: () => NodeState;
  /** Largest request body (--max-write-bytes). */
  maxBodyBytes: () => number;
  logger: Logger;
  /** Authentication on (--user-provider): every route but `public` ones needs credentials. */
  auth?: Authenticator | null;
  /** Query deadline and memory budget, write admission (--query-timeout, --query-memory-mb, --max-inflight-write-bytes). */
  limits?: HttpLimits;
  /** Idle kept-alive connections are closed after this long (ms; --http-keep-alive-timeout, default 65 s). */
  keepAliveTimeoutMs?: number;
}

/** Seconds a client should wait before retrying while the node starts or stops. */
const RETRY_AFTER_S = '1';
/** A body over the limit is read and dropped (so the client sees the 413, not a reset) up to this much more; then the connection is cut. */
const DISCARD_BYTES = 64 * 1024 * 1024;
/** Set on a request whose body was cut short: the answer closes the connection. */
const CUT = Symbol('eddy.body.cut');

/**
 * Reads a request body up to `limit` bytes. Past the limit it keeps reading and dropping bytes, and rejects with a
 * PayloadTooLargeError once the body ends: destroying the socket mid-upload would reset the connection before the
 * 413 reached the client.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const tooLarge = () => new PayloadTooLargeError(Math.max(size, Number(req.headers['content-length'] ?? 0)), limit);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (!over && size > limit) {
        over = true;
        chunks.length = 0;
      }
      if (!over) {
        chunks.push(c);
        return;
      }
      if (size > limit + DISCARD_BYTES) {
        // Too much to drain: answer now and close the connection after the answer.
        (req as unknown as Record<symbol, boolean>)[CUT] = true;
        req.pause();
        reject(tooLarge());
      }
    });
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function errorReply(e: unknown): HttpReply {
  const w = toWireError(e);
  const reply: HttpReply = { ...json(httpStatusOf(w.code), { code: w.code, error: w.message, execution_time_ms: 0 }), error: e };
  const headers = challengeHeaders(e);
  if (headers) reply.headers = headers;
  return reply;
}

/** WWW-Authenticate on a 401, Retry-After on a 429, a back-pressure 503 or a 503 while the node's NATS connection is down. */
export function challengeHeaders(e: unknown): Record<string, string> | undefined {
  if (e instanceof AuthenticationError) return { 'WWW-Authenticate': BASIC_CHALLENGE };
  if (e instanceof LoginRateLimitedError || e instanceof WriteBackPressureError || e instanceof MemoryBackPressureError || e instanceof NatsUnavailableError) return { 'Retry-After': String(e.retryAfterS) };
  return undefined;
}

export class HttpGateway {
  private server: Server | null = null;

  constructor(private readonly deps: HttpDeps) {}

  /** Listens on host:port; with `tls` (PEM certificate and key) it serves HTTPS. */
  async listen(host: string, port: number, tls?: { cert: Buffer; key: Buffer }): Promise<{ host: string; port: number }> {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    let server: Server;
    try {
      server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) : createServer(onRequest);
    } catch (e) {
      throw new StartupError(`the TLS certificate or key was refused: ${(e as Error).message}`);
    }
    server.keepAliveTimeout = this.deps.keepAliveTimeoutMs ?? 65_000;
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = this.deps.routes.match(req.method ?? 'GET', url.pathname);
    let principal: Principal | null = null;
    if (this.deps.auth && m.kind === 'found' && m.route.access !== 'public') {
      try {
        principal = principalOf(this.deps.auth, req, url);
        authorizeRoute(this.deps.auth, principal, m.route, req, url);
      } catch (e) {
        return this.answer(req, res, url, errorReply(e));
      }
    }
    // The principal goes with everything the request runs, a streamed reply included (the guarded query context reads it).
    const run = () => this.serve(req, res, url, m.kind === 'found' ? m.route : null);
    return principal ? runAs(principal, run) : run();
  }

  private async serve(req: IncomingMessage, res: ServerResponse, url: URL, route: Route | null): Promise<void> {
    let reply: HttpReply;
    const limits = this.deps.limits;
    const write = route?.access === 'write' ? admitted(() => readBody(req, this.deps.maxBodyBytes()), limits?.writeGate) : null;
    const onError = route?.errorReply ?? errorReply;
    try {
      const go = () => this.route(req, url, route, write?.body);
      reply = route?.query && limits ? await runQuery(req, res, limits, go, onError) : await go();
    } catch (e) {
      reply = onError(e);
    } finally {
      write?.release();
    }
    this.answer(req, res, url, reply);
  }

  private answer(req: IncomingMessage, res: ServerResponse, url: URL, reply: HttpReply): void {
    if (reply.status >= 500 && reply.status !== 503) this.logServerError(req, url, reply);
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    if (reply.contentType) headers['Content-Type'] = reply.contentType;
    if ((req as unknown as Record<symbol, boolean>)[CUT]) {
      headers.Connection = 'close';
      res.once('finish', () => req.socket.destroy());
    }
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status, headers);
    if (reply.stream) {
      res.flushHeaders();
      reply.stream(res, req);
      return;
    }
    res.end(reply.body);
  }

  private async route(req: IncomingMessage, url: URL, found: Route | null, admittedBody?: () => Promise<Buffer>): Promise<HttpReply> {
    const m = found ? { kind: 'found' as const, route: found } : this.deps.routes.match(req.method ?? 'GET', url.pathname);
    if (m.kind === 'none') return json(404, { code: StatusCode.InvalidArguments, error: `no route ${url.pathname}` });
    if (m.kind === 'method') {
      return { ...json(405, { code: StatusCode.InvalidArguments, error: `${req.method} is not allowed on ${url.pathname}: use ${m.allow.join(' or ')}` }), headers: { Allow: m.allow.join(', ') } };
    }
    const state = this.deps.state();
    if (state !== 'ready' && !m.route.whileStarting) return unavailable(state);
    const body = admittedBody ?? (() => readBody(req, this.deps.maxBodyBytes()));
    return m.route.handler(req, url, body);
  }

  private logServerError(req: IncomingMessage, url: URL, reply: HttpReply): void {
    let why: unknown = reply.error;
    if (why === undefined && typeof reply.body === 'string' && reply.body.length < 65_536) {
      try {
        why = (JSON.parse(reply.body) as { error?: unknown }).error;
      } catch {
        why = reply.body.slice(0, 500);
      }
    }
    const error = why instanceof Error ? why.message : String(why ?? 'no detail');
    const fields: Record<string, unknown> = { method: req.method, path: url.pathname, status: reply.status, error };
    if (why instanceof Error && why.stack) fields.stack = why.stack.split('\n').slice(1, 4).map((l) => l.trim()).join(' | ');
    this.deps.logger.error('http.5xx', `${req.method} ${url.pathname} answered ${reply.status}`, fields);
  }
}

/** 503 with Retry-After while the node starts or stops, as /health answers. */
export function unavailable(state: NodeState): HttpReply {
  return {
    ...json(503, { code: StatusCode.StorageUnavailable, status: state, error: `the node is ${state}; retry shortly` }),
    headers: { 'Retry-After': RETRY_AFTER_S },
  };
}
