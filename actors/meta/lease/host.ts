// Hosts the lease machine on a JetStream KV key: reads, compare-and-set acquire/renew, release on resign.
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import type { KV } from '@nats-io/kv';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { Clock } from '../../../core/index.ts';
import { within } from '../../runtime/js_call.ts';
import { leaseMachine, LeaseEvents, LeaseTiming, type CasResult, type ReadResult } from './machine.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** What the lease key holds; `at` is informational (the holder's clock), never used to decide expiry. */
export interface LeaseValue {
  holder: string;
  at: number;
  leaseMs: number;
}

export interface LeaseElectorOptions {
  kv: KV;
  key: string;
  nodeId: string;
  leaseMs: number;
  clock: Clock;
  /** Called with true on becoming leader and false on losing or leaving the lead; the number is the term's revision. */
  onChange?: (leader: boolean, revision: number | null) => void;
  log?: (m: string) => void;
}

/** A JetStream "wrong last sequence" answer: someone else wrote the key first. */
export function isConflict(e: unknown): boolean {
  return e instanceof JetStreamApiError &&
    (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

/**
 * The I/O half of the lease: each function returns a result and never throws, as the machine expects. `held(sentAt)`
 * is told of every successful acquire or renew with the time (clock) its write was sent.
 */
export function kvLeaseActors(o: Pick<LeaseElectorOptions, 'kv' | 'key' | 'nodeId' | 'leaseMs' | 'clock'>, held?: (sentAt: number) => void) {
  const value = () => enc.encode(JSON.stringify({ holder: o.nodeId, at: o.clock.now(), leaseMs: o.leaseMs } satisfies LeaseValue));
  const timeout = Math.max(50, Math.round(o.leaseMs * LeaseTiming.renewTimeout));
  const cas = async (write: () => Promise<number>): Promise<CasResult> => {
    const sentAt = o.clock.now();
    try {
      const revision = await write();
      held?.(sentAt);
      return { ok: true, revision };
    } catch (e) {
      return { ok: false, conflict: isConflict(e), error: String((e as Error).message ?? e) };
    }
  };
  return {
    readLease: fromPromise<ReadResult, void>(async () => {
      // Bounded: an unanswered read (a stream electing its leader, js_call.ts) would hold the follower in `reading`
      // for good, and it would never take over; failed, the machine reads again at its next poll.
      const e = await within(o.kv.get(o.key), Math.max(50, Math.round(o.leaseMs * LeaseTiming.every)));
      const at = o.clock.now();
      if (!e || e.operation !== 'PUT' || e.value.length === 0) return { lease: null, at };
      let holder = '?';
      try {
        holder = (JSON.parse(dec.decode(e.value)) as LeaseValue).holder;
      } catch {
        /* a value we cannot read is still someone's lease: it just expires like any other */
      }
      return { lease: { revision: e.revision, holder }, at };
    }),
    acquire: fromPromise<CasResult, { revision: number | null }>(async ({ input }) =>
      cas(() => (input.revision === null ? o.kv.create(o.key, value()) : o.kv.update(o.key, value(), input.revision, timeout))),
    ),
    renew: fromPromise<CasResult, { revision: number }>(async ({ input }) => cas(() => o.kv.update(o.key, value(), input.revision, timeout))),
    release: fromPromise<void, { revision: number }>(async ({ input }) => {
      await o.kv.delete(o.key, { previousSeq: input.revision });
    }),
  };
}

/**
 * One node's part in the election. start() joins as a follower; resign() gives the lease up (if held) and leaves.
 *
 * Whether this node leads is answered by its clock too, not only by the machine's state: a process paused (SIGSTOP, a
 * long GC, a frozen VM) wakes with its timers late and its sockets full, and may run a step's answer before the timer
 * that steps it down. From STEP_DOWN of the lease after its last successful renew was sent, `isLeader` and `revision`
 * answer as a follower's, whatever the machine has yet to notice.
 */
export class LeaseElector {
  private readonly actor: Actor<typeof leaseMachine>;
  private leading = false;
  /** Until when (clock ms) the last acquire or renew keeps this node the leader. */
  private heldUntil = 0;

  constructor(private readonly o: LeaseElectorOptions) {
    const machine = leaseMachine.provide({ actors: kvLeaseActors(o, (sentAt) => {
      this.heldUntil = Math.max(this.heldUntil, sentAt + Math.round(o.leaseMs * LeaseTiming.stepDown));
    }) });
    this.actor = createActor(machine, { input: { nodeId: o.nodeId, leaseMs: o.leaseMs } });
    this.actor.subscribe((s) => {
      const now = s.matches('leader');
      if (now === this.leading) return;
      this.leading = now;
      o.log?.(now ? `meta: leader (term revision ${s.context.revision})` : `meta: not leader${s.context.lastError ? ` (${s.context.lastError})` : ''}`);
      o.onChange?.(now, s.context.revision);
    });
  }

  start(): this {
    this.actor.start();
    return this;
  }

  get isLeader(): boolean {
    return this.leading && this.o.clock.now() < this.heldUntil;
  }

  /** The revision that made this node leader: a fencing token for writes made in this term. */
  get revision(): number | null {
    return this.isLeader ? this.actor.getSnapshot().context.revision : null;
  }

  get state(): string {
    return JSON.stringify(this.actor.getSnapshot().value);
  }

  /** Resolves once this node leads (for tests and tools). */
  async whenLeader(timeoutMs = 30_000): Promise<void> {
    await waitFor(this.actor, (s) => s.matches('leader'), { timeout: timeoutMs });
  }

  async resign(): Promise<void> {
    if (this.actor.getSnapshot().status !== 'active') return;
    this.actor.send({ type: LeaseEvents.resign });
    await waitFor(this.actor, (s) => s.status === 'done', { timeout: 10_000 }).catch(() => undefined);
    this.actor.stop();
  }

  /** Stops without touching the key (a crash, as far as the others can tell). */
  abandon(): void {
    this.actor.stop();
    if (this.leading) {
      this.leading = false;
      this.o.onChange?.(false, null);
    }
  }
}
