// Migration state `downgrade_leader`: the leader stops taking writes (callers wait and retry) and answers its last WAL sequence.
import { MigrationOps } from '../../../core/index.ts';
import { budget, type MigrationStep } from './context.ts';

export const downgradeLeader: MigrationStep = {
  state: 'downgrade_leader',
  next: 'catch_up',
  onFailure: 'rollback',
  rollsBackOnTimeout: true,
  async run(p, c) {
    const seq = await p.node(c.from, MigrationOps.downgrade, c.regionId, budget(p, c, 30_000));
    return { lastSeq: seq ?? 0 };
  },
};
