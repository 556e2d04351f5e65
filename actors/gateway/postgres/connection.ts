// One client connection: startup (SSL/GSSENC refused, cancel requests, password or trust), then the simple and
// extended query protocols over one PgSession. Messages are handled one at a time, in order; output is buffered and
// written with backpressure.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { once } from 'node:events';
import { LoginRateLimitedError, parseSql } from '../../../core/index.ts';
import { executeStatement, executeTracked, relToOutput, type QueryContext } from '../../../core/query/index.ts';
import { stringRel } from '../../../core/query/plan/rel.ts';
import {
  BackendWriter, FrameReader, PgParameterError, PgProtocolError, bindParameters, errorFields, findPlaceholders, inferParameterTypes, sslAnswer,
  splitStatements, normalizePgSql, type AnyFrontendMessage, type ErrorFields, type FrontendMessage,
} from '../../../core/pgwire/index.ts';
import { PgSession, REPORTED, sessionCommand, type Portal, type PortalResult, type SessionCommand } from './session.ts';
import { ROW_STATEMENTS, commandTag, rowDescription, writeRows } from './results.ts';
import { describeStatement } from './describe.ts';
import { StatementRun } from './statement_limits.ts';
import type { Logger } from '../../runtime/logger.ts';

export interface ConnectionDeps {
  /** The session's query context; `user` is the authenticated user (its grants are checked when authentication is on). */
  contextOf(db: string, user: string): QueryContext;
  /**
   * Password check; absent: trust (every user is let in). Resolves when the password is right; rejects with the
   * failure (LoginRateLimitedError once a user failed too often, which the client is told).
   */
  authenticate?: (user: string, password: string) => Promise<void>;
  /** --query-timeout in ms (0: none): each session's default statement_timeout. */
  queryTimeoutMs?: () => number;
  /** --query-memory-mb in bytes (0: no budget): scanned data one statement may hold. */
  queryMemoryBytes?: () => number;
  /** Registers the connection's backend key so a CancelRequest can find it; returns the key. */
  register(conn: PgConnection): { pid: number; secret: number };
  unregister(conn: PgConnection): void;
  cancel(pid: number, secret: number): void;
  logger: Logger;
  /** TLS: an SSLRequest is answered 'S' and the connection goes on inside TLS; absent: 'N'. */
  tls?: SecureContext;
}

type Phase = 'startup' | 'password' | 'ready' | 'closed';

export class PgConnection {
  private readonly reader = new FrameReader();
  private readonly out = new BackendWriter();
  private phase: Phase = 'startup';
  private busy = false;
  /** After an error in the extended protocol, messages are skipped until Sync. */
  private skipping = false;
  session: PgSession | null = null;
  key = { pid: 0, secret: 0 };
  private startup: Record<string, string> = {};
  /** The text an extended-protocol error's position refers to. */
  private errorSql: string | undefined;

  private socket: Socket;
  private readonly onData = (chunk: Buffer) => {
    this.reader.push(chunk);
    void this.pump();
  };
  private readonly onGone = () => this.close();

