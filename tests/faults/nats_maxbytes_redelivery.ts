// Reproduction (a script, not a test) of the nats-server 2.9 behaviour that left buffered messages unapplied: a
// redelivered message that does not fit a pull's remaining max_bytes is dropped from the redelivery queue.
//   node --import tsx tests/faults/nats_maxbytes_redelivery.ts      (exit code 1 while the server drops it)
import { connect, createInbox } from '@nats-io/transport-node';
import { AckPolicy, RetentionPolicy, jetstreamManager } from '@nats-io/jetstream';
import { startNats } from '../harness/index.ts';

const server = await startNats();
const nc = await connect({ servers: server.url });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: 'S', subjects: ['s.>'], retention: RetentionPolicy.Workqueue });
await jsm.consumers.add('S', { durable_name: 'C', ack_policy: AckPolicy.Explicit, ack_wait: 2_000_000_000 });
for (let i = 0; i < 6; i++) await jsm.jetstream().publish('s.x', new Uint8Array(1000));

const inbox = createInbox();
let ack = false;
let got: number[] = [];
const statuses: string[] = [];
nc.subscribe(inbox, {
  callback: (_e, m) => {
    if (m.subject === inbox) return void statuses.push(`${m.headers?.code} ${m.headers?.description}`);
    got.push(Number(m.reply!.split('.')[5])); // $JS.ACK.<stream>.<consumer>.<delivery count>.<stream seq>...
    if (ack) m.respond(new TextEncoder().encode('+ACK'));
  },
});
const pull = (batch: number, maxBytes: number) => nc.publish('$JS.API.CONSUMER.MSG.NEXT.S.C', JSON.stringify({ batch, max_bytes: maxBytes, expires: 1e9 }), { reply: inbox });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const step = async (what: string, ms: number) => {
  await pause(ms);
  const ci = await jsm.consumers.info('S', 'C');
  console.log(`${what}: delivered [${got.join(' ')}], statuses [${statuses.join('; ')}], ack pending ${ci.num_ack_pending}`);
  const seen = got;
  got = [];
  statuses.length = 0;
  return seen;
};

pull(6, 1 << 20);
await step('1. all six delivered, none acked', 300);
ack = true;
await pause(2300); // past ack_wait: all six are due for redelivery
pull(6, 2500); // room for two of them (1,042 bytes each)
await step('2. a pull with room for two redeliveries', 300);
pull(20, 1 << 20);
const third = await step('3. a pull with room for all', 1000);
pull(20, 1 << 20);
await step('4. after another ack_wait', 2300);
await nc.close();
await server.cleanup();
console.log(third.includes(3) ? 'message 3 was redelivered on the pull after the 409' : 'message 3, the redelivery that hit the 409, was skipped by the pull that had room (nats-server drops it from its redelivery queue)');
process.exit(third.includes(3) ? 0 : 1);
