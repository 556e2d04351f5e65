// The Region machine on its own: transitions with stand-in actors, no NATS or files.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import fc from 'fast-check';
import { regionMachine, RegionEvents } from '../../../actors/region/machine.ts';

type Gate = { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };
function gate(): Gate {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function machineWith(over: Partial<Record<'open' | 'replay' | 'flush' | 'compact' | 'close', () => Promise<unknown>>> = {}) {
  const ok = () => Promise.resolve();
  return regionMachine.provide({
    actors: {
      open: fromPromise(async () => { await (over.open ?? ok)(); }),
      replay: fromPromise(async () => Number((await (over.replay ?? (() => Promise.resolve(0)))()) ?? 0)),
      flush: fromPromise(async () => { await (over.flush ?? ok)(); }),
      compact: fromPromise(async () => { await (over.compact ?? ok)(); }),
      close: fromPromise(async () => { await (over.close ?? ok)(); }),
    },
  });
}

describe('region machine', () => {
  it('opens, replays, then serves; replayed rows are recorded', async () => {
    const a = createActor(machineWith({ replay: () => Promise.resolve(42) }), { input: { regionId: '1' } }).start();
    const s = await waitFor(a, (x) => x.matches('serving'));
    expect(s.context.replayedRows).toBe(42);
  });

  it('a failed open ends in failed with the error, and close still reaches closed', async () => {
    const a = createActor(machineWith({ open: () => Promise.reject(new Error('manifest corrupt')) }), { input: { regionId: '1' } }).start();
    const s = await waitFor(a, (x) => x.matches('failed'));
    expect(s.context.lastError).toMatch(/manifest corrupt/);
    a.send({ type: RegionEvents.closeRequested });
    expect(a.getSnapshot().matches('closed')).toBe(true);
  });

  it('flush goes serving -> flushing -> serving and counts; a second request while flushing is ignored', async () => {
    const g = gate();
    let flushes = 0;
    const a = createActor(machineWith({ flush: async () => { flushes++; await g.promise; } }), { input: { regionId: '1' } }).start();
    await waitFor(a, (x) => x.matches('serving'));
    a.send({ type: RegionEvents.flushRequested });
    expect(a.getSnapshot().matches('flushing')).toBe(true);
    a.send({ type: RegionEvents.flushRequested });
    g.resolve();
    const s = await waitFor(a, (x) => x.matches('serving'));
    expect(s.context.flushes).toBe(1);
    expect(flushes).toBe(1);
  });

  it('a failed flush returns to serving with the error kept', async () => {
    const a = createActor(machineWith({ flush: () => Promise.reject(new Error('disk full')) }), { input: { regionId: '1' } }).start();
    await waitFor(a, (x) => x.matches('serving'));
    a.send({ type: RegionEvents.flushRequested });
    const s = await waitFor(a, (x) => x.matches('serving'));
    expect(s.context.flushes).toBe(0);
    expect(s.context.lastError).toMatch(/disk full/);
  });

  it('any sequence of requests ends in closed after a close, and counts match completed work', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('flush', 'compact', 'close'), { maxLength: 12 }), async (ops) => {
        let flushes = 0;
        let compactions = 0;
        const a = createActor(
          machineWith({ flush: async () => { flushes++; }, compact: async () => { compactions++; } }),
          { input: { regionId: '1' } },
        ).start();
        await waitFor(a, (x) => x.matches('serving'));
        for (const op of ops) {
          if (a.getSnapshot().matches('closed')) break;
          a.send({ type: op === 'flush' ? RegionEvents.flushRequested : op === 'compact' ? RegionEvents.compactRequested : RegionEvents.closeRequested });
          await waitFor(a, (x) => x.matches('serving') || x.matches('closed'));
        }
        a.send({ type: RegionEvents.closeRequested });
        const s = await waitFor(a, (x) => x.matches('closed'));
        expect(s.context.flushes).toBe(flushes);
        expect(s.context.compactions).toBe(compactions);
      }),
      { numRuns: 50 },
    );
  });
});
