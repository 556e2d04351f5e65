// The Rebalancer machine on the meta leader: idle -> round (gather load, decide, start migrations) -> idle, every
// interval when enabled, and at once on a kick (ADMIN rebalance(), drain_node). No I/O: the host provides `round`.
import { assign, fromPromise, setup } from 'xstate';
import { InternalError } from '../../../core/index.ts';

export interface RebalancerContext {
  intervalMs: number;
  enabled: boolean;
  rounds: number;
  /** Migrations started so far. */
  started: number;
  lastError: string | null;
  /** Kicks that came during a round: answered by the next one. */
  pending: number;
}

export type RebalancerEvent = { type: 'rebalancer.kick' } | { type: 'rebalancer.stop' };

export const RebalancerEvents = { kick: 'rebalancer.kick', stop: 'rebalancer.stop' } as const;

export const rebalancerMachine = setup({
  types: {
    context: {} as RebalancerContext,
    events: {} as RebalancerEvent,
    input: {} as { intervalMs: number; enabled: boolean },
  },
  actors: {
    round: fromPromise<number, void>(async () => {
      throw new InternalError("rebalancer actor 'round' not provided");
    }),
  },
  delays: { interval: ({ context }) => context.intervalMs },
}).createMachine({
  id: 'rebalancer',
  context: ({ input }) => ({ intervalMs: input.intervalMs, enabled: input.enabled, rounds: 0, started: 0, lastError: null, pending: 0 }),
  initial: 'idle',
  on: { 'rebalancer.stop': { target: '.stopped' } },
  states: {
    idle: {
      always: { guard: ({ context }) => context.pending > 0, target: 'round' },
      after: { interval: { guard: ({ context }) => context.enabled, target: 'round' } },
      on: { 'rebalancer.kick': { target: 'round' } },
    },
    round: {
      entry: assign({ pending: 0 }),
      on: { 'rebalancer.kick': { actions: assign({ pending: ({ context }) => context.pending + 1 }) } },
      invoke: {
        src: 'round',
        onDone: { target: 'idle', actions: assign({ rounds: ({ context }) => context.rounds + 1, started: ({ context, event }) => context.started + event.output, lastError: null }) },
        onError: { target: 'idle', actions: assign({ rounds: ({ context }) => context.rounds + 1, lastError: ({ event }) => String(event.error) }) },
      },
    },
    stopped: { type: 'final' },
  },
});
