// Migration state `catch_up`: the candidate replays the WAL up to the downgraded leader's last sequence.
import { MigrationOps, ProcedureFailedError } from '../../../core/index.ts';
import { budget, type MigrationStep } from './context.ts';

export const catchUp: MigrationStep = {
  state: 'catch_up',
  next: 'upgrade_candidate',
  onFailure: 'rollback',
  rollsBackOnTimeout: true,
  async run(p, c) {
    const seq = (await p.node(c.to, MigrationOps.catchUp, c.regionId, budget(p, c, 60_000))) ?? 0;
    if (seq < (c.lastSeq ?? 0)) throw new ProcedureFailedError(`candidate of region ${c.regionId} on ${c.to} reached WAL sequence ${seq}, the leader wrote up to ${c.lastSeq}`);
    return {};
  },
};
