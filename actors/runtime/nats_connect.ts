// The node's NATS connections: nats.js's Node transport with one guard, so a stop racing the server's exit cannot crash.
import { NatsConnectionImpl, setTransportFactory, type NatsConnection } from '@nats-io/transport-node';
import type { NodeConnectionOptions } from '@nats-io/transport-node/lib/connect.js';
import { NodeTransport, nodeResolveHost } from '@nats-io/transport-node/lib/node_transport.js';

/**
 * nats.js 3.4's NodeTransport writes to its socket without asking whether the socket can still be written. When the
 * server goes away (its FIN arrives), Node ends the socket's writable side a tick after 'end'; the socket is destroyed
 * and 'close' (where the transport learns it is closed) comes only once libuv has shut it down. A frame sent in that
 * window (a publish, an UNSUB, a PING flush queued in a microtask) fails with ERR_STREAM_WRITE_AFTER_END (not Node's
 * EPIPE: the transport's removeAllListeners() also removed Node's own 'end' listener), and the socket emits that error
 * on the next tick. If a close of the connection removes the socket's listeners in between (protocol.close() does,
 * after awaiting its status iterators, within the same microtask run), the 'error' has no listener and the process
 * dies with an uncaught exception. Seen when the embedded nats-server was killed just before the node's SIGTERM.
 *
 * The guard: a frame for a socket that is no longer writable (ending, ended, errored or destroyed) is dropped, as
 * nats.js already drops frames once it knows the transport is closed. Nothing is lost that could have been sent, and
 * what was in flight is failed by the connection's close/reconnect as for any other drop.
 */
export class GuardedNodeTransport extends NodeTransport {
  override _send(frame: Uint8Array): Promise<void> {
    if (this.socket !== undefined && !this.socket.writable) return Promise.resolve();
    return super._send(frame);
  }
}

/**
 * `connect` of @nats-io/transport-node, with the guarded transport. The transport factory is global to nats.js and is
 * read at every dial (reconnects too), so every connection the node process makes goes through here.
 */
export function connectNats(opts: NodeConnectionOptions = {}): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new GuardedNodeTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(opts);
}
