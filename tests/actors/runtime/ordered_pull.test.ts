// pullOrdered against a real nats-server: a slow consumer is not a stall; a server that goes quiet is.
import { describe, expect, it } from 'vitest';
import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { isStall, pullOrdered } from '../../../actors/runtime/ordered_pull.ts';
import { natsPerFile } from '../../harness/index.ts';

const nats = natsPerFile();

async function streamWith(name: string, n: number) {
  const jsm = await jetstreamManager(nats.nc);
  await jsm.streams.add({ name, subjects: [`${name}.>`] });
  await jsm.consumers.add(name, { durable_name: 'c', ack_policy: AckPolicy.Explicit, ack_wait: 30_000_000_000 });
  const js = jetstream(nats.nc);
  for (let i = 0; i < n; i++) await js.publish(`${name}.x`, String(i));
  return js.consumers.get(name, 'c');
}

describe('pullOrdered', () => {
  it('a consumer slower than two heartbeat intervals gets every message in order, with no stall reported', async () => {
    const consumer = await streamWith('OP_SLOW', 20);
    const seen: number[] = [];
    // The first message takes three heartbeat intervals (expires 1 s: a heartbeat every 500 ms), as on a loaded node.
    const each = async (m: JsMsg) => {
      if (seen.length === 0) await new Promise((r) => setTimeout(r, 1500));
      seen.push(Number(m.string()));
      m.ack();
    };
    const errors: Error[] = [];
    while (seen.length < 20) {
      const r = await pullOrdered(consumer, { max_messages: 10, expires: 1000 }, each);
      if (r.error) errors.push(r.error);
    }
    expect(errors).toEqual([]);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  }, 30_000);

  it('a server that goes quiet on an open pull is reported as a stall, and pulling again after it goes on', async () => {
    const consumer = await streamWith('OP_STALL', 0);
    // SIGSTOP the server once the pull is open: neither messages nor idle heartbeats come.
    const r = await pullOrdered(consumer, { max_messages: 10, expires: 1000 }, async () => undefined, () => { nats.server.process.kill('SIGSTOP'); });
    nats.server.process.kill('SIGCONT');
    expect(r.messages).toBe(0);
    expect(r.error && isStall(r.error), String(r.error)).toBe(true);
    await jetstream(nats.nc).publish('OP_STALL.x', 'after');
    const got: string[] = [];
    await pullOrdered(consumer, { max_messages: 1, expires: 5000 }, async (m) => { got.push(m.string()); m.ack(); });
    expect(got).toEqual(['after']);
  }, 30_000);
});
