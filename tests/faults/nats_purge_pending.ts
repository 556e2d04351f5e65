// Reproduction (a script, not a test) of the nats-server 2.9 behaviour that rules out purging the buffered ingest stream
// while its consumer runs: a purge of a limits-retention stream through the consumer's ack floor makes the consumer
// forget its unacked messages above that floor (never redelivered), while deleting the acked messages one by one keeps
// them. Issue 16's "ingest stream as WAL" design must therefore drop applied messages by per-message deletes (or keep
// the work queue), not by a purge, on the servers EddyDB supports.
//   node --import tsx tests/faults/nats_purge_pending.ts      (exit code 1 while a purge loses unacked messages)
import { connect } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, RetentionPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { startNats } from '../harness/index.ts';

const server = await startNats();
const nc = await connect({ servers: server.url });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);

/** 10 messages delivered; 1-4 and 6 acked, 5 and 7-10 not; the acked ones dropped by `drop`; which come back? */
async function redeliveredAfter(name: string, drop: (acked: number[]) => Promise<void>): Promise<{ pending: number; back: number[] }> {
  await jsm.streams.add({ name, subjects: [`${name}.>`], retention: RetentionPolicy.Limits });
  await jsm.consumers.add(name, { durable_name: 'c', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 1_000_000_000 });
  for (let i = 0; i < 10; i++) await js.publish(`${name}.x`, new Uint8Array([i]));
  const consumer = await js.consumers.get(name, 'c');
  const got: JsMsg[] = [];
  for await (const m of await consumer.fetch({ max_messages: 10, expires: 5000 })) got.push(m);
  const acked = [1, 2, 3, 4, 6];
  for (const seq of acked) await got[seq - 1].ackAck();
  await drop(acked);
  const pending = (await jsm.consumers.info(name, 'c')).num_ack_pending;
  // Redelivery comes after ack_wait (1 s): the fetch waits for it, up to 3 s.
  const back: number[] = [];
  for await (const m of await consumer.fetch({ max_messages: 5, expires: 3000 })) {
    back.push(m.seq);
    m.ack();
    if (back.length === 5) break;
  }
  return { pending, back };
}

const purged = await redeliveredAfter('PURGED', async () => {
  const floor = (await jsm.consumers.info('PURGED', 'c')).ack_floor.stream_seq;
  await jsm.streams.purge('PURGED', { seq: floor + 1 });
});
const deleted = await redeliveredAfter('DELETED', async (acked) => {
  for (const seq of acked) await jsm.streams.deleteMessage('DELETED', seq, false);
});
console.log(`nats-server ${nc.info?.version}`);
console.log(`purge through the ack floor (4): ack pending ${purged.pending}, redelivered [${purged.back.join(', ')}] (expected 5, 7, 8, 9, 10)`);
console.log(`acked messages deleted one by one: ack pending ${deleted.pending}, redelivered [${deleted.back.join(', ')}]`);
await nc.close();
await server.cleanup();
process.exitCode = purged.back.length === 5 ? 0 : 1;
