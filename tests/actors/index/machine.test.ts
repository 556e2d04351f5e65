// The IndexBuilder machine without I/O: builds until nothing is pending, looks again when segments changed during
// a build, keeps going after a failure only on the next change, stops.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import { IndexBuilderEvents, indexBuilderMachine } from '../../../actors/index/machine.ts';

/** A builder whose steps are answered by the test: each call waits for `step(result)`. */
function harness() {
  const waiting: { resolve: (v: boolean) => void; reject: (e: Error) => void }[] = [];
  let calls = 0;
  const machine = indexBuilderMachine.provide({
    actors: { buildNext: fromPromise(() => { calls++; return new Promise<boolean>((resolve, reject) => waiting.push({ resolve, reject })); }) },
  });
  const actor = createActor(machine, { input: { regionId: 'r1' } });
  actor.start();
  const next = async () => { await waitFor(actor, () => waiting.length > 0); return waiting.shift()!; };
  return { actor, next, calls: () => calls };
}

describe('IndexBuilder machine', () => {
  it('builds segment after segment until none is pending', async () => {
    const h = harness();
    expect(h.actor.getSnapshot().value).toBe('idle');
    h.actor.send({ type: IndexBuilderEvents.segmentsChanged });
    (await h.next()).resolve(true);
    (await h.next()).resolve(true);
    (await h.next()).resolve(false);
    await waitFor(h.actor, (s) => s.matches('idle'));
    expect(h.actor.getSnapshot().context.built).toBe(2);
    expect(h.calls()).toBe(3);
  });

  it('looks again when segments changed during a build that found nothing', async () => {
    const h = harness();
    h.actor.send({ type: IndexBuilderEvents.segmentsChanged });
    const first = await h.next();
    h.actor.send({ type: IndexBuilderEvents.segmentsChanged });
    first.resolve(false);
    (await h.next()).resolve(false);
    await waitFor(h.actor, (s) => s.matches('idle'));
    expect(h.calls()).toBe(2);
  });

  it('a failed build goes idle with the error; the next change retries; stop ends it', async () => {
    const h = harness();
    h.actor.send({ type: IndexBuilderEvents.segmentsChanged });
    (await h.next()).reject(new Error('disk full'));
    await waitFor(h.actor, (s) => s.matches('idle'));
    expect(h.actor.getSnapshot().context.lastError).toBe('disk full');
    h.actor.send({ type: IndexBuilderEvents.segmentsChanged });
    (await h.next()).resolve(true);
    const last = await h.next();
    expect(h.actor.getSnapshot().context.lastError).toBeNull();
    h.actor.send({ type: IndexBuilderEvents.stopRequested });
    expect(h.actor.getSnapshot().status).toBe('done');
    last.resolve(false);
  });
});
