// The Region actor's machine: opening -> replaying -> serving <-> flushing -> closing; a migration's candidate waits in
// `candidate` until upgraded, a migrating leader in `downgraded` (no writes) until closed or released. No I/O here.
import { setup, assign, fromPromise } from 'xstate';
import { InternalError } from '../../core/errors.ts';

export interface RegionContext {
  regionId: string;
  /** Opened as a migration candidate: after replay it waits in `candidate`, taking no writes, until upgraded. */
  candidate: boolean;
  flushes: number;
  compactions: number;
  replayedRows: number;
  lastError: string | null;
}

/** Events a Region machine takes, dot-namespaced. */
export type RegionEvent =
  | { type: 'region.flush.requested' }
  | { type: 'region.compact.requested' }
  | { type: 'region.close.requested' }
  | { type: 'region.downgrade.requested' }
  | { type: 'region.upgrade.requested' };

export const RegionEvents = {
  flushRequested: 'region.flush.requested',
  compactRequested: 'region.compact.requested',
  closeRequested: 'region.close.requested',
  /** Migration: the leader stops taking writes (scans go on) until closed, or released by a rollback. */
  downgradeRequested: 'region.downgrade.requested',
  /** Migration: a caught-up candidate becomes the writer; a rolled-back leader takes writes again. */
  upgradeRequested: 'region.upgrade.requested',
} as const;

/** Placeholders; the host provides the real ones with machine.provide({ actors }). */
const unimplemented = (name: string) =>
  fromPromise<never, void>(async () => {
    throw new InternalError(`region actor '${name}' not provided`);
  });

export const regionMachine = setup({
  types: {
    context: {} as RegionContext,
    events: {} as RegionEvent,
    input: {} as { regionId: string; candidate?: boolean },
  },
  actors: {
    open: unimplemented('open') as unknown as ReturnType<typeof fromPromise<void, void>>,
    replay: unimplemented('replay') as unknown as ReturnType<typeof fromPromise<number, void>>,
    flush: unimplemented('flush') as unknown as ReturnType<typeof fromPromise<void, void>>,
    compact: unimplemented('compact') as unknown as ReturnType<typeof fromPromise<void, void>>,
    close: unimplemented('close') as unknown as ReturnType<typeof fromPromise<void, void>>,
  },
}).createMachine({
  id: 'region',
  context: ({ input }) => ({ regionId: input.regionId, candidate: input.candidate === true, flushes: 0, compactions: 0, replayedRows: 0, lastError: null }),
  initial: 'opening',
  states: {
    opening: {
      invoke: {
        src: 'open',
        onDone: { target: 'replaying' },
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => String(event.error) }) },
      },
    },
    replaying: {
      invoke: {
        src: 'replay',
        onDone: [
          { guard: ({ context }) => context.candidate, target: 'candidate', actions: assign({ replayedRows: ({ event }) => event.output }) },
          { target: 'serving', actions: assign({ replayedRows: ({ event }) => event.output }) },
        ],
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => String(event.error) }) },
      },
    },
    serving: {
      on: {
        'region.flush.requested': { target: 'flushing' },
        'region.compact.requested': { target: 'compacting' },
        'region.close.requested': { target: 'closing' },
        'region.downgrade.requested': { target: 'downgraded' },
      },
    },
    candidate: {
      on: {
        'region.upgrade.requested': { target: 'serving', actions: assign({ candidate: false }) },
        'region.close.requested': { target: 'closing' },
      },
    },
    downgraded: {
      on: {
        'region.upgrade.requested': { target: 'serving' },
        'region.close.requested': { target: 'closing' },
      },
    },
    flushing: {
      invoke: {
        src: 'flush',
        onDone: { target: 'serving', actions: assign({ flushes: ({ context }) => context.flushes + 1 }) },
        onError: { target: 'serving', actions: assign({ lastError: ({ event }) => String(event.error) }) },
      },
      on: { 'region.close.requested': { target: 'closing' } },
    },
    compacting: {
      invoke: {
        src: 'compact',
        onDone: { target: 'serving', actions: assign({ compactions: ({ context }) => context.compactions + 1 }) },
        onError: { target: 'serving', actions: assign({ lastError: ({ event }) => String(event.error) }) },
      },
      on: { 'region.close.requested': { target: 'closing' } },
    },
    closing: {
      invoke: {
        src: 'close',
        onDone: { target: 'closed' },
        onError: { target: 'closed', actions: assign({ lastError: ({ event }) => String(event.error) }) },
      },
    },
    closed: { type: 'final' },
    failed: {
      on: { 'region.close.requested': { target: 'closed' } },
    },
  },
});

/** States in which the region takes writes and scans. */
export const ACCEPTING = ['serving', 'flushing', 'compacting'] as const;
/** States in which the region answers scans (a downgraded leader still has every row). */
export const READABLE = [...ACCEPTING, 'downgraded'] as const;
