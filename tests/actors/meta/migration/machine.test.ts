// Pure tests of the Migration machine: every transition, every rollback, the deadline, retries past the upgrade, and a
// persisted snapshot that resumes at its step (a new meta leader). The step actor is scripted; no I/O.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { MIGRATION_STEPS, migrationMachine, statusOf, type StepInput, type StepOutput } from '../../../../actors/meta/migration/machine.ts';

const HAPPY = ['start', 'open_candidate', 'downgrade_leader', 'catch_up', 'upgrade_candidate', 'switch_route', 'close_old'];
const input = { id: 'p1', regionId: '4398046511104', from: 'eddy-1', to: 'eddy-2', reason: 'admin', startedAt: 0, deadline: 10_000 };

/** A step actor that fails the listed states (`times` times each) and takes `ms` per step on a simulated timeline. */
function scripted(fail: Record<string, number> = {}, ms = 10) {
  const ran: string[] = [];
  let t = 0;
  const left = { ...fail };
  const step = fromPromise<StepOutput, StepInput>(async ({ input: i }) => {
    ran.push(i.state);
    const at = t;
    t += ms;
    if ((left[i.state] ?? 0) > 0) {
      left[i.state]!--;
      throw new Error(`${i.state} broke`);
    }
    const patch = i.state === 'downgrade_leader' ? { lastSeq: 42 } : i.state === 'upgrade_candidate' ? { upgraded: true, lastSeq: 42 } : {};
    return { patch, at, ms };
  });
  return { ran, step };
}

async function run(s: ReturnType<typeof scripted>, inp = input) {
  const actor = createActor(migrationMachine.provide({ actors: { step: s.step } }), { input: inp }).start();
  const snap = await waitFor(actor, (x) => x.status === 'done');
  return snap;
}

describe('migration machine', () => {
  it('a migration with no fault takes every step in order and ends Done, with each step timed', async () => {
    const s = scripted();
    const snap = await run(s);
    expect(snap.value).toBe('done');
    expect(s.ran).toEqual(HAPPY);
    expect(snap.context.steps.map((x) => x.state)).toEqual(HAPPY);
    expect(snap.context.steps.every((x) => x.ms === 10)).toBe(true);
    expect(snap.context.upgraded).toBe(true);
    expect(snap.context.lastSeq).toBe(42);
    expect(statusOf(String(snap.value))).toBe('Done');
  });

  for (const failing of ['start', 'open_candidate', 'downgrade_leader', 'catch_up', 'upgrade_candidate']) {
    it(`a failure in ${failing} rolls back (candidate dropped, leader released) and ends Failed naming the step`, async () => {
      const s = scripted({ [failing]: 1 });
      const snap = await run(s);
      expect(snap.value).toBe('failed');
      expect(s.ran).toEqual([...HAPPY.slice(0, HAPPY.indexOf(failing) + 1), 'rollback']);
      expect(snap.context.failedAt).toBe(failing);
      expect(snap.context.error).toBe(`${failing}: ${failing} broke`);
      expect(statusOf(String(snap.value))).toBe('Failed');
    });
  }

  it('past the deadline before the upgrade, the next transition is a rollback', async () => {
    const s = scripted({}, 3_000);
    const snap = await run(s, { ...input, deadline: 7_000 });
    expect(snap.value).toBe('failed');
    // start ends at 3000, open_candidate at 6000, downgrade_leader at 9000 > 7000
    expect(s.ran).toEqual(['start', 'open_candidate', 'downgrade_leader', 'rollback']);
    expect(snap.context.error).toMatch(/timed out after downgrade_leader/);
  });

  it('once the candidate is upgraded, a passed deadline does not roll back: the migration goes forward', async () => {
    const s = scripted({}, 1_000);
    // upgrade_candidate ends at 5000, past the deadline
    const snap = await run(s, { ...input, deadline: 4_500 });
    expect(snap.value).toBe('done');
    expect(s.ran).toEqual(HAPPY);
  });

  it('switch_route is retried, never rolled back; it gives up after its attempts', async () => {
    const s = scripted({ switch_route: 2 });
    const snap = await run(s);
    expect(snap.value).toBe('done');
    expect(s.ran.filter((x) => x === 'switch_route')).toHaveLength(3);
    expect(s.ran).not.toContain('rollback');
    const s2 = scripted({ switch_route: 100 });
    const snap2 = await run(s2);
    expect(snap2.value).toBe('failed');
    expect(s2.ran.filter((x) => x === 'switch_route')).toHaveLength(10);
    expect(s2.ran).not.toContain('rollback');
  });

  it('a close_old failure still ends Done (the old node closes it when the route moves)', async () => {
    const s = scripted({ close_old: 1 });
    const snap = await run(s);
    expect(snap.value).toBe('done');
    expect(snap.context.error).toMatch(/close_old/);
  });

  it('a rollback that fails is retried, then ends Failed with both errors', async () => {
    const s = scripted({ catch_up: 1, rollback: 1 });
    const snap = await run(s);
    expect(snap.value).toBe('failed');
    expect(s.ran.filter((x) => x === 'rollback')).toHaveLength(2);
    expect(snap.context.error).toBe('catch_up: catch_up broke; rollback: rollback broke');
  });

  it('a persisted snapshot restores at its step and re-runs it (a new meta leader resumes)', async () => {
    let persisted: unknown = null;
    const blocker = fromPromise<StepOutput, StepInput>(async ({ input: i }) => {
      if (i.state === 'catch_up') return new Promise<StepOutput>(() => undefined);
      return { patch: i.state === 'downgrade_leader' ? { lastSeq: 7 } : {}, at: 0, ms: 1 };
    });
    const first = createActor(migrationMachine.provide({ actors: { step: blocker } }), { input }).start();
    await waitFor(first, (x) => x.value === 'catch_up');
    persisted = first.getPersistedSnapshot();
    first.stop();
    const s = scripted();
    const resumed = createActor(migrationMachine.provide({ actors: { step: s.step } }), { snapshot: JSON.parse(JSON.stringify(persisted)), input }).start();
    const snap = await waitFor(resumed, (x) => x.status === 'done');
    expect(snap.value).toBe('done');
    expect(s.ran).toEqual(['catch_up', 'upgrade_candidate', 'switch_route', 'close_old']);
    expect(snap.context.steps.map((x) => x.state)).toEqual(HAPPY);
  });

  it('every state file lists a next state and a failure state that exist', () => {
    const names = new Set([...MIGRATION_STEPS.map((s) => s.state), 'done', 'failed']);
    for (const s of MIGRATION_STEPS) {
      expect(names.has(s.next), `${s.state}.next`).toBe(true);
      expect(names.has(s.onFailure), `${s.state}.onFailure`).toBe(true);
    }
  });
});
