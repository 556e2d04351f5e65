// The one HTTP route table: method + path (or path prefix) -> handler, with 404 and 405 answers; every endpoint registers here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InternalError } from '../../../core/errors.ts';

export type Handler = (req: IncomingMessage, url: URL, body: () => Promise<Buffer>) => Promise<HttpReply>;

export interface HttpReply {
  status: number;
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** A streaming reply (Server-Sent Events): called after the head is written; it owns the response until it ends it. */
  stream?: (res: ServerResponse, req: IncomingMessage) => void;
  /** What went wrong, when the reply is an error: the server logs it (the body is for the client). */
  error?: unknown;
}

export interface Route {
  /** HTTP methods it answers; others get 405 with an Allow header. HEAD is served wherever GET is. */
  methods: readonly string[];
  /** Exact path, or with `prefix` every path under it (`/v1/flows/` takes /v1/flows/<flow>/subscribe). */
  path: string;
  prefix?: boolean;
  handler: Handler;
  /** Served while the node starts (health, metrics, ping); every other route answers 503 until the node is ready. */
  whileStarting?: boolean;
  /**
   * Who may call it when authentication is on (actors/auth): `public` needs no credentials (only /health); `user` is
   * any authenticated user (the data it touches is checked by the guarded query context); `read` / `write` need that
   * right on the request's database (requestDb); unset means admin (read-write on every database), so a route that
   * forgets to say is closed, not open.
   */
  access?: RouteAccess;
  /** A query: run under the query deadline, cancellation and memory budget (limits.ts). */
  query?: boolean;
  /** How this API shapes a failure the server raises around the handler (the deadline, a thrown error); default GreptimeDB's. */
  errorReply?: (e: unknown) => HttpReply;
}

export type RouteAccess = 'public' | 'user' | 'read' | 'write' | 'admin';

/** The database a request names, as the HTTP APIs spell it: `db` (or InfluxDB v2's `bucket`) parameter, else the x-greptime-db-name header, else public. */
export function requestDb(req: IncomingMessage, url: URL): string {
  const q = url.searchParams;
  const h = req.headers['x-greptime-db-name'];
  return q.get('db') || q.get('bucket') || (typeof h === 'string' && h) || 'public';
}

export type RouteMatch =
  | { kind: 'found'; route: Route }
  | { kind: 'method'; allow: string[] }
  | { kind: 'none' };

export function json(status: number, v: unknown): HttpReply {
  return { status, body: JSON.stringify(v), contentType: 'application/json' };
}

export class RouteTable {
  private readonly exact = new Map<string, Route[]>();
  private readonly prefixes: Route[] = [];

  add(route: Route): this {
    const path = normalize(route.path);
    if (route.prefix) {
      this.prefixes.push({ ...route, path: path.endsWith('/') ? path : path + '/' });
      // Longest prefix first, so a more specific prefix wins.
      this.prefixes.sort((a, b) => b.path.length - a.path.length);
      return this;
    }
    const list = this.exact.get(path) ?? [];
    for (const m of route.methods) {
      if (list.some((r) => r.methods.includes(m))) throw new InternalError(`route ${m} ${path} is registered twice`);
    }
    list.push({ ...route, path });
    this.exact.set(path, list);
    return this;
  }

  match(method: string, rawPath: string): RouteMatch {
    const path = normalize(rawPath);
    const m = method === 'HEAD' ? 'GET' : method;
    const candidates = this.exact.get(path) ?? this.prefixes.filter((r) => path.startsWith(r.path));
    if (candidates.length === 0) return { kind: 'none' };
    const route = candidates.find((r) => r.methods.includes(m));
    if (route) return { kind: 'found', route };
    return { kind: 'method', allow: [...new Set(candidates.flatMap((r) => r.methods))] };
  }

  /** Every registered route (for a listing, and tests). */
  list(): Route[] {
    return [...[...this.exact.values()].flat(), ...this.prefixes];
  }
}

function normalize(p: string): string {
  return p.replace(/\/+$/, '') || '/';
}
