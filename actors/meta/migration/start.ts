// Migration state `start`: the region is where the caller says, the target is a live datanode; the leader flushes once and keeps its files still.
import { EddyError, MigrationOps, StatusCode } from '../../../core/index.ts';
import type { MigrationStep } from './context.ts';

export const start: MigrationStep = {
  state: 'start',
  next: 'open_candidate',
  onFailure: 'rollback',
  rollsBackOnTimeout: true,
  async run(p, c) {
    const owner = await p.routeOf(c.regionId);
    if (owner !== c.from) throw new EddyError(StatusCode.InvalidArguments, `region ${c.regionId} is on ${owner ?? 'no node'}, not on ${c.from}`);
    if (!(await p.isLiveDatanode(c.to))) throw new EddyError(StatusCode.InvalidArguments, `${c.to} is not a live datanode`);
    await p.node(c.from, MigrationOps.hold, c.regionId, 30_000);
    return {};
  },
};
