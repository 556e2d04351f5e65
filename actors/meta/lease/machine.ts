// The meta leader election machine: follower -> candidate -> leader over a compare-and-set lease. No I/O here; it invokes actors that do it.
import { setup, assign, fromPromise } from 'xstate';
import { InternalError } from '../../../core/errors.ts';

/**
 * How the lease works. The holder rewrites the lease key every leaseMs/3 with compare-and-set on its
 * revision. Others read the key every leaseMs/3 and take it over (compare-and-set on the revision they
 * read) once that revision has not changed for leaseMs by their own clock. Measuring elapsed time
 * locally, not by the timestamp in the value, means no two clocks have to agree. A leader that has not
 * renewed for STEP_DOWN of the lease steps down: its last successful renew was sent at most
 * RENEW_TIMEOUT before it completed, so it stops before any follower can count a full lease.
 */
export const LeaseTiming = {
  /** Renew and poll period, as a fraction of the lease. */
  every: 1 / 3,
  /** A renew that has not answered after this much of the lease counts as failed. */
  renewTimeout: 1 / 6,
  /** Retry a failed renew after this much of the lease. */
  retry: 1 / 12,
  /** A leader steps down this long after its last successful renew (< 1 - renewTimeout). */
  stepDown: 3 / 4,
} as const;

/** The lease key as read: null when absent or deleted. */
export interface LeaseRecord {
  revision: number;
  holder: string;
}

export interface ReadResult {
  lease: LeaseRecord | null;
  /** When the read answered, by the node's clock (ms). */
  at: number;
}

/** Result of a compare-and-set write (acquire or renew): never thrown, so the machine decides. */
export type CasResult =
  | { ok: true; revision: number }
  | { ok: false; conflict: boolean; error: string };

export interface LeaseContext {
  nodeId: string;
  leaseMs: number;
  /** The other holder's lease as last read, and when (our clock) its revision was first seen. */
  seen: (LeaseRecord & { since: number }) | null;
  /** The revision to compare against when taking the lease (null: the key must not exist). */
  takeover: number | null;
  /** Our lease revision while leader: the fencing token of this term. */
  revision: number | null;
  /** How many times this node became leader. */
  terms: number;
  lastError: string | null;
}

export type LeaseEvent = { type: 'lease.resign' };

export const LeaseEvents = {
  resign: 'lease.resign',
} as const;

/** Placeholders; the host provides the real ones with machine.provide({ actors }). */
function unimplemented<O, I>(name: string) {
  return fromPromise<O, I>(async () => {
    throw new InternalError(`lease actor '${name}' not provided`);
  });
}

/** Pure: should a follower that read `r` try to take the lease, and against which revision? */
export function takeoverDecision(ctx: Pick<LeaseContext, 'seen' | 'leaseMs'>, r: ReadResult): { take: boolean; revision: number | null } {
  if (r.lease === null) return { take: true, revision: null };
  const s = ctx.seen;
  if (s && s.revision === r.lease.revision && r.at - s.since >= ctx.leaseMs) return { take: true, revision: r.lease.revision };
  return { take: false, revision: null };
}

