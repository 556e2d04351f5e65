// The one place that checks credentials and grants: authenticate(user, password), authorize(principal, db, mode), tokens, login rate limit.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AccessDeniedError, AuthenticationError, LoginRateLimitedError, StatusCode, systemClock, type Clock } from '../../core/index.ts';
import { ALL_DATABASES, type AccessMode, type Grant, type UserEntry } from './users.ts';

/** An authenticated user: what every later check is made against. */
export interface Principal {
  readonly user: string;
  readonly grants: ReadonlyMap<string, Grant>;
}

export interface AuthenticatorOptions {
  clock?: Clock;
  /** Failed logins from one client within `failureWindowMs` before it is refused (default 5 in 60 s). */
  maxFailures?: number;
  failureWindowMs?: number;
  /** How long a client that failed too often is refused (default 60 s). */
  lockMs?: number;
  /** Lifetime of a bearer token from issueToken (default 12 h). */
  tokenTtlMs?: number;
}

interface Failures { count: number; since: number; lockedUntil: number }

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
/** Bounds the failure table: past this many clients the oldest entries go. */
const MAX_TRACKED = 10_000;
const TOKEN_PREFIX = 'eddy1';

export class Authenticator {
  private readonly users = new Map<string, { entry: UserEntry; digest: Buffer; principal: Principal }>();
  private readonly failures = new Map<string, Failures>();
  private readonly clock: Clock;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  readonly tokenTtlMs: number;
  /** Compared against when the user is unknown, so an unknown name costs the same time as a wrong password. */
  private readonly decoy = sha256('eddy-decoy');

  constructor(entries: readonly UserEntry[], opts: AuthenticatorOptions = {}) {
    for (const e of entries) this.users.set(e.name, { entry: e, digest: sha256(e.password), principal: { user: e.name, grants: e.grants } });
    this.clock = opts.clock ?? systemClock;
    this.maxFailures = opts.maxFailures ?? 5;
    this.windowMs = opts.failureWindowMs ?? 60_000;
    this.lockMs = opts.lockMs ?? 60_000;
    this.tokenTtlMs = opts.tokenTtlMs ?? 12 * 3600_000;
  }

  /** Every configured user (the NATS configuration gives each one a NATS user). */
  entries(): UserEntry[] {
    return [...this.users.values()].map((u) => u.entry);
  }

  /**
   * Checks a user name and password. `client` identifies where the attempt comes from (an address): failures are
   * counted per client, and a client past the limit is refused with LoginRateLimitedError, right password or not.
   */
  authenticate(user: string, password: string, client = `user:${user}`): Principal {
    this.checkLocked(client);
    const u = this.users.get(user);
    const ok = timingSafeEqual(sha256(password), u ? u.digest : this.decoy) && u !== undefined;
    if (!ok) {
      this.fail(client);
      throw new AuthenticationError(u ? StatusCode.UserPasswordMismatch : StatusCode.UserNotFound, 'invalid user name or password');
    }
    this.failures.delete(client);
    return u.principal;
  }

  /** The principal of a user already authenticated on this connection (PostgreSQL: after its password message). */
  principalOf(user: string): Principal | undefined {
    return this.users.get(user)?.principal;
  }

  /** True when the principal may `mode` the database: its own grant, else the `*` grant. */
  can(p: Principal, db: string, mode: AccessMode): boolean {
    const g = p.grants.get(db) ?? p.grants.get(ALL_DATABASES);
    return g !== undefined && g[mode];
  }

  /** True when the principal has any right on the database (it may see that it exists). */
  sees(p: Principal, db: string): boolean {
    return this.can(p, db, 'read') || this.can(p, db, 'write');
  }

  /** Throws AccessDeniedError (403) unless the principal may `mode` the database. */
  authorize(p: Principal, db: string, mode: AccessMode): void {
    if (!this.can(p, db, mode)) throw new AccessDeniedError(`user '${p.user}' may not ${mode} database '${db}'`);
  }

  /** Read and write on every database: admin endpoints (pipelines, cluster operations) need it. */
  authorizeAdmin(p: Principal, what: string): void {
    const g = p.grants.get(ALL_DATABASES);
    if (!g || !g.read || !g.write) throw new AccessDeniedError(`user '${p.user}' may not ${what}: it needs read-write on every database`);
  }

  /**
   * A bearer token for the user: `eddy1.<user>.<expiry ms>.<mac>`, signed with a key derived from the user's password,
   * so every node with the same user file accepts it and changing the password revokes it.
   */
  issueToken(p: Principal): { token: string; expiresAt: number } {
    const u = this.users.get(p.user)!;
    const expiresAt = this.clock.now() + this.tokenTtlMs;
    const body = `${TOKEN_PREFIX}.${Buffer.from(p.user).toString('base64url')}.${expiresAt}`;
    return { token: `${body}.${this.mac(u.digest, body)}`, expiresAt };
  }

  /** The principal of a bearer token; a bad, forged or expired token counts as a failed login of `client`. */
  verifyToken(token: string, client = 'token'): Principal {
    this.checkLocked(client);
    const parts = token.split('.');
    const bad = (why: string) => {
      this.fail(client);
      return new AuthenticationError(StatusCode.InvalidAuthHeader, `invalid bearer token: ${why}`);
    };
    if (parts.length !== 4 || parts[0] !== TOKEN_PREFIX) throw bad('not an EddyDB token');
    const user = Buffer.from(parts[1]!, 'base64url').toString('utf8');
    const u = this.users.get(user);
    const body = parts.slice(0, 3).join('.');
    const want = Buffer.from(this.mac(u ? u.digest : this.decoy, body));
    const got = Buffer.from(parts[3]!);
    if (!u || want.length !== got.length || !timingSafeEqual(want, got)) throw bad('signature does not match');
    if (Number(parts[2]) <= this.clock.now()) throw bad('expired');
    this.failures.delete(client);
    return u.principal;
  }

  private mac(key: Buffer, body: string): string {
    return createHmac('sha256', key).update(body).digest('base64url');
  }

  private checkLocked(client: string): void {
    const f = this.failures.get(client);
    const now = this.clock.now();
    if (f && f.lockedUntil > now) throw new LoginRateLimitedError(Math.max(1, Math.ceil((f.lockedUntil - now) / 1000)));
  }

  private fail(client: string): void {
    const now = this.clock.now();
    let f = this.failures.get(client);
    if (!f || now - f.since > this.windowMs) {
      f = { count: 0, since: now, lockedUntil: 0 };
      this.failures.delete(client);
      if (this.failures.size >= MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(client, f);
    }
    f.count++;
    if (f.count >= this.maxFailures) f.lockedUntil = now + this.lockMs;
  }
}
