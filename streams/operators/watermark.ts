// watermark: tracks max event time and derives the watermark (max - lateness); optionally advances it while the source is idle.
import { Observable } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';

/** Mutable so a flow can checkpoint and restore it. */
export interface WatermarkState {
  maxEventTime: bigint | null;
}

export interface Watermarked<T> {
  /** null for an idle tick (no new data, the watermark moved with the clock). */
  value: T | null;
  /** Max event time before this value (what expiry is measured against). */
  maxBefore: bigint | null;
  /** Watermark before this value: windows ending at or before it were already final. */
  before: bigint | null;
  /** Watermark after this value. */
  after: bigint | null;
}

export interface IdleAdvance {
  /** After this long without data, event time is assumed to move with the scheduler's clock. */
  afterMs: number;
  scheduler: SchedulerLike;
}

/**
 * Annotates each value with the watermark before and after it. Event time is data-driven; with `idle`, a
 * quiet source lets the watermark advance by the elapsed scheduler time so the last windows still close.
 */
export function watermark<T>(
  /** null: no watermark (it stays null; windows are never final by event time). */
  latenessNs: bigint | null,
  maxEventTimeOf: (v: T) => bigint | null,
  state: WatermarkState = { maxEventTime: null },
  idle?: IdleAdvance,
): OperatorFunction<T, Watermarked<T>> {
  const wm = (): bigint | null => (state.maxEventTime === null || latenessNs === null ? null : state.maxEventTime - latenessNs);
  return (source) =>
    new Observable<Watermarked<T>>((subscriber) => {
      let timer: Subscription | null = null;
      const arm = (): void => {
        if (!idle) return;
        timer?.unsubscribe();
        timer = idle.scheduler.schedule(function tick() {
          if (state.maxEventTime !== null) {
            const before = wm();
            const maxBefore = state.maxEventTime;
            state.maxEventTime += BigInt(Math.round(idle.afterMs * 1e6));
            subscriber.next({ value: null, maxBefore, before, after: wm() });
          }
          this.schedule(undefined, idle.afterMs);
        }, idle.afterMs);
      };
      arm();
      const sub = source.subscribe({
        next(v) {
          const before = wm();
          const maxBefore = state.maxEventTime;
          const m = maxEventTimeOf(v);
          if (m !== null && (state.maxEventTime === null || m > state.maxEventTime)) state.maxEventTime = m;
          arm();
          subscriber.next({ value: v, maxBefore, before, after: wm() });
        },
        error(e) { subscriber.error(e); },
        complete() { subscriber.complete(); },
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
