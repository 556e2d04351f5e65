// Migration state `open_candidate`: the target opens the region from the shared segments and replays the WAL, serving nothing yet.
import { MigrationOps } from '../../../core/index.ts';
import { budget, type MigrationStep } from './context.ts';

export const openCandidate: MigrationStep = {
  state: 'open_candidate',
  next: 'downgrade_leader',
  onFailure: 'rollback',
  rollsBackOnTimeout: true,
  async run(p, c) {
    await p.node(c.to, MigrationOps.openCandidate, c.regionId, budget(p, c, 120_000));
    return {};
  },
};
