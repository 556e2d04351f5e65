// Hosts one region's IndexBuilder actor: runs its builds against the region's RegionStore, off the write path.
import { createActor, fromPromise, waitFor, type Actor } from 'xstate';
import type { RegionStore } from '../../storage/index.ts';
import { IndexBuilderEvents, indexBuilderMachine } from './machine.ts';

export class IndexBuilder {
  private readonly actor: Actor<typeof indexBuilderMachine>;
  private inflight: Promise<unknown> = Promise.resolve();

  constructor(regionId: string, store: () => RegionStore, log: (m: string) => void) {
    const machine = indexBuilderMachine.provide({
      actors: {
        buildNext: fromPromise(async () => {
          // one step at a time, after the event loop had a turn: a burst of flushes does not starve writes
          await new Promise<void>((r) => setImmediate(r));
          const p = store().indexes.buildNext();
          this.inflight = p.catch(() => undefined);
          try {
            return await p;
          } catch (e) {
            log(`region ${regionId}: index build failed: ${(e as Error).message}`);
            throw e;
          }
        }),
      },
    });
    this.actor = createActor(machine, { input: { regionId } });
    this.actor.start();
  }

  /** Segments were added, merged or dropped, or the declared indexes changed. */
  notify(): void {
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: IndexBuilderEvents.segmentsChanged });
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  get built(): number {
    return this.actor.getSnapshot().context.built;
  }

  get lastError(): string | null {
    return this.actor.getSnapshot().context.lastError;
  }

  /** Resolves when nothing is pending: the builder is idle (tests and ADMIN wait on this, not on time). */
  async idle(): Promise<void> {
    await waitFor(this.actor, (s) => s.matches('idle') || s.status !== 'active', { timeout: 600_000 });
  }

  /** Stops building; waits for the build in flight. */
  async stop(): Promise<void> {
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: IndexBuilderEvents.stopRequested });
    await this.inflight;
    this.actor.stop();
  }
}
