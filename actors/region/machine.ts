// The Region actor's machine: opening -> replaying -> serving <-> flushing -> closing. No I/O here; it invokes actors that do it.
import { setup, assign, fromPromise } from 'xstate';
import { InternalError } from '../../core/errors.ts';

export interface RegionContext {
  regionId: string;
  flushes: number;
  compactions: number;
  replayedRows: number;
  lastError: string | null;
}

/** Events a Region machine takes, dot-namespaced. */
export type RegionEvent =
  | { type: 'region.flush.requested' }
  | { type: 'region.compact.requested' }
  | { type: 'region.close.requested' };

export const RegionEvents = {
  flushRequested: 'region.flush.requested',
  compactRequested: 'region.compact.requested',
  closeRequested: 'region.close.requested',
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
    input: {} as { regionId: string },
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
  context: ({ input }) => ({ regionId: input.regionId, flushes: 0, compactions: 0, replayedRows: 0, lastError: null }),
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
        onDone: { target: 'serving', actions: assign({ replayedRows: ({ event }) => event.output }) },
        onError: { target: 'failed', actions: assign({ lastError: ({ event }) => String(event.error) }) },
      },
    },
    serving: {
      on: {
        'region.flush.requested': { target: 'flushing' },
        'region.compact.requested': { target: 'compacting' },
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
