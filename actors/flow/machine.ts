// The FlowTask actor: lifecycle of one flow (restore -> back-fill -> run <-> checkpoint -> stop | fail). No I/O here:
// restore, backfill, checkpoint and stop are actors the host provides (actors/flow_host.ts).
import { assign, fromPromise, setup } from 'xstate';

export const FlowTaskEvents = {
  checkpointDue: 'flow.checkpoint.due',
  stopRequested: 'flow.stop.requested',
  failed: 'flow.failed',
  /** The source table is gone (dropped): the flow pauses, with the reason, until the table is back. */
  sourceLost: 'flow.source.lost',
} as const;

export type FlowTaskEvent =
  | { type: typeof FlowTaskEvents.checkpointDue }
  | { type: typeof FlowTaskEvents.stopRequested }
  | { type: typeof FlowTaskEvents.failed; error: string }
  | { type: typeof FlowTaskEvents.sourceLost; error: string };

export interface FlowTaskContext {
  flow: string;
  checkpoints: number;
  lastError: string | null;
  /** A stop came while a checkpoint was running: stop right after it. */
  stopAfterCheckpoint: boolean;
}

/** What restore found: a checkpoint to resume from, or nothing (a new flow, which back-fills unless told not to). */
export interface RestoreResult {
  restored: boolean;
  backfill: boolean;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const flowTaskMachine = setup({
  types: {
    context: {} as FlowTaskContext,
    events: {} as FlowTaskEvent,
    input: {} as { flow: string },
  },
  actors: {
    restore: fromPromise<RestoreResult>(async () => ({ restored: false, backfill: false })),
    backfill: fromPromise<void>(async () => undefined),
    checkpoint: fromPromise<void>(async () => undefined),
    stop: fromPromise<void>(async () => undefined),
  },
  guards: {
    needsBackfill: (_, r: RestoreResult) => !r.restored && r.backfill,
    stopPending: ({ context }) => context.stopAfterCheckpoint,
  },
}).createMachine({
  id: 'flowTask',
  initial: 'starting',
  context: ({ input }) => ({ flow: input.flow, checkpoints: 0, lastError: null, stopAfterCheckpoint: false }),
  on: {
    [FlowTaskEvents.failed]: { target: '.failed', actions: assign({ lastError: ({ event }) => event.error }) },
  },
  states: {
    starting: {
      invoke: {
        src: 'restore',
        onDone: [
          { guard: { type: 'needsBackfill', params: ({ event }) => event.output }, target: 'backfilling' },
          { target: 'running' },
        ],
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => errorText(event.error) }) },
      },
      on: { [FlowTaskEvents.stopRequested]: 'stopping' },
    },
    backfilling: {
      invoke: {
        src: 'backfill',
        onDone: 'checkpointing',
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => errorText(event.error) }) },
      },
      on: { [FlowTaskEvents.stopRequested]: 'stopping' },
    },
    running: {
      on: {
        [FlowTaskEvents.checkpointDue]: 'checkpointing',
        [FlowTaskEvents.stopRequested]: 'stopping',
        [FlowTaskEvents.sourceLost]: { target: 'paused', actions: assign({ lastError: ({ event }) => event.error }) },
      },
    },
    // No checkpoint from here: the windows stay as last checkpointed, and the host relaunches the flow once the
    // table exists again (a stop ends it without writing state).
    paused: {
      on: { [FlowTaskEvents.stopRequested]: 'stopped' },
    },
    checkpointing: {
      invoke: {
        src: 'checkpoint',
        onDone: [
          { guard: 'stopPending', target: 'stopping', actions: assign({ checkpoints: ({ context }) => context.checkpoints + 1 }) },
          { target: 'running', actions: assign({ checkpoints: ({ context }) => context.checkpoints + 1 }) },
        ],
        // A failed checkpoint is retried at the next one: the previous checkpoint still holds.
        onError: [
          { guard: 'stopPending', target: 'stopping', actions: assign({ lastError: ({ event }) => errorText(event.error) }) },
          { target: 'running', actions: assign({ lastError: ({ event }) => errorText(event.error) }) },
        ],
      },
      on: {
        [FlowTaskEvents.stopRequested]: { actions: assign({ stopAfterCheckpoint: true }) },
        [FlowTaskEvents.checkpointDue]: {},
        [FlowTaskEvents.sourceLost]: { target: 'paused', actions: assign({ lastError: ({ event }) => event.error }) },
      },
    },
    stopping: {
      invoke: { src: 'stop', onDone: 'stopped', onError: { target: 'stopped', actions: assign({ lastError: ({ event }) => errorText(event.error) }) } },
    },
    stopped: { type: 'final' },
    failed: {
      on: { [FlowTaskEvents.stopRequested]: 'stopped' },
    },
  },
});

/** The state names information_schema.flows reports. */
export type FlowTaskState = 'starting' | 'backfilling' | 'running' | 'checkpointing' | 'paused' | 'stopping' | 'stopped' | 'failed';
