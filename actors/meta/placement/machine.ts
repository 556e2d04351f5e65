// The meta leader's placement loop: gather (live datanodes, catalog regions, routes) -> plan (core/placement) -> apply route changes. No I/O here.
import { setup, assign, fromPromise } from 'xstate';
import { InternalError } from '../../../core/errors.ts';
import { place, splitRegionId, type Move, type PlacementNode, type PlacementOptions } from '../../../core/index.ts';

/** What one round reads: live datanodes, every region in the catalog, the routes as stored. */
export interface PlacementWorld {
  datanodes: PlacementNode[];
  regions: string[];
  routes: Map<string, string>;
}

/** What one round writes: routes to set (with why) and routes of regions that no longer exist. */
export interface RouteChanges {
  set: Move[];
  remove: string[];
}

/**
 * Pure: the route changes that bring `world` to a placement. With no live datanode nothing changes (a
 * route to a dead node is no worse than none, and the regions come back with their node).
 */
export function planRound(world: PlacementWorld, opts: PlacementOptions = {}): RouteChanges {
  const wanted = new Set(world.regions);
  const remove = [...world.routes.keys()].filter((r) => !wanted.has(r)).sort();
  if (world.datanodes.length === 0) return { set: [], remove };
  // A table's regions form a group: its partitions spread over the datanodes.
  const plan = place(world.datanodes, world.regions.map((id) => ({ id, owner: world.routes.get(id) ?? null, group: groupOf(id) })), opts);
  return { set: plan.moves, remove };
}

/** The table of a region id (numeric GreptimeDB-style ids); other ids are their own group. */
function groupOf(regionId: string): string | number {
  return /^\d+$/.test(regionId) ? splitRegionId(regionId).tableId : regionId;
}

export const isEmptyChange = (c: RouteChanges) => c.set.length === 0 && c.remove.length === 0;

export interface PlacementContext {
  intervalMs: number;
  options: PlacementOptions;
  /** Completed rounds (whether or not they changed anything). */
  rounds: number;
  /** Route writes made so far. */
  moved: number;
  changes: RouteChanges | null;
  /** A kick arrived during a round: run another as soon as this one ends. */
  pending: boolean;
  lastError: string | null;
}

export type PlacementEvent = { type: 'placement.kick' } | { type: 'placement.stop' };

export const PlacementEvents = {
  kick: 'placement.kick',
  stop: 'placement.stop',
} as const;

function unimplemented<O, I>(name: string) {
  return fromPromise<O, I>(async () => {
    throw new InternalError(`placement actor '${name}' not provided`);
  });
}

export const placementMachine = setup({
  types: {
    context: {} as PlacementContext,
    events: {} as PlacementEvent,
    input: {} as { intervalMs: number; options?: PlacementOptions },
  },
  actors: {
    gather: unimplemented<PlacementWorld, void>('gather'),
    apply: unimplemented<void, RouteChanges>('apply'),
  },
  delays: {
    interval: ({ context }) => context.intervalMs,
  },
}).createMachine({
  id: 'placement',
  context: ({ input }) => ({ intervalMs: input.intervalMs, options: input.options ?? {}, rounds: 0, moved: 0, changes: null, pending: false, lastError: null }),
  initial: 'gathering',
  on: {
    'placement.stop': { target: '.stopped' },
    'placement.kick': { actions: assign({ pending: true }) },
  },
  states: {
    idle: {
      always: { guard: ({ context }) => context.pending, target: 'gathering' },
      after: { interval: { target: 'gathering' } },
      on: { 'placement.kick': { target: 'gathering' } },
    },
    gathering: {
      entry: assign({ pending: false }),
      invoke: {
        src: 'gather',
        onDone: [
          {
            guard: ({ context, event }) => isEmptyChange(planRound(event.output, context.options)),
            target: 'idle',
            actions: assign({ rounds: ({ context }) => context.rounds + 1, changes: null, lastError: null }),
          },
          { target: 'applying', actions: assign({ changes: ({ context, event }) => planRound(event.output, context.options) }) },
        ],
        onError: { target: 'idle', actions: assign({ rounds: ({ context }) => context.rounds + 1, lastError: ({ event }) => String(event.error) }) },
      },
    },
    applying: {
      invoke: {
        src: 'apply',
        input: ({ context }) => context.changes!,
        onDone: {
          target: 'idle',
          actions: assign({
            rounds: ({ context }) => context.rounds + 1,
            moved: ({ context }) => context.moved + context.changes!.set.length + context.changes!.remove.length,
            lastError: null,
          }),
        },
        onError: { target: 'idle', actions: assign({ rounds: ({ context }) => context.rounds + 1, lastError: ({ event }) => String(event.error) }) },
      },
    },
    stopped: { type: 'final' },
  },
});
