// The PostgreSQL gateway: a TCP server with one PgConnection (and session) per client, and the backend keys that
// CancelRequests name.
import { createServer, type Server } from 'node:net';
import { randomInt } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { PgConnection, type ConnectionDeps } from './connection.ts';

export interface PgServerOptions extends Pick<ConnectionDeps, 'contextOf' | 'authenticate' | 'logger' | 'queryTimeoutMs' | 'queryMemoryBytes'> {
  /** PEM certificate (chain) and key: SSLRequests are accepted and sessions run inside TLS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export class PgServer {
  private readonly server: Server;
  private readonly byPid = new Map<number, PgConnection>();
  private readonly open = new Set<PgConnection>();
  private nextPid = 1;

  constructor(private readonly opts: PgServerOptions) {
    const tls = opts.tls ? createSecureContext({ cert: opts.tls.cert, key: opts.tls.key }) : undefined;
    this.server = createServer((socket) => {
      const conn = new PgConnection(socket, {
        contextOf: opts.contextOf,
        ...(opts.authenticate ? { authenticate: opts.authenticate } : {}),
        ...(opts.queryTimeoutMs ? { queryTimeoutMs: opts.queryTimeoutMs } : {}),
        ...(opts.queryMemoryBytes ? { queryMemoryBytes: opts.queryMemoryBytes } : {}),
        logger: opts.logger,
        ...(tls ? { tls } : {}),
        register: (c) => {
          const key = { pid: this.nextPid++, secret: randomInt(0x7fffffff) };
          this.byPid.set(key.pid, c);
          return key;
        },
        unregister: (c) => {
          this.open.delete(c);
          if (this.byPid.get(c.key.pid) === c) this.byPid.delete(c.key.pid);
        },
        cancel: (pid, secret) => this.cancel(pid, secret),
      });
      this.open.add(conn);
    });
  }

  /** Sessions with a backend key (authenticated), for pg_stat_activity-like views. */
  get sessions(): number {
    return this.byPid.size;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address() as { address: string; port: number };
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  /** A CancelRequest: acted on only when both the process id and the secret match, as PostgreSQL does. */
  cancel(pid: number, secret: number): void {
    const c = this.byPid.get(pid);
    if (c && c.key.secret === secret) c.cancel();
  }

  /** Stops accepting, tells every client the server is going away, and waits for the sockets to close. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.open].map((c) => c.terminate()));
    await closed;
  }
}
