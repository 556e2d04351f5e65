// The IndexBuilder machine (one per region): idle <-> building, one segment's index file per step. No I/O here:
// the host provides `buildNext` (storage's RegionIndexes.buildNext), so writes and scans never wait on it.
import { assign, fromPromise, setup } from 'xstate';
import { InternalError } from '../../core/errors.ts';

export interface IndexBuilderContext {
  regionId: string;
  /** Index files written or removed since start. */
  built: number;
  /** Segments changed while a build ran: look again when it ends. */
  dirty: boolean;
  lastError: string | null;
}

export type IndexBuilderEvent =
  | { type: 'index.segments.changed' }
  | { type: 'index.stop.requested' };

export const IndexBuilderEvents = {
  segmentsChanged: 'index.segments.changed',
  stopRequested: 'index.stop.requested',
} as const;

export const indexBuilderMachine = setup({
  types: {
    context: {} as IndexBuilderContext,
    events: {} as IndexBuilderEvent,
    input: {} as { regionId: string },
  },
  actors: {
    // true when a segment's file was built (or removed), false when nothing was pending
    buildNext: fromPromise<boolean, void>(async () => { throw new InternalError('index builder actor buildNext not provided'); }),
  },
}).createMachine({
  id: 'indexBuilder',
  context: ({ input }) => ({ regionId: input.regionId, built: 0, dirty: false, lastError: null }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        'index.segments.changed': { target: 'building' },
        'index.stop.requested': { target: 'stopped' },
      },
    },
    building: {
      entry: assign({ dirty: false }),
      invoke: {
        src: 'buildNext',
        onDone: [
          { guard: ({ event }) => event.output, target: 'building', reenter: true, actions: assign({ built: ({ context }) => context.built + 1, lastError: null }) },
          { guard: ({ context }) => context.dirty, target: 'building', reenter: true },
          { target: 'idle' },
        ],
        // A failed build leaves the segment without its file (read by full scan); the next change retries it.
        onError: { target: 'idle', actions: assign({ lastError: ({ event }) => String((event.error as Error)?.message ?? event.error) }) },
      },
      on: {
        'index.segments.changed': { actions: assign({ dirty: true }) },
        // the host waits for the build in flight (its file is then named in the manifest, or deleted)
        'index.stop.requested': { target: 'stopped' },
      },
    },
    stopped: { type: 'final' },
  },
});
