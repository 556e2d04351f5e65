// The SmartIndex machine (one per node): observes scans per candidate (table, column, kind), decides with the pure
// core/index/smart functions, and applies one create / drop at a time through the invoked `apply` actor. No I/O here.
import { assign, fromPromise, setup } from 'xstate';
import { InternalError } from '../../core/errors.ts';
import { smart } from '../../core/index.ts';

export interface Candidate {
  db: string;
  table: string;
  column: string;
  kind: smart.SmartKind;
  state: smart.CandidateState;
}

export interface SmartIndexContext {
  config: smart.SmartConfig;
  candidates: Record<string, Candidate>;
  /** Keys whose decision (create / drop) waits to be applied, oldest first. */
  pending: string[];
  applied: number;
  lastError: string | null;
}

export type SmartIndexEvent =
  | { type: 'index.workload.observed'; db: string; table: string; column: string; kind: smart.SmartKind; obs: smart.Observation }
  | { type: 'index.smart.tick'; at: number }
  | { type: 'index.smart.configured'; config: Partial<smart.SmartConfig> }
  | { type: 'index.smart.stop.requested' };

export const SmartIndexEvents = {
  observed: 'index.workload.observed',
  tick: 'index.smart.tick',
  configured: 'index.smart.configured',
  stopRequested: 'index.smart.stop.requested',
} as const;

export const candidateKey = (db: string, table: string, column: string, kind: string) => JSON.stringify([db, table, column, kind]);

const queue = (pending: string[], key: string, c: smart.CandidateState) => (c.decision !== 'observe' && !pending.includes(key) ? [...pending, key] : pending);

export const smartIndexMachine = setup({
  types: {
    context: {} as SmartIndexContext,
    events: {} as SmartIndexEvent,
    input: {} as { config: smart.SmartConfig },
  },
  actors: {
    // applies a candidate's decision to the table's schema; answers where the candidate stands afterwards
    apply: fromPromise<{ existing: smart.Existing; at: number }, Candidate>(async () => { throw new InternalError('smart index apply not provided'); }),
  },
}).createMachine({
  id: 'smartIndex',
  context: ({ input }) => ({ config: input.config, candidates: {}, pending: [], applied: 0, lastError: null }),
  initial: 'observing',
  on: {
    'index.workload.observed': {
      actions: assign(({ context, event }) => {
        const key = candidateKey(event.db, event.table, event.column, event.kind);
        const prev = context.candidates[key];
        // a decision waiting to be applied is not re-decided
        if (context.pending.includes(key) && prev) return {};
        const state = smart.observe(prev?.state, event.obs, context.config);
        return {
          candidates: { ...context.candidates, [key]: { db: event.db, table: event.table, column: event.column, kind: event.kind, state } },
          pending: queue(context.pending, key, state),
        };
      }),
    },
    'index.smart.tick': {
      actions: assign(({ context, event }) => {
        const candidates = { ...context.candidates };
        let pending = context.pending;
        for (const [key, c] of Object.entries(candidates)) {
          if (pending.includes(key)) continue;
          const state = smart.tick(c.state, event.at, context.config);
          candidates[key] = { ...c, state };
          pending = queue(pending, key, state);
        }
        return { candidates, pending };
      }),
    },
    'index.smart.configured': { actions: assign({ config: ({ context, event }) => ({ ...context.config, ...event.config }) }) },
    'index.smart.stop.requested': { target: '.stopped' },
  },
  states: {
    observing: {
      always: { guard: ({ context }) => context.pending.length > 0, target: 'applying' },
    },
    applying: {
      invoke: {
        src: 'apply',
        input: ({ context }) => context.candidates[context.pending[0]!]!,
        onDone: {
          target: 'observing',
          actions: assign(({ context, event }) => {
            const key = context.pending[0]!;
            const c = context.candidates[key]!;
            const state = { ...smart.settle(c.state, event.output.existing, event.output.at), reason: `${c.state.decision === 'create' ? 'created' : 'dropped'}: ${c.state.reason}`, decision: c.state.decision };
            return { candidates: { ...context.candidates, [key]: { ...c, state } }, pending: context.pending.slice(1), applied: context.applied + 1 };
          }),
        },
        onError: {
          target: 'observing',
          actions: assign(({ context, event }) => {
            const key = context.pending[0]!;
            const c = context.candidates[key]!;
            const why = String((event.error as Error)?.message ?? event.error);
            return {
              candidates: { ...context.candidates, [key]: { ...c, state: { ...c.state, decision: 'observe' as const, reason: `${c.state.decision} failed: ${why}` } } },
              pending: context.pending.slice(1), lastError: why,
            };
          }),
        },
      },
    },
    stopped: { type: 'final' },
  },
});
