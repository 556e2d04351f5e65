// Whether this node's NATS connection is up, from its status events: writes are refused while it is down, not buffered.
import type { NatsConnection } from '@nats-io/transport-node';
import { NatsUnavailableError } from '../../core/index.ts';

/**
 * Follows one connection's status. nats.js keeps what is published while it reconnects in its outbound buffer and
 * sends it once a dial succeeds (an earlier failed dial discards it): a write made during an outage would be refused or
 * applied later depending on when the server came back. So the write path asks `requireConnected()` first (an HTTP
 * client gets 503 with Retry-After at once), and a write already in flight when the connection drops ends with an
 * error at the drop (`unlessLost`) instead of waiting for a reply that cannot come.
 */
export class NatsLink {
  private up = true;
  private readonly onLost = new Set<() => void>();

  constructor(nc: NatsConnection) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'close') this.down();
        else if (s.type === 'reconnect') this.up = true;
      }
    })().catch(() => undefined);
    void nc.closed().then(() => this.down());
  }

  get connected(): boolean {
    return this.up;
  }

  private down(): void {
    this.up = false;
    const fns = [...this.onLost];
    this.onLost.clear();
    for (const f of fns) f();
  }

  /** Throws NatsUnavailableError (HTTP 503, Retry-After) while the connection is down. */
  requireConnected(what: string): void {
    if (!this.up) throw new NatsUnavailableError(`${what} refused: the node has lost its NATS server and is reconnecting; nothing was written`);
  }

  /**
   * `call`'s outcome, or NatsUnavailableError as soon as the connection drops while it is in flight (its outcome is then
   * unknown: the request may or may not have reached the server).
   */
  unlessLost<T>(call: Promise<T>, what: string): Promise<T> {
    if (!this.up) {
      call.catch(() => undefined);
      return Promise.reject(new NatsUnavailableError(`${what}: the node has lost its NATS server; the outcome is unknown`));
    }
    let off: () => void = () => undefined;
    const lost = new Promise<never>((_, reject) => {
      const f = () => reject(new NatsUnavailableError(`${what}: the node lost its NATS server while it was in flight; the outcome is unknown`));
      this.onLost.add(f);
      off = () => this.onLost.delete(f);
    });
    call.catch(() => undefined);
    return Promise.race([call, lost]).finally(off);
  }
}

const links = new WeakMap<NatsConnection, NatsLink>();

/** The one status follower of a connection (made on first use: the node makes it right after connecting). */
export function natsLinkOf(nc: NatsConnection): NatsLink {
  let l = links.get(nc);
  if (!l) {
    l = new NatsLink(nc);
    links.set(nc, l);
  }
  return l;
}
