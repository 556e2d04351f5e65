// Migration state `close_old`: the old leader closes its downgraded copy without flushing (a node that is gone has nothing to close).
import { MigrationOps } from '../../../core/index.ts';
import { isNoResponders, type MigrationStep } from './context.ts';

export const closeOld: MigrationStep = {
  state: 'close_old',
  next: 'done',
  // The old node also closes it when it sees the route move: a failure here is logged in the steps, not fatal.
  onFailure: 'done',
  rollsBackOnTimeout: false,
  async run(p, c) {
    try {
      await p.node(c.from, MigrationOps.closeOld, c.regionId, 30_000);
    } catch (e) {
      if (!isNoResponders(e)) throw e;
    }
    return {};
  },
};
