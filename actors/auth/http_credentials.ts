// Credentials of an HTTP request in every form the HTTP APIs document: Basic, Bearer, InfluxDB's Token and u/p, x-greptime-auth.
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, StatusCode } from '../../core/index.ts';

export type HttpCredentials =
  | { kind: 'password'; user: string; password: string }
  | { kind: 'token'; token: string }
  | { kind: 'none' };

/** The WWW-Authenticate challenge of a 401: browsers prompt for a user and password, then send them on every request. */
export const BASIC_CHALLENGE = 'Basic realm="EddyDB", charset="UTF-8"';

function basic(b64: string): HttpCredentials {
  const text = Buffer.from(b64.trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (!/^[A-Za-z0-9+/=_-]+$/.test(b64.trim()) || colon < 0) throw new AuthenticationError(StatusCode.InvalidAuthHeader, 'invalid Basic credentials: expected base64 of user:password');
  return { kind: 'password', user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** One `Authorization`-style value: `Basic <b64>`, `Bearer <token>`, or InfluxDB v2's `Token <user>:<password>`. */
function fromHeader(value: string): HttpCredentials {
  const sp = value.indexOf(' ');
  const scheme = (sp < 0 ? value : value.slice(0, sp)).toLowerCase();
  const rest = sp < 0 ? '' : value.slice(sp + 1).trim();
  if (scheme === 'basic') return basic(rest);
  if (scheme === 'bearer' && rest) return { kind: 'token', token: rest };
  if (scheme === 'token' && rest.includes(':')) {
    const colon = rest.indexOf(':');
    return { kind: 'password', user: rest.slice(0, colon), password: rest.slice(colon + 1) };
  }
  throw new AuthenticationError(StatusCode.InvalidAuthHeader, `unsupported authorization scheme '${scheme}': use Basic, Bearer, or Token user:password`);
}

/**
 * Reads the credentials of a request: `Authorization`, then GreptimeDB's `x-greptime-auth` (same forms), then
 * InfluxDB v1's `u` and `p` query parameters on /v1/influxdb paths. A malformed header is an AuthenticationError.
 */
export function httpCredentials(req: IncomingMessage, url: URL): HttpCredentials {
  for (const h of ['authorization', 'x-greptime-auth']) {
    const v = req.headers[h];
    if (typeof v === 'string' && v.trim() !== '') return fromHeader(v.trim());
  }
  if (url.pathname.startsWith('/v1/influxdb/')) {
    const u = url.searchParams.get('u');
    const p = url.searchParams.get('p');
    if (u !== null && p !== null) return { kind: 'password', user: u, password: p };
  }
  return { kind: 'none' };
}
