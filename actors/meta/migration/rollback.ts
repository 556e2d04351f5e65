// Migration state `rollback`: the candidate closes (before anything else, so there is never a second writer), then the leader takes writes again.
import { MigrationOps } from '../../../core/index.ts';
import { isNoResponders, type MigrationStep } from './context.ts';

export const rollback: MigrationStep = {
  state: 'rollback',
  next: 'failed',
  onFailure: 'rollback',
  rollsBackOnTimeout: false,
  maxAttempts: 5,
  async run(p, c) {
    for (const [node, op] of [[c.to, MigrationOps.dropCandidate], [c.from, MigrationOps.release]] as const) {
      try {
        await p.node(node, op, c.regionId, 15_000);
      } catch (e) {
        // A node that is gone holds no copy; one that answered with an error, or not in time, is retried.
        if (!isNoResponders(e)) throw e;
      }
    }
    return {};
  },
};
