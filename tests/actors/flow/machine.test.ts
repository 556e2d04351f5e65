// FlowTask machine without I/O: restore/back-fill/checkpoint/stop are stubbed actors.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { flowTaskMachine, FlowTaskEvents } from '../../../actors/flow/machine.ts';

function run(opts: { restored?: boolean; backfill?: boolean; failCheckpoint?: boolean; failRestore?: boolean } = {}) {
  const calls: string[] = [];
  let releaseCheckpoint: () => void = () => {};
  const machine = flowTaskMachine.provide({
    actors: {
      restore: fromPromise(async () => { calls.push('restore'); if (opts.failRestore) throw new Error('no source'); return { restored: opts.restored ?? false, backfill: opts.backfill ?? true }; }),
      backfill: fromPromise(async () => { calls.push('backfill'); }),
      checkpoint: fromPromise(() => { calls.push('checkpoint'); return new Promise<void>((resolve, reject) => { releaseCheckpoint = () => (opts.failCheckpoint ? reject(new Error('kv down')) : resolve()); }); }),
      stop: fromPromise(async () => { calls.push('stop'); }),
    },
  });
  const actor = createActor(machine, { input: { flow: 'f' } }).start();
  return { actor, calls, release: () => releaseCheckpoint() };
}

describe('flowTaskMachine', () => {
  it('a new flow back-fills, checkpoints, then runs', async () => {
    const { actor, calls, release } = run();
    await waitFor(actor, (s) => s.matches('checkpointing'));
    release();
    await waitFor(actor, (s) => s.matches('running'));
    expect(calls).toEqual(['restore', 'backfill', 'checkpoint']);
    expect(actor.getSnapshot().context.checkpoints).toBe(1);
  });

  it('a restored flow runs at once; a failed checkpoint keeps it running', async () => {
    const { actor, calls, release } = run({ restored: true, failCheckpoint: true });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: FlowTaskEvents.checkpointDue });
    release();
    await waitFor(actor, (s) => s.matches('running') && s.context.lastError === 'kv down');
    expect(calls).toEqual(['restore', 'checkpoint']);
  });

  it('a lost source pauses the flow with the reason; checkpoints stop; a stop ends it without one', async () => {
    const { actor, calls } = run({ restored: true });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: FlowTaskEvents.sourceLost, error: 'source table public.t was dropped' });
    expect(actor.getSnapshot().value).toBe('paused');
    expect(actor.getSnapshot().context.lastError).toBe('source table public.t was dropped');
    actor.send({ type: FlowTaskEvents.checkpointDue });
    expect(actor.getSnapshot().value).toBe('paused');
    actor.send({ type: FlowTaskEvents.stopRequested });
    expect(actor.getSnapshot().status).toBe('done');
    expect(calls).toEqual(['restore']);
  });

  it('a stop during a checkpoint waits for it, then stops', async () => {
    const { actor, calls, release } = run({ backfill: false });
    await waitFor(actor, (s) => s.matches('running'));
    actor.send({ type: FlowTaskEvents.checkpointDue });
    actor.send({ type: FlowTaskEvents.stopRequested });
    expect(actor.getSnapshot().matches('checkpointing')).toBe(true);
    release();
    await waitFor(actor, (s) => s.status === 'done');
    expect(calls).toEqual(['restore', 'checkpoint', 'stop']);
  });

  it('a restore failure is reported, and a failed flow can be stopped', async () => {
    const { actor } = run({ failRestore: true });
    await waitFor(actor, (s) => s.matches('failed'));
    expect(actor.getSnapshot().context.lastError).toBe('no source');
    actor.send({ type: FlowTaskEvents.stopRequested });
    expect(actor.getSnapshot().status).toBe('done');
  });
});
