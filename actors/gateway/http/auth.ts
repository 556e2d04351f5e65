// Authentication of an HTTP request and the route-level permission check; the rules themselves live in actors/auth.
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, StatusCode } from '../../../core/index.ts';
import { httpCredentials, type Authenticator, type Principal } from '../../auth/index.ts';
import { requestDb, type Route } from './routes.ts';

/** The principal of a request's credentials; failures are counted per client address (rate limit). */
export function principalOf(auth: Authenticator, req: IncomingMessage, url: URL): Principal {
  const c = httpCredentials(req, url);
  const client = `addr:${req.socket?.remoteAddress ?? 'unknown'}`;
  if (c.kind === 'password') return auth.authenticate(c.user, c.password, client);
  if (c.kind === 'token') return auth.verifyToken(c.token, client);
  throw new AuthenticationError(StatusCode.AuthHeaderNotFound, 'authentication required: send Authorization: Basic <base64 user:password> or Bearer <token>');
}

/** The route's own requirement (RouteAccess): a right on the request's database, or admin. */
export function authorizeRoute(auth: Authenticator, p: Principal, route: Route, req: IncomingMessage, url: URL): void {
  const access = route.access ?? 'admin';
  if (access === 'read' || access === 'write') auth.authorize(p, requestDb(req, url), access);
  else if (access === 'admin') auth.authorizeAdmin(p, `use ${url.pathname}`);
}
