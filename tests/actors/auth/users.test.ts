// The static user provider's file and cmd forms, the authenticator's checks, tokens and login rate limit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Authenticator, parseUserFile, parseUserLine, parseUserProvider } from '../../../actors/auth/index.ts';
import { SimulatedClock, StatusCode, UsageError } from '../../../core/index.ts';

describe('user provider', () => {
  it("reads GreptimeDB's forms: user=password and user:mode=password", () => {
    const users = parseUserFile('# users\nadmin=admin_pwd\nalice:readonly=aaa\n\nbob:wo=bbb\n', 'users.txt');
    expect(users.map((u) => u.name)).toEqual(['admin', 'alice', 'bob']);
    expect(users[1]!.grants.get('*')).toEqual({ read: true, write: false });
    expect(users[2]!.grants.get('*')).toEqual({ read: false, write: true });
    expect(users[0]!.grants.get('*')).toEqual({ read: true, write: true });
  });

  it('reads per-database grants and keeps = inside the password', () => {
    const u = parseUserLine('carol:rw@metrics,ro@logs=p=ss', 'x');
    expect(u.password).toBe('p=ss');
    expect(Object.fromEntries(u.grants)).toEqual({ metrics: { read: true, write: true }, logs: { read: true, write: false } });
  });

  it('names the file and line of a mistake', () => {
    expect(() => parseUserFile('ok=1\nnot a credential\n', '/etc/eddy/users')).toThrow(/\/etc\/eddy\/users:2: expected user=password/);
    expect(() => parseUserFile('x:admin=1\n', 'f')).toThrow(/f:1: unknown permission mode 'admin'/);
    expect(() => parseUserFile('\n# none\n', 'f')).toThrow(/names no user/);
    expect(() => parseUserFile('_eddy_service=x\n', 'f')).toThrow(/f:1: user names starting with '_' are reserved/);
  });

  it('cmd form: comma-separated credentials, grants with commas kept together', () => {
    const users = parseUserProvider('static_user_provider:cmd:alice:rw@a,ro@b=pa,bob=pb', () => '');
    expect(users.map((u) => [u.name, u.password])).toEqual([['alice', 'pa'], ['bob', 'pb']]);
    expect(users[0]!.grants.size).toBe(2);
    expect(() => parseUserProvider('plain:cmd:a=b', () => '')).toThrow(UsageError);
    expect(() => parseUserProvider('static_user_provider:file:/nope', () => { throw new Error('ENOENT'); })).toThrow(/cannot read the user file \/nope: ENOENT/);
  });

  it('fuzz: any line either parses to a user whose password is the text after the first = or is a UsageError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (line) => {
      try {
        const u = parseUserLine(line, 'fuzz');
        expect(u.password).toBe(line.slice(line.indexOf('=') + 1));
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
      }
    }), { numRuns: 2000 });
  });
});

describe('Authenticator', () => {
  const users = parseUserFile('admin=secret\nalice:rw@metrics,ro@logs=aaa\n', 'f');

  it('authenticates, authorizes by database and mode, and never says which part was wrong', () => {
    const a = new Authenticator(users);
    const alice = a.authenticate('alice', 'aaa');
    expect(a.can(alice, 'metrics', 'write')).toBe(true);
    expect(a.can(alice, 'logs', 'read')).toBe(true);
    expect(a.can(alice, 'logs', 'write')).toBe(false);
    expect(a.can(alice, 'public', 'read')).toBe(false);
    expect(() => a.authorize(alice, 'logs', 'write')).toThrow("user 'alice' may not write database 'logs'");
    expect(() => a.authorizeAdmin(alice, 'x')).toThrow(/read-write on every database/);
    a.authorizeAdmin(a.authenticate('admin', 'secret'), 'x');
    let e1: unknown, e2: unknown;
    try { a.authenticate('alice', 'bad'); } catch (e) { e1 = e; }
    try { a.authenticate('nobody', 'bad'); } catch (e) { e2 = e; }
    expect((e1 as Error).message).toBe((e2 as Error).message);
    expect((e1 as { code: number }).code).toBe(StatusCode.UserPasswordMismatch);
  });

  it('locks a client out after repeated failures, even with the right password, until the lock passes', () => {
    const clock = new SimulatedClock(1_000_000);
    const a = new Authenticator(users, { clock, maxFailures: 3, lockMs: 30_000 });
    for (let i = 0; i < 3; i++) expect(() => a.authenticate('alice', 'x', 'addr:1')).toThrow(/invalid user name or password/);
    expect(() => a.authenticate('alice', 'aaa', 'addr:1')).toThrow(/too many failed logins; retry in 30 s/);
    // another client is not affected
    expect(a.authenticate('alice', 'aaa', 'addr:2').user).toBe('alice');
    clock.advance(30_001);
    expect(a.authenticate('alice', 'aaa', 'addr:1').user).toBe('alice');
  });

  it('bearer tokens: valid until they expire, refused when forged or when the password changed', () => {
    const clock = new SimulatedClock(5_000);
    const a = new Authenticator(users, { clock, tokenTtlMs: 60_000 });
    const { token } = a.issueToken(a.authenticate('alice', 'aaa'));
    expect(a.verifyToken(token).user).toBe('alice');
    const forged = token.replace(/\.[^.]+$/, '.AAAA');
    expect(() => a.verifyToken(forged)).toThrow(/signature does not match/);
    const other = new Authenticator(parseUserFile('alice=changed\n', 'f'), { clock });
    expect(() => other.verifyToken(token)).toThrow(/signature does not match/);
    clock.advance(60_000);
    expect(() => a.verifyToken(token)).toThrow(/expired/);
  });
});
