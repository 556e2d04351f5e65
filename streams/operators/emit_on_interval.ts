// emitOnInterval: buffers values and emits them as one array at most once per interval (leading and trailing).
import { Observable, asyncScheduler } from 'rxjs';
import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';

/**
 * The first value after a quiet interval goes out at once; values arriving within `intervalMs` of the last
 * emission are collected and go out together when the interval ends. On completion the rest is flushed.
 */
export function emitOnInterval<T>(intervalMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let buffer: T[] = [];
      let last = -Infinity;
      let timer: Subscription | null = null;
      const flush = (): void => {
        timer = null;
        if (buffer.length === 0) return;
        const out = buffer;
        buffer = [];
        last = scheduler.now();
        subscriber.next(out);
      };
      const sub = source.subscribe({
        next(v) {
          buffer.push(v);
          if (timer) return;
          const wait = last + intervalMs - scheduler.now();
          if (wait <= 0) flush();
          else timer = scheduler.schedule(flush, wait);
        },
        error(e) {
          subscriber.error(e);
        },
        complete() {
          timer?.unsubscribe();
          flush();
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
