// The embedded nats-server's `authorization` block: an internal service user for EddyDB's actors, one NATS user per EddyDB user.
import { randomBytes } from 'node:crypto';
import { databaseSubjects, userInboxAll } from '../../core/index.ts';
import type { UserEntry } from './users.ts';

/** The NATS user EddyDB's own actors connect as; user names starting with '_' are reserved for it (users.ts). */
export const SERVICE_USER = '_eddy_service';

export interface NatsCredentials { user: string; pass: string }

/** A fresh service password, made at each start and written only to the server's config (mode 0600). */
export function serviceCredentials(): NatsCredentials {
  return { user: SERVICE_USER, pass: randomBytes(24).toString('base64url') };
}

/**
 * Each user's NATS permissions: publish to the write subjects of databases it may write, subscribe to the read ones
 * (and announce there its live tail interest and its eddy.changes interest),
 * plus its own inbox (`_INBOX_<user>.>`, never the shared `_INBOX.>`: that would let it read other users' replies).
 */
export function natsPermissions(u: UserEntry): { publish: string[]; subscribe: string[] } {
  const publish = new Set<string>();
  const subscribe = new Set<string>([userInboxAll(u.name)]);
  for (const [db, g] of u.grants) {
    const s = databaseSubjects(db);
    if (g.write) s.write.forEach((x) => publish.add(x));
    if (g.read) s.read.forEach((x) => subscribe.add(x));
    if (g.read) s.announce.forEach((x) => publish.add(x));
    if (g.read || g.write) s.errors.forEach((x) => subscribe.add(x));
  }
  return { publish: [...publish], subscribe: [...subscribe] };
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;

/**
 * The `authorization { users = [...] }` block: the service user may do everything; an EddyDB user gets its own
 * subjects only (nothing else is allowed, JetStream's API included), and a connection without credentials is refused.
 */
export function natsAuthorization(users: readonly UserEntry[], service: NatsCredentials): string {
  const lines = [`    { user: ${q(service.user)}, password: ${q(service.pass)} }`];
  for (const u of users) {
    const p = natsPermissions(u);
    const pub = p.publish.length ? `publish: { allow: ${list(p.publish)} }` : 'publish: { deny: [">"] }';
    lines.push(`    { user: ${q(u.name)}, password: ${q(u.password)}, permissions: { ${pub}, subscribe: { allow: ${list(p.subscribe)} } } }`);
  }
  return ['authorization {', '  users = [', lines.join(',\n'), '  ]', '}'].join('\n');
}
