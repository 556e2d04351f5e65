// The static user provider: `static_user_provider:file:<path>` and `static_user_provider:cmd:<user=pass,...>` parsed into users and grants.
import { UsageError } from '../../core/errors.ts';

/** What a request does to a database: read (queries, subscriptions) or write (writes, DDL). */
export type AccessMode = 'read' | 'write';

/** Rights on one database, or on every database (`*`). */
export interface Grant { read: boolean; write: boolean }

export interface UserEntry {
  name: string;
  password: string;
  /** By database name; `*` covers every database not named. */
  grants: Map<string, Grant>;
}

/** GreptimeDB's permission modes, and their rights. */
const MODES: Record<string, Grant> = {
  rw: { read: true, write: true },
  readwrite: { read: true, write: true },
  ro: { read: true, write: false },
  readonly: { read: true, write: false },
  wo: { read: false, write: true },
  writeonly: { read: false, write: true },
};

export const ALL_DATABASES = '*';

/**
 * One credential: `name=password` (read-write on every database), `name:mode=password` (GreptimeDB's modes rw, ro,
 * wo and their long names, on every database), or EddyDB's per-database form `name:mode@db[,mode@db...]=password`
 * (`rw@metrics,ro@logs`; `mode@*` is every database). The password is everything after the first `=`.
 * `where` names the line for the error.
 */
export function parseUserLine(line: string, where: string): UserEntry {
  const eq = line.indexOf('=');
  if (eq <= 0) throw new UsageError(`${where}: expected user=password or user:mode=password, got '${line}'`);
  const left = line.slice(0, eq);
  const password = line.slice(eq + 1);
  if (password === '') throw new UsageError(`${where}: user '${left}' has an empty password`);
  const colon = left.indexOf(':');
  const name = colon < 0 ? left : left.slice(0, colon);
  if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(name)) throw new UsageError(`${where}: user name '${name}' must be 1-64 letters, digits, '_', '.', '@' or '-'`);
  if (name.startsWith('_')) throw new UsageError(`${where}: user names starting with '_' are reserved for EddyDB's own service user`);
  const grants = new Map<string, Grant>();
  if (colon < 0) grants.set(ALL_DATABASES, { ...MODES.rw! });
  else {
    const spec = left.slice(colon + 1);
    for (const item of spec.split(',')) {
      const at = item.indexOf('@');
      const mode = (at < 0 ? item : item.slice(0, at)).trim().toLowerCase();
      const db = at < 0 ? ALL_DATABASES : item.slice(at + 1).trim();
      const g = MODES[mode];
      if (!g) throw new UsageError(`${where}: unknown permission mode '${mode}' for user '${name}' (use rw, ro or wo, optionally as mode@database)`);
      if (db === '') throw new UsageError(`${where}: '${item}' names no database after '@'`);
      const prev = grants.get(db);
      grants.set(db, { read: g.read || (prev?.read ?? false), write: g.write || (prev?.write ?? false) });
    }
  }
  return { name, password, grants };
}

/** A user file: one credential a line; blank lines and `#` comments skipped; a later line for the same user wins. */
export function parseUserFile(text: string, path: string): UserEntry[] {
  const users = new Map<string, UserEntry>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const u = parseUserLine(line, `${path}:${i + 1}`);
    users.set(u.name, u);
  });
  if (users.size === 0) throw new UsageError(`${path}: the user file names no user`);
  return [...users.values()];
}

/**
 * `--user-provider` as GreptimeDB spells it. In the `cmd:` form credentials are separated by commas; a comma inside one
 * user's per-database grants is kept (a piece without `=` continues the previous one), so passwords cannot hold a comma.
 */
export function parseUserProvider(spec: string, readFile: (path: string) => string): UserEntry[] {
  const m = /^static_user_provider:(file|cmd):(.*)$/s.exec(spec.trim());
  if (!m) throw new UsageError(`--user-provider: '${spec}' is not static_user_provider:file:<path> or static_user_provider:cmd:<user>=<password>[,...]`);
  const [, kind, rest] = m;
  if (kind === 'file') {
    let text: string;
    try {
      text = readFile(rest!);
    } catch (e) {
      throw new UsageError(`--user-provider: cannot read the user file ${rest}: ${(e as Error).message}`);
    }
    return parseUserFile(text, rest!);
  }
  const pieces: string[] = [];
  for (const p of rest!.split(',')) {
    if (pieces.length > 0 && !pieces[pieces.length - 1]!.includes('=')) pieces[pieces.length - 1] += ',' + p;
    else pieces.push(p);
  }
  const users = new Map<string, UserEntry>();
  pieces.forEach((p, i) => {
    const u = parseUserLine(p.trim(), `--user-provider cmd credential ${i + 1}`);
    users.set(u.name, u);
  });
  if (users.size === 0) throw new UsageError('--user-provider: the cmd form names no user');
  return [...users.values()];
}
