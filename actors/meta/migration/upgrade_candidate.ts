// Migration state `upgrade_candidate`: the old leader, still downgraded, stops answering; the caught-up candidate becomes the one writer.
import { MigrationOps, ProcedureFailedError } from '../../../core/index.ts';
import { budget, isNoResponders, type MigrationStep } from './context.ts';

export const upgradeCandidate: MigrationStep = {
  state: 'upgrade_candidate',
  next: 'switch_route',
  onFailure: 'rollback',
  // Once the candidate took over, the migration goes forward whatever the time.
  rollsBackOnTimeout: false,
  async run(p, c) {
    // Asked again (idempotent): a resumed migration must not upgrade beside a leader that came back serving.
    let seq = c.lastSeq ?? 0;
    try {
      seq = Math.max(seq, (await p.node(c.from, MigrationOps.downgrade, c.regionId, budget(p, c, 10_000))) ?? 0);
      await p.node(c.from, MigrationOps.retire, c.regionId, budget(p, c, 10_000));
    } catch (e) {
      // A leader that is gone writes nothing: the WAL is the truth, and the candidate replays it to its end.
      if (!isNoResponders(e)) throw e;
    }
    const got = (await p.node(c.to, MigrationOps.upgrade, c.regionId, budget(p, c, 30_000))) ?? 0;
    if (got < seq) throw new ProcedureFailedError(`candidate of region ${c.regionId} on ${c.to} upgraded at WAL sequence ${got}, behind the leader's ${seq}`);
    return { upgraded: true, lastSeq: got };
  },
};
