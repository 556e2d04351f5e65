// A JetStream request nobody answered: nats.js reports "no responders" on the JetStream API or a stream subject as
// JetStreamNotEnabled. In a NATS cluster that is a stream without a leader for a moment (a server went and its
// replicas elect another), and nothing was done by the server, so the call is safe to make again.
import { errors as natsErrors } from '@nats-io/transport-node';

/** Pauses before calling again (ms; about 15 s in all). */
const PAUSES = [100, 200, 400, 800, 1000, 1500, 2000, 2000, 3000, 4000];
const TOTAL_S = PAUSES.reduce((a, b) => a + b, 0) / 1000;

/** A nats request that got no answer in time (its outcome unknown). */
export function isTimeout(e: unknown): boolean {
  return e instanceof natsErrors.TimeoutError || (e instanceof natsErrors.RequestError && e.cause instanceof natsErrors.TimeoutError);
}

export function isNoLeader(e: unknown): boolean {
  return e instanceof Error && e.name === 'JetStreamNotEnabled';
}

/**
 * `call()`, made again after a pause while it finds no responder, at most ~15 s in all; then `unavailable(seconds)`
 * is thrown. Any other error (a timeout too: its outcome is unknown) is thrown at once.
 */
export async function retryWhileNoLeader<T>(call: () => Promise<T>, unavailable: (seconds: number) => Error): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isNoLeader(e)) throw e;
      if (attempt >= PAUSES.length) throw unavailable(TOTAL_S);
      await new Promise((r) => setTimeout(r, PAUSES[attempt]));
    }
  }
}

/** How long a JetStream read (a fence mark, a record) waits for its answer before it is made again. */
export const READ_TIMEOUT_MS = 5_000;

/**
 * `p`, or a nats TimeoutError after `ms`: a request in flight when its stream's leader went is never answered, and
 * waiting out the connection's request timeout (30 s) would hold a write for its whole deadline. Only for calls that
 * are safe to make again (reads); the abandoned request ends on its own.
 */
export function within<T>(p: Promise<T>, ms: number = READ_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new natsErrors.TimeoutError()), ms); });
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
