// A JetStream request nobody answered: nats.js reports "no responders" on the JetStream API or a stream subject as
// JetStreamNotEnabled. In a NATS cluster that is a stream without a leader for a moment (a server went and its
// replicas elect another), and nothing was done by the server, so the call is safe to make again.

/** Pauses before calling again (ms; about 15 s in all). */
const PAUSES = [100, 200, 400, 800, 1000, 1500, 2000, 2000, 3000, 4000];
const TOTAL_S = PAUSES.reduce((a, b) => a + b, 0) / 1000;

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