export const leaseMachine = setup({
  types: {
    context: {} as LeaseContext,
    events: {} as LeaseEvent,
    input: {} as { nodeId: string; leaseMs: number },
  },
  actors: {
    readLease: unimplemented<ReadResult, void>('readLease'),
    acquire: unimplemented<CasResult, { revision: number | null }>('acquire'),
    renew: unimplemented<CasResult, { revision: number }>('renew'),
    release: unimplemented<void, { revision: number }>('release'),
  },
  delays: {
    every: ({ context }) => Math.max(1, Math.round(context.leaseMs * LeaseTiming.every)),
    renewTimeout: ({ context }) => Math.max(1, Math.round(context.leaseMs * LeaseTiming.renewTimeout)),
    retry: ({ context }) => Math.max(1, Math.round(context.leaseMs * LeaseTiming.retry)),
    stepDown: ({ context }) => Math.max(1, Math.round(context.leaseMs * LeaseTiming.stepDown)),
  },
  guards: {
    shouldTakeOver: ({ context, event }) => takeoverDecision(context, (event as unknown as { output: ReadResult }).output).take,
    casOk: ({ event }) => (event as unknown as { output: CasResult }).output.ok,
    casConflict: ({ event }) => {
      const o = (event as unknown as { output: CasResult }).output;
      return !o.ok && o.conflict;
    },
  },
}).createMachine({
  id: 'lease',
  context: ({ input }) => ({ nodeId: input.nodeId, leaseMs: input.leaseMs, seen: null, takeover: null, revision: null, terms: 0, lastError: null }),
  initial: 'follower',
  on: { 'lease.resign': { target: '.resigned' } },
  states: {
    follower: {
      initial: 'reading',
      states: {
        reading: {
          invoke: {
            src: 'readLease',
            onDone: [
              {
                guard: 'shouldTakeOver',
                target: '#lease.candidate',
                actions: assign({ takeover: ({ context, event }) => takeoverDecision(context, event.output).revision }),
              },
              {
                target: 'waiting',
                actions: assign({
                  seen: ({ context, event }) => {
                    const l = event.output.lease!;
                    return context.seen && context.seen.revision === l.revision ? context.seen : { ...l, since: event.output.at };
                  },
                }),
              },
            ],
            onError: { target: 'waiting', actions: assign({ lastError: ({ event }) => String(event.error) }) },
          },
        },
        waiting: { after: { every: { target: 'reading' } } },
      },
    },
    candidate: {
      invoke: {
        src: 'acquire',
        input: ({ context }) => ({ revision: context.takeover }),
        onDone: [
          {
            guard: 'casOk',
            target: 'leader',
            actions: assign({
              revision: ({ event }) => (event.output as { revision: number }).revision,
              terms: ({ context }) => context.terms + 1,
              seen: null,
              lastError: null,
            }),
          },
          // Lost the race: someone else wrote first. Watch the new holder from scratch.
          { target: 'follower', actions: assign({ seen: null, lastError: ({ event }) => (event.output as { error: string }).error }) },
        ],
        onError: { target: 'follower', actions: assign({ seen: null, lastError: ({ event }) => String(event.error) }) },
      },
    },
    leader: {
      initial: 'holding',
      // Re-entered on every successful renew, which restarts this timer.
      after: { stepDown: { target: 'follower', actions: assign({ revision: null, seen: null, lastError: 'lease not renewed in time: stepped down' }) } },
      states: {
        holding: { after: { every: { target: 'renewing' } } },
        renewing: {
          invoke: {
            src: 'renew',
            input: ({ context }) => ({ revision: context.revision! }),
            onDone: [
              { guard: 'casOk', target: '#lease.leader', reenter: true, actions: assign({ revision: ({ event }) => (event.output as { revision: number }).revision }) },
              { guard: 'casConflict', target: '#lease.follower', actions: assign({ revision: null, seen: null, lastError: 'lease taken by another node' }) },
              { target: 'retrying', actions: assign({ lastError: ({ event }) => (event.output as { error: string }).error }) },
            ],
            onError: { target: 'retrying', actions: assign({ lastError: ({ event }) => String(event.error) }) },
          },
          after: { renewTimeout: { target: 'retrying', actions: assign({ lastError: 'renew timed out' }) } },
        },
        retrying: { after: { retry: { target: 'renewing' } } },
      },
      on: { 'lease.resign': { target: 'releasing' } },
    },
    releasing: {
      invoke: {
        src: 'release',
        input: ({ context }) => ({ revision: context.revision! }),
        onDone: { target: 'resigned', actions: assign({ revision: null }) },
        onError: { target: 'resigned', actions: assign({ revision: null, lastError: ({ event }) => String(event.error) }) },
      },
    },
    resigned: { type: 'final' },
  },
});

/** True when a snapshot of the machine holds the lease. */
export const isLeaderState = (s: { matches(v: 'leader'): boolean }) => s.matches('leader');
