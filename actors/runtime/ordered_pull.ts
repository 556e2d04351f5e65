// One pull from a JetStream pull consumer, applied in stream order, where "heartbeats missed" means the server went quiet.
import type { Consumer, FetchOptions, JsMsg } from '@nats-io/jetstream';

export interface PullOutcome {
  /** Messages handed to `each`. */
  messages: number;
  /** Why the pull ended early: a stall (isStall: nothing, message or idle heartbeat, came from the server for two heartbeat intervals) or another error. */
  error?: Error;
}

/** The fetch ended because the server went quiet while the pull was open. */
export function isStall(e: Error): boolean {
  return /heartbeats missed/i.test(e.message);
}

/**
 * Fetches one batch and hands each message to `each`, one at a time, in order, as they arrive. The fetch's own iterator
 * is read into a local queue at once, apart from `each`: nats.js's idle-heartbeat monitor (two intervals of silence end
 * the fetch with "heartbeats missed") runs until that iterator has been read to its end, so a slow `each` (a loaded
 * node applying a batch for longer than two intervals) made it report a stall that was not one, and end the fetch. Read
 * apart, the monitor sees only the server: a stall it reports is the server or the connection going quiet.
 *
 * The next fetch should start only once this one returned: every message it delivered was handed to `each` by then,
 * so a message not acked yet is never delivered twice to the same loop. `onIterator` gets the fetch (to stop it).
 */
export async function pullOrdered(consumer: Consumer, opts: FetchOptions, each: (m: JsMsg) => Promise<void>, onIterator?: (it: { stop(): void }) => void): Promise<PullOutcome> {
  const iter = await consumer.fetch(opts);
  onIterator?.(iter);
  const queue: JsMsg[] = [];
  let wake: () => void = () => undefined;
  let done = false;
  let error: Error | undefined;
  const reading = (async () => {
    try {
      for await (const m of iter) {
        queue.push(m);
        wake();
      }
    } catch (e) {
      error = e as Error;
    } finally {
      done = true;
      wake();
    }
  })();
  let messages = 0;
  try {
    for (;;) {
      const m = queue.shift();
      if (m) {
        messages++;
        await each(m);
        continue;
      }
      if (done) break;
      await new Promise<void>((r) => { wake = r; });
    }
  } finally {
    // `each` threw: end the fetch too (what it still delivers is redelivered after ack_wait).
    if (!done) iter.stop();
    await reading;
  }
  return error ? { messages, error } : { messages };
}
