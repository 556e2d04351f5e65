// Migration state `switch_route`: the route names the new leader; routers and datanode supervisors follow it. Retried, never rolled back.
import type { MigrationStep } from './context.ts';

export const switchRoute: MigrationStep = {
  state: 'switch_route',
  next: 'close_old',
  onFailure: 'switch_route',
  rollsBackOnTimeout: false,
  maxAttempts: 10,
  async run(p, c) {
    await p.setRoute(c.regionId, c.to);
    return {};
  },
};