  constructor(socket: Socket, private readonly deps: ConnectionDeps) {
    this.socket = socket;
    socket.setNoDelay(true);
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onGone);
    socket.on('close', this.onGone);
  }

  /** After 'S': the same connection, now reading and writing through TLS (the client sends its handshake next). */
  private startTls(ctx: SecureContext): void {
    const raw = this.socket;
    raw.off('data', this.onData);
    raw.off('error', this.onGone);
    raw.off('close', this.onGone);
    const secure = new TLSSocket(raw, { isServer: true, secureContext: ctx });
    this.socket = secure;
    this.attach(secure);
  }

  /** Handles every whole message received, one at a time. */
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (;;) {
        if (this.phase === 'closed') return;
        let m: AnyFrontendMessage | null;
        try {
          m = this.reader.next();
        } catch (e) {
          await this.fatal(errorFields(e));
          return;
        }
        if (!m) break;
        await this.handle(m);
      }
    } catch (e) {
      this.deps.logger.error('postgres.connection', `connection ${this.key.pid} failed: ${(e as Error).message}`);
      await this.fatal({ severity: 'FATAL', code: 'XX000', message: (e as Error).message });
    } finally {
      this.busy = false;
    }
  }

  private async handle(m: AnyFrontendMessage): Promise<void> {
    switch (m.type) {
      case 'ssl_request':
        if (this.deps.tls && !(this.socket instanceof TLSSocket) && this.reader.pending === 0) {
          this.socket.write(sslAnswer(true));
          this.startTls(this.deps.tls);
          return;
        }
        // Without TLS configured: 'N', and the client goes on in the clear (or gives up, as it chooses).
        this.socket.write(sslAnswer(false));
        return;
      case 'gssenc_request':
        // No GSSAPI encryption: 'N'.
        this.socket.write(sslAnswer(false));
        return;
      case 'cancel_request':
        this.deps.cancel(m.pid, m.secret);
        this.close();
        return;
      case 'startup': return this.onStartup(m.params);
      default: break;
    }
    if (this.phase === 'password') {
      if (m.type !== 'password') return this.fatal({ severity: 'FATAL', code: '08P01', message: `expected a password message, got ${m.type}` });
      const user = this.startup.user!;
      try {
        await this.deps.authenticate!(user, m.password);
      } catch (e) {
        // PostgreSQL has no SQLSTATE of its own for a locked-out login: 28P01, with the wait in the message and a hint
        if (e instanceof LoginRateLimitedError) {
          return this.fatal({ severity: 'FATAL', code: '28P01', message: `too many failed login attempts for user "${user}"; try again in ${e.retryAfterS} s`, hint: 'Logins of a user are refused for a while after 5 failures within a minute.' });
        }
        // never which of the name or the password was wrong
        return this.fatal({ severity: 'FATAL', code: '28P01', message: `password authentication failed for user "${user}"` });
      }
      return this.ready();
    }
    if (this.phase !== 'ready') return;
    if (this.skipping && m.type !== 'sync') return;
    this.errorSql = undefined;
    try {
      await this.message(m);
    } catch (e) {
      // positions refer to the statement's text (with its parameters bound, in the extended protocol)
      this.out.error(errorFields(e, this.errorSql));
      if (m.type !== 'query') this.skipping = true;
    }
    if (this.out.size > 64 * 1024) await this.flush();
  }

  private async onStartup(params: Record<string, string>): Promise<void> {
    this.startup = params;
    if (this.deps.authenticate) {
      this.phase = 'password';
      this.out.authCleartextPassword();
      await this.flush();
      return;
    }
    await this.ready();
  }

  /** After authentication: the session on its database, parameters, key, ReadyForQuery. */
  private async ready(): Promise<void> {
    const user = this.startup.user!;
    let db = this.startup.database || user;
    if (db.startsWith('greptime-')) db = db.slice('greptime-'.length);
    let ctx: QueryContext;
    try {
      ctx = this.deps.contextOf(db, user);
    } catch (e) {
      return this.fatal({ ...errorFields(e), severity: 'FATAL' });
    }
    const dbs = await ctx.listDatabases();
    if (!dbs.includes(db) && db !== 'information_schema') {
      return this.fatal({ severity: 'FATAL', code: '3D000', message: `database "${db}" does not exist` });
    }
    try {
      this.session = new PgSession(ctx, user, this.startup, this.deps.queryTimeoutMs?.() ?? 0);
    } catch (e) {
      return this.fatal({ ...errorFields(e), severity: 'FATAL' });
    }
    this.phase = 'ready';
    this.key = this.deps.register(this);
    const session = this.session;
    Object.assign(ctx, { channel: 'postgres', backendPid: this.key.pid, settings: () => session.all() });
    this.out.authOk();
    for (const name of REPORTED) {
      const p = this.session.reported(name);
      if (p) this.out.parameterStatus(p[0], p[1]);
    }
    this.out.backendKeyData(this.key.pid, this.key.secret);
    this.out.readyForQuery(this.session.tx);
    await this.flush();
  }

  private async message(m: FrontendMessage): Promise<void> {
    const s = this.session!;
    switch (m.type) {
      case 'query': return this.simpleQuery(m.sql);
      case 'parse': {
        if (m.name !== '' && s.statements.has(m.name)) throw new PgParameterError(`prepared statement "${m.name}" already exists`, '42P05');
        this.errorSql = m.sql;
        const parts = splitStatements(m.sql);
        if (parts.length > 1) throw new PgParameterError('cannot insert multiple commands into a prepared statement', '42601');
        const sites = findPlaceholders(m.sql);
        const paramTypes = inferParameterTypes(m.sql, sites, m.paramTypes);
        // syntax errors are reported at Parse, with the parameters standing in as NULL
        if (parts.length === 1 && !sessionCommand(m.sql)) parseSql(normalizePgSql(bindParameters(m.sql, sites, paramTypes, [], paramTypes.map(() => null))));
        s.statements.set(m.name, { sql: m.sql, sites, paramTypes });
        this.out.parseComplete();
        return;
      }
      case 'bind': {
        const st = s.statements.get(m.statement);
        if (!st) throw new PgParameterError(`prepared statement "${m.statement}" does not exist`, '26000');
        if (m.portal !== '' && s.portals.has(m.portal)) throw new PgParameterError(`portal "${m.portal}" already exists`, '42P03');
        const sql = bindParameters(st.sql, st.sites, st.paramTypes, m.paramFormats, m.params);
        s.portals.set(m.portal, { sql, resultFormats: m.resultFormats, result: null, sent: 0 });
        this.out.bindComplete();
        return;
      }
      case 'describe': {
        if (m.kind === 'S') {
          const st = s.statements.get(m.name);
          if (!st) throw new PgParameterError(`prepared statement "${m.name}" does not exist`, '26000');
          this.out.parameterDescription(st.paramTypes);
          const sql = bindParameters(st.sql, st.sites, st.paramTypes, [], st.paramTypes.map(() => null));
          const r = await this.describeRun(sql);
          if (r?.kind === 'output' && r.output.kind === 'records') this.out.rowDescription(rowDescription(r.output, []));
          else this.out.noData();
          return;
        }
        const p = this.portal(m.name);
        this.errorSql = p.sql;
        // the bound statement's columns without running it (Execute runs it): as Describe of a prepared statement
        const r = p.result ?? await this.statement(() => this.describeRun(p.sql));
        if (r?.kind === 'output' && r.output.kind === 'records') this.out.rowDescription(rowDescription(r.output, p.resultFormats));
        else this.out.noData();
        return;
      }
      case 'execute': {
        const p = this.portal(m.portal);
        this.errorSql = p.sql;
        await this.statement(async () => {
          p.result ??= await this.runOne(p.sql);
          await this.writeResult(p.result, p, m.maxRows, false);
        });
        return;
      }
      case 'close': {
        if (m.kind === 'S') s.statements.delete(m.name);
        else s.portals.delete(m.name);
        this.out.closeComplete();
        return;
      }
      case 'sync':
        this.skipping = false;
        s.portals.delete('');
        this.out.readyForQuery(s.tx);
        await this.flush();
        return;
      case 'flush': await this.flush(); return;
      case 'terminate': this.close(); return;
      case 'password': throw new PgProtocolError('unexpected password message outside authentication');
      default: throw new PgParameterError(`${m.type.replace('_', ' ')} is not supported by EddyDB`, '0A000');
    }
  }

  private portal(name: string): Portal {
    const p = this.session!.portals.get(name);
    if (!p) throw new PgParameterError(`portal "${name}" does not exist`, '34000');
    return p;
  }

  private returnsRows(sql: string): boolean {
    const cmd = sessionCommand(sql);
    if (cmd) return cmd.kind === 'show';
    if (splitStatements(sql).length === 0) return false;
    const st = parseSql(normalizePgSql(sql));
    return st.length > 0 && ROW_STATEMENTS.has(st[0]!.type);
  }

  /**
   * The columns of a row-returning prepared statement for Describe, without running it: it runs against a context
   * whose scans read nothing and that refuses changes (describe.ts). TQL runs: its columns are the labels of the
   * series found. An ADMIN function that acts cannot be described (NoData).
   */
  private async describeRun(sql: string): Promise<PortalResult | null> {
    if (!this.returnsRows(sql)) return null;
    const cmd = sessionCommand(sql);
    if (cmd) return this.sessionCommand(cmd);
    const [st] = parseSql(normalizePgSql(sql));
    const output = st!.type === 'tql' ? await executeStatement(this.session!.ctx, st!) : await describeStatement(this.session!.ctx, st!);
    return output ? { kind: 'output', output, tag: 'SELECT 0' } : null;
  }

  /**
   * Runs one statement (its execution and its output) under its limits: statement_timeout, a CancelRequest, the
   * memory budget. Its scans see the limits through the session's context (limitContext reads them at each scan);
   * the output checks them between batches.
   */
  private async statement<T>(fn: () => Promise<T>): Promise<T> {
    const s = this.session!;
    const run = new StatementRun(s.timeoutMs, this.deps.queryMemoryBytes?.() ?? 0);
    const outer = s.ctx.signal;
    s.current = run;
    s.ctx.signal = run.signal;
    try {
      return await fn();
    } finally {
      run.done();
      s.current = null;
      s.ctx.signal = outer;
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    const s = this.session!;
    const parts = splitStatements(sql);
    if (parts.length === 0) this.out.emptyQuery();
    for (const part of parts) {
      try {
        await this.statement(async () => {
          for (const r of await this.run(part.text)) await this.writeResult(r, null, 0, true);
        });
      } catch (e) {
        const f = errorFields(e, part.text);
        if (f.position !== undefined) f.position += part.offset;
        this.out.error(f);
        break;
      }
    }
    this.out.readyForQuery(s.tx);
    await this.flush();
  }

  private async runOne(sql: string): Promise<PortalResult> {
    if (splitStatements(sql).length === 0) return { kind: 'empty' };
    const [r] = await this.run(sql);
    return r ?? { kind: 'empty' };
  }

  /** Runs one statement's text: a session command, or SQL through the engine (as /v1/sql runs it). */
  private async run(written: string): Promise<PortalResult[]> {
    const s = this.session!;
    const cmd = sessionCommand(written);
    if (cmd) return [await this.sessionCommand(cmd)];
    const text = normalizePgSql(written);
    const out: PortalResult[] = [];
    const statements = parseSql(text);
    for (const st of statements) {
      // in the process list (information_schema.process_list, KILL) as /v1/sql's statements are
      const exec = () => executeTracked(s.ctx, st, statements.length === 1 ? written.trim() : text.trim());
      // execution is raced against the statement's abort (answered at once, the work stops at its next scan); output is not
      const output = s.current ? await s.current.run(exec) : await exec();
      s.current?.check();
      out.push(output.kind === 'records' ? { kind: 'output', output, tag: `SELECT ${output.rel.len}` } : { kind: 'command', tag: commandTag(st, output) });
    }
    return out;
  }

  private async sessionCommand(cmd: SessionCommand): Promise<PortalResult> {
    const s = this.session!;
    switch (cmd.kind) {
      case 'begin': s.tx = 'T'; return { kind: 'command', tag: 'BEGIN' };
      case 'commit': s.tx = 'I'; return { kind: 'command', tag: 'COMMIT' };
      case 'rollback': s.tx = 'I'; return { kind: 'command', tag: 'ROLLBACK' };
      case 'discard': s.statements.clear(); s.portals.clear(); s.ctx.prepared?.clear(); return { kind: 'command', tag: 'DISCARD ALL' };
      case 'deallocate':
        // the protocol's statements and those of SQL PREPARE share one namespace, as in PostgreSQL
        if (cmd.name === null) { s.statements.clear(); s.ctx.prepared?.clear(); }
        else if (!s.statements.delete(cmd.name) && !s.ctx.prepared?.delete(cmd.name)) throw new PgParameterError(`prepared statement "${cmd.name}" does not exist`, '26000');
        return { kind: 'command', tag: cmd.name === null ? 'DEALLOCATE ALL' : 'DEALLOCATE' };
      case 'set':
        s.set(cmd.name, cmd.value);
        await this.followDatabase();
        return { kind: 'command', tag: 'SET' };
      case 'reset':
        if (cmd.name.toLowerCase() === 'all') for (const n of ['timezone', 'application_name', 'search_path', 'statement_timeout']) s.reset(n);
        else s.reset(cmd.name);
        await this.followDatabase();
        return { kind: 'command', tag: 'RESET' };
      case 'show': {
        if (cmd.name.toLowerCase() === 'all') {
          const rows = s.all().map((v) => [v.name, v.value, '']);
          return { kind: 'output', output: relToOutput(stringRel(['name', 'setting', 'description'], rows)), tag: `SHOW` };
        }
        const name = /^transaction isolation level$/i.test(cmd.name) ? 'transaction_isolation' : /^time[ _]zone$/i.test(cmd.name) ? 'TimeZone' : cmd.name;
        const value = s.get(name) ?? '';
        return { kind: 'output', output: relToOutput(stringRel([name.toLowerCase() === 'timezone' ? 'TimeZone' : name.toLowerCase()], [[value]])), tag: 'SHOW' };
      }
    }
  }

  /** `SET search_path` to a database switches to it (a schema is a database in EddyDB); an unknown one is left alone, as PostgreSQL does. */
  private async followDatabase(): Promise<void> {
    const s = this.session!;
    const db = s.pendingDatabase;
    s.pendingDatabase = null;
    if (db && (await s.ctx.listDatabases()).includes(db)) {
      s.ctx.db = db;
      s.ctx.useDatabase?.(db);
    }
  }

  /** RowDescription (simple protocol), the DataRows up to maxRows, then CommandComplete or PortalSuspended. */
  private async writeResult(r: PortalResult, portal: Portal | null, maxRows: number, describe: boolean): Promise<void> {
    const s = this.session!;
    if (r.kind === 'empty') { this.out.emptyQuery(); return; }
    if (r.kind === 'command') { this.out.commandComplete(r.tag); this.reportChanges(); return; }
    const output = r.output;
    if (output.kind !== 'records') { this.out.commandComplete(r.tag); return; }
    const formats = portal?.resultFormats ?? [];
    if (describe) this.out.rowDescription(rowDescription(output, formats));
    const from = portal?.sent ?? 0;
    const to = maxRows > 0 ? Math.min(output.rel.len, from + maxRows) : output.rel.len;
    await writeRows(this.out, output, formats, from, to, s.offset(), async () => {
      await this.flush();
      // let a CancelRequest on another connection (or the statement's timer) be seen between batches
      await new Promise((resolve) => setImmediate(resolve));
      s.current?.check();
    });
    if (portal) portal.sent = to;
    if (to < output.rel.len) this.out.portalSuspended();
    else this.out.commandComplete(r.tag === 'SHOW' ? 'SHOW' : `SELECT ${output.rel.len}`);
  }

  private reportChanges(): void {
    const s = this.session!;
    for (const name of s.changed) {
      const p = s.reported(name);
      if (p) this.out.parameterStatus(p[0], p[1]);
    }
    s.changed.clear();
  }

  /** A CancelRequest with this connection's key: the running statement stops (57014); none running: nothing happens. */
  cancel(): void {
    this.session?.current?.cancel();
  }

  /** Writes what is buffered, waiting while the socket's buffer is full. */
  async flush(): Promise<void> {
    if (this.out.size === 0 || this.phase === 'closed') return;
    const bytes = this.out.take();
    if (!this.socket.write(bytes)) {
      await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]);
    }
  }

  private async fatal(f: ErrorFields): Promise<void> {
    this.out.error({ ...f, severity: 'FATAL' });
    await this.flush().catch(() => undefined);
    this.close();
  }

  /** Server shutdown: FATAL 57P01 to the client, then the socket closes. */
  async terminate(): Promise<void> {
    if (this.phase === 'closed') return;
    await this.fatal({ severity: 'FATAL', code: '57P01', message: 'terminating connection due to administrator command' });
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.deps.unregister(this);
    this.socket.end();
    this.socket.destroySoon?.();
  }
}
