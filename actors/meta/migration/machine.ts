// The Migration machine: start -> open_candidate -> downgrade_leader -> catch_up -> upgrade_candidate -> switch_route
// -> close_old -> done, or rollback -> failed. Each state is a file listing its transitions; no I/O here: the `step`
// actor the host provides runs a state's step through the ports.
import { assign, fromPromise, setup, type AnyEventObject, type MachineConfig } from 'xstate';
import { InternalError } from '../../../core/index.ts';
import type { MigrationContext, MigrationStep, StepPatch } from './context.ts';
import { start } from './start.ts';
import { openCandidate } from './open_candidate.ts';
import { downgradeLeader } from './downgrade_leader.ts';
import { catchUp } from './catch_up.ts';
import { upgradeCandidate } from './upgrade_candidate.ts';
import { switchRoute } from './switch_route.ts';
import { closeOld } from './close_old.ts';
import { rollback } from './rollback.ts';

/** Every step in the order a successful migration takes them, then rollback. */
export const MIGRATION_STEPS: readonly MigrationStep[] = [start, openCandidate, downgradeLeader, catchUp, upgradeCandidate, switchRoute, closeOld, rollback];
export const STEP_BY_STATE = new Map(MIGRATION_STEPS.map((s) => [s.state, s]));

/** What the step actor gets and answers: the state to run, and the patch with when it ran. */
export interface StepInput { state: string; context: MigrationContext }
export interface StepOutput { patch: StepPatch; at: number; ms: number }

export type MigrationInput = Pick<MigrationContext, 'id' | 'regionId' | 'from' | 'to' | 'reason' | 'startedAt' | 'deadline'>;

const unprovided = fromPromise<StepOutput, StepInput>(async () => {
  throw new InternalError("migration actor 'step' not provided");
});

type Args = { context: MigrationContext; event: AnyEventObject };
const outputOf = (e: AnyEventObject) => (e as unknown as { output: StepOutput }).output;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function stateOf(step: MigrationStep) {
  const record = (s: MigrationContext['steps'], o: StepOutput) => [...s, { state: step.state, at: o.at, ms: o.ms }];
  const onDone = [
    ...(step.rollsBackOnTimeout ? [{
      guard: ({ context, event }: Args) => outputOf(event).at + outputOf(event).ms > context.deadline,
      target: 'rollback',
      actions: assign(({ context, event }: Args) => ({
        ...outputOf(event).patch, steps: record(context.steps, outputOf(event)), attempts: 0,
        error: `timed out after ${step.state} (deadline passed)`, failedAt: step.state,
      })),
    }] : []),
    {
      target: step.next,
      actions: assign(({ context, event }: Args) => ({
        ...outputOf(event).patch, steps: record(context.steps, outputOf(event)), attempts: 0,
      })),
    },
  ];
  const fail = ({ context, event }: Args) => ({
    // The first failure is the cause; a rollback's own failure is added to it.
    error: context.error && step.state === 'rollback' ? `${context.error}; rollback: ${errorText((event as { error?: unknown }).error)}` : context.error && context.failedAt ? context.error : `${step.state}: ${errorText((event as { error?: unknown }).error)}`,
    failedAt: context.failedAt ?? step.state,
    attempts: context.attempts + 1,
  });
  const retried = step.onFailure === step.state;
  const onError = retried
    ? [
      { guard: ({ context }: { context: MigrationContext }) => context.attempts + 1 >= (step.maxAttempts ?? 3), target: 'failed', actions: assign(fail) },
      { target: step.state, reenter: true, actions: assign(fail) },
    ]
    : [{ target: step.onFailure, actions: assign(fail) }];
  return {
    invoke: { src: 'step', input: ({ context }: { context: MigrationContext }) => ({ state: step.state, context }), onDone, onError },
  };
}

const states: Record<string, unknown> = Object.fromEntries(MIGRATION_STEPS.map((s) => [s.state, stateOf(s)]));
states.done = { type: 'final' };
states.failed = { type: 'final' };

export const migrationMachine = setup({
  types: {
    context: {} as MigrationContext,
    input: {} as MigrationInput,
  },
  actors: { step: unprovided },
}).createMachine({
  id: 'migration',
  context: ({ input }) => ({ ...input, lastSeq: null, upgraded: false, error: null, failedAt: null, steps: [], attempts: 0 }),
  initial: 'start',
  states: states as MachineConfig<MigrationContext, never>['states'],
});

/** GreptimeDB's procedure status of a migration in `state`. */
export function statusOf(state: string): 'Running' | 'RollingBack' | 'Done' | 'Failed' {
  if (state === 'done') return 'Done';
  if (state === 'failed') return 'Failed';
  if (state === 'rollback') return 'RollingBack';
  return 'Running';
}
