// The SmartIndex machine without NATS: observations queue a decision, the apply actor runs one at a time and its
// answer settles the candidate; a tick drops the unused automatic index; an apply that fails is reported.
import { createActor, fromPromise, waitFor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { smart } from '../../../core/index.ts';
import { candidateKey, smartIndexMachine, type Candidate } from '../../../actors/index/smart_machine.ts';

const cfg = { ...smart.DEFAULT_SMART_CONFIG, minQueries: 2, minRowsRead: 100, cooldownMs: 10, dropAfterMs: 1000 };
const obs = (at: number, existing: smart.Existing = 'none') => ({ at, rowsRead: 10_000, rowsOut: 1, existing, eligible: true });

describe('SmartIndex machine', () => {
  it('applies create then drop, one at a time', async () => {
    const applied: string[] = [];
    let fail = false;
    const actor = createActor(smartIndexMachine.provide({
      actors: {
        apply: fromPromise(async ({ input }: { input: Candidate }): Promise<{ existing: smart.Existing; at: number }> => {
          if (fail) throw new Error('catalog unavailable');
          applied.push(`${input.state.decision} ${input.column}`);
          return { existing: input.state.decision === 'create' ? 'auto' : 'none', at: input.state.decidedAt };
        }),
      },
    }), { input: { config: cfg } });
    actor.start();
    const see = (at: number, column = 'trace', existing: smart.Existing = 'none') => actor.send({ type: 'index.workload.observed', db: 'public', table: 'logs', column, kind: 'skipping', obs: obs(at, existing) });
    const idle = () => waitFor(actor, (s) => s.matches('observing') && s.context.pending.length === 0);
    see(1);
    await idle();
    expect(applied).toEqual([]);
    see(2);
    await idle();
    expect(applied).toEqual(['create trace']);
    const c = actor.getSnapshot().context.candidates[candidateKey('public', 'logs', 'trace', 'skipping')]!;
    expect(c.state).toMatchObject({ existing: 'auto', decision: 'create', queries: 0 });
    expect(c.state.reason).toMatch(/^created: 2 queries/);
    see(500, 'trace', 'auto');
    actor.send({ type: 'index.smart.tick', at: 1499 });
    await idle();
    expect(applied).toEqual(['create trace']);
    actor.send({ type: 'index.smart.tick', at: 1500 });
    await idle();
    expect(applied).toEqual(['create trace', 'drop trace']);
    // a failed apply is reported on the candidate and the machine goes on
    fail = true;
    see(2000, 'msg'); see(2001, 'msg');
    await idle();
    expect(actor.getSnapshot().context.lastError).toBe('catalog unavailable');
    expect(actor.getSnapshot().context.candidates[candidateKey('public', 'logs', 'msg', 'skipping')]!.state.reason).toBe('create failed: catalog unavailable');
    // switched off: observes, never applies
    fail = false;
    actor.send({ type: 'index.smart.configured', config: { enabled: false } });
    see(3000, 'host'); see(3001, 'host');
    await idle();
    expect(applied).toEqual(['create trace', 'drop trace']);
    actor.stop();
  });
});
