// Request parameters of the Prometheus HTTP API: query string and form body merged, the database, and the wrapper that
// answers any failure in Prometheus's error JSON.
import type { IncomingMessage } from 'node:http';
import type { HttpReply } from '../http/routes.ts';
import { PromBadData, promErrorOf } from './format.ts';

export async function paramsOf(req: IncomingMessage, url: URL, body: () => Promise<Buffer>): Promise<URLSearchParams> {
  const p = new URLSearchParams(url.search);
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const buf = await body();
    if (buf.length && (type === '' || type.includes('x-www-form-urlencoded'))) {
      for (const [k, v] of new URLSearchParams(buf.toString('utf8'))) p.append(k, v);
    }
  }
  return p;
}

export function dbOf(req: IncomingMessage, p: URLSearchParams): string {
  const h = req.headers['x-greptime-db-name'];
  return p.get('db') || (typeof h === 'string' && h) || 'public';
}

export type ApiHandler = (p: URLSearchParams, db: string, req: IncomingMessage, url: URL) => Promise<HttpReply>;

export function wrap(h: ApiHandler): (req: IncomingMessage, url: URL, body: () => Promise<Buffer>) => Promise<HttpReply> {
  return async (req, url, body) => {
    try {
      const p = await paramsOf(req, url, body);
      return await h(p, dbOf(req, p), req, url);
    } catch (e) {
      return promErrorOf(e);
    }
  };
}


/** The `limit` parameter (Prometheus 2.49+): a non-negative integer, 0 or absent meaning none. */
export function limitOf(p: URLSearchParams, name = 'limit'): number {
  const s = p.get(name);
  if (s === null || s === '') return 0;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new PromBadData(`invalid parameter "${name}": cannot parse "${s}" to a non-negative integer`);
  return n;
}
