// Run as a child process by nats_connect.test.ts: a connection whose server sends its FIN, then a publish and a close
// in the window before the socket's 'close' (the order that crashed a node killed just after its nats-server).
// argv: <nats url> <plain|guarded>. Prints `connected`, then `closed cleanly` and exits 0, or dies of the uncaught error.
import { connect } from '@nats-io/transport-node';
import type { Socket } from 'node:net';
import { connectNats } from '../../../actors/runtime/nats_connect.ts';

const [url, mode] = process.argv.slice(2);
const nc = await (mode === 'guarded' ? connectNats : connect)({ servers: url, maxReconnectAttempts: -1 });
// A status follower, as the node has (NatsLink): protocol.close() then awaits it before it drops the socket's listeners.
void (async () => { for await (const _ of nc.status()) { /* follow */ } })();
// The transport's socket (internal to nats.js): only to act in the window between its 'end' and its 'close'.
const socket = (nc as unknown as { protocol: { transport: { socket: Socket } } }).protocol.transport.socket;
socket.once('end', () => {
  // Node ends the writable side one tick after 'end'; the socket is destroyed only once libuv has shut it down.
  process.nextTick(() => process.nextTick(() => {
    process.stdout.write(`window: writable=${socket.writable} ending=${socket.writableEnded} destroyed=${socket.destroyed}\n`);
    nc.publish('eddy.test.after_end', 'x');
    void nc.close();
  }));
});
process.stdout.write('connected\n');
await nc.closed();
process.stdout.write('closed cleanly\n');
