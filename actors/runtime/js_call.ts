// Every JetStream call a cluster node makes goes through jsCall: each attempt bounded, made again when that is safe.
//
// Two silences are normal on a NATS cluster and neither may hold a caller for the connection's 30 s request timeout:
// - "no responders" (nats.js reports it as JetStreamNotEnabled), or JetStream's "temporarily unavailable" (10008): a
//   stream without a leader for a moment (a server went and its replicas elect another, or the stream moves to another
//   server). Nothing was done, so any call is made again after a pause.
// - no answer at all: a request in flight when its stream's leader went is never answered; and nats-server (2.9)
//   answers nothing for a stream request while the stream's group has no leader yet and is new (younger than its
//   lost-quorum interval, or JetStream started under 10 s ago: `isGroupLeaderless`), which is every replicated stream
//   just created at a cluster's start-up, and the loser of a concurrent create of the same stream. The outcome of
//   such a call is unknown: only a call that is `safe` to repeat (a read, a create-or-open, an append under a message
//   id, a compare-and-set) is made again; another one fails at the end of its attempt.
import { errors as natsErrors } from '@nats-io/transport-node';
import { NatsUnavailableError } from '../../core/index.ts';

/** A nats request that got no answer in time (its outcome unknown). */
export function isTimeout(e: unknown): boolean {
  return e instanceof natsErrors.TimeoutError || (e instanceof natsErrors.RequestError && e.cause instanceof natsErrors.TimeoutError) ||
    (e instanceof Error && e.name === 'TimeoutError');
}

/**
 * A stream without a leader for a moment: "no responders", or JetStream's own answer 10008 "JetStream system
 * temporarily unavailable" (a stream whose group changes its peers, as a WAL stream moving to another server does:
 * wal_streams.ts). Either way nothing was done.
 */
export function isNoLeader(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  // nats.js's js.publish turns no responders into JetStreamNotEnabled; the WAL's own publish (wal_publish.ts) does not
  if (e.name === 'JetStreamNotEnabled' || e instanceof natsErrors.NoRespondersError) return true;
  // JetStreamApiError's `code` is the API's err_code; the WAL's own publish refuses with its errCode
  if ((e.name === 'JetStreamApiError' && (e as { code?: unknown }).code === 10008) || (e.name === 'WalAppendRefusedError' && (e as { errCode?: unknown }).errCode === 10008)) return true;
  return /JetStream system temporarily unavailable/.test(e.message);
}

/** How long one JetStream attempt waits for its answer by default. */
export const READ_TIMEOUT_MS = 5_000;
/** How long a call keeps trying by default (a write's router deadline is 30 s). */
export const CALL_BUDGET_MS = 20_000;
/** Pauses before the next attempt after "no responders" (grows; a timed-out attempt has waited already). */
const PAUSES = [100, 200, 400, 800, 1000, 1500, 2000];

export interface JsCallOptions {
  /** What the call does, for the error ("append to the WAL of region 12"). */
  what: string;
  /** Whether an attempt that timed out (stored or not, unknown) may be made again. */
  safe: boolean;
  /** One attempt's bound (ms); READ_TIMEOUT_MS unless given. */
  attemptMs?: number;
  /** Attempts stop once this much time (ms) has passed; CALL_BUDGET_MS unless given. */
  budgetMs?: number;
  /** Told of each attempt that failed and is made again (logs, tests). */
  onRetry?: (e: unknown, attempt: number) => void;
}

/**
 * `call()` with each attempt bounded to `attemptMs`; made again after "no responders" always, after a timeout only
 * when `safe`, until `budgetMs` has passed; then NatsUnavailableError. Other errors are thrown at once.
 */
export async function jsCall<T>(call: () => Promise<T>, o: JsCallOptions): Promise<T> {
  const attemptMs = o.attemptMs ?? READ_TIMEOUT_MS;
  const started = Date.now();
  const budget = o.budgetMs ?? CALL_BUDGET_MS;
  let noLeaders = 0;
  for (let attempt = 1; ; attempt++) {
    let last: unknown;
    try {
      return await within(call(), attemptMs);
    } catch (e) {
      const noLeader = isNoLeader(e);
      if (!noLeader && !(o.safe && isTimeout(e))) throw e;
      last = e;
    }
    const pause = isNoLeader(last) ? PAUSES[Math.min(noLeaders++, PAUSES.length - 1)]! : 0;
    const spent = Date.now() - started;
    if (spent + pause >= budget) {
      const why = isNoLeader(last) ? 'its stream had no leader' : 'no answer came';
      throw new NatsUnavailableError(`${o.what}: ${why} in ${Math.round(spent / 1000)} s (${attempt} attempts)${o.safe || isNoLeader(last) ? '' : '; it may or may not have been done'}`);
    }
    o.onRetry?.(last, attempt);
    if (pause) await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * `p`, or a nats TimeoutError after `ms`. The abandoned request ends on its own; only jsCall and callers that treat
 * the timeout as an unknown outcome use it.
 */
export function within<T>(p: Promise<T>, ms: number = READ_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new natsErrors.TimeoutError()), ms); });
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
