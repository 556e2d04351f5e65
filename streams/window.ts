// Time windows: recognising date_bin / tumble / hop / time() calls, and assigning an event time to its windows.
import type { Expr } from '../core/index.ts';
import { durationNs, positioned, timestampNs } from './expr.ts';
import type { WindowSpec } from './types.ts';

/** A window function call found in GROUP BY or the projection. */
export interface WindowCall {
  spec: WindowSpec;
  /** The event-time argument (null: the time index, as InfluxQL's time(1m)). */
  time: Expr | null;
  /** Which bound the call evaluates to. */
  edge: 'start' | 'end';
}

const TRUNC_UNITS: Record<string, bigint> = {
  second: 1_000_000_000n, minute: 60_000_000_000n, hour: 3_600_000_000_000n, day: 86_400_000_000_000n, week: 604_800_000_000_000n,
};
// date_trunc('week') in DataFusion starts on Monday; 1970-01-05 was one.
const MONDAY = 4n * 86_400_000_000_000n;

function fnName(e: Expr): string | null {
  return e.type === 'function' ? e.name[e.name.length - 1]!.value.toLowerCase() : null;
}

/** The window described by `e`, or null when it is not a window function. Throws on malformed arguments. */
export function windowCallOf(e: Expr): WindowCall | null {
  const name = fnName(e);
  if (!name || e.type !== 'function') return null;
  const a = e.args;
  const need = (n: number, sig: string): void => {
    if (a.length < n) throw positioned(`${name}() expects ${sig}`, e.pos);
  };
  switch (name) {
    case 'date_bin': {
      need(2, '(interval, time [, origin])');
      const size = durationNs(a[0]!, 'date_bin');
      const origin = a[2] ? timestampNs(a[2], 'date_bin origin') : 0n;
      return { spec: checked({ sizeNs: size, slideNs: size, originNs: origin }, e), time: a[1]!, edge: 'start' };
    }
    case 'tumble':
    case 'tumble_start':
    case 'tumble_end': {
      need(2, '(time, interval [, origin])');
      const size = durationNs(a[1]!, name);
      const origin = a[2] ? timestampNs(a[2], `${name} origin`) : 0n;
      return { spec: checked({ sizeNs: size, slideNs: size, originNs: origin }, e), time: a[0]!, edge: name === 'tumble_end' ? 'end' : 'start' };
    }
    case 'hop':
    case 'hop_start':
    case 'hop_end': {
      need(3, '(time, size, slide [, origin])');
      // Flink writes HOP(time, slide, size); the roadmap writes hop(ts, size, slide). A slide never exceeds the size,
      // so the larger duration is the size either way.
      const x = durationNs(a[1]!, name);
      const y = durationNs(a[2]!, name);
      const origin = a[3] ? timestampNs(a[3], `${name} origin`) : 0n;
      const spec = { sizeNs: x > y ? x : y, slideNs: x > y ? y : x, originNs: origin };
      return { spec: checked(spec, e), time: a[0]!, edge: name === 'hop_end' ? 'end' : 'start' };
    }
    case 'date_trunc': {
      need(2, "('minute', time)");
      const unit = a[0]!.type === 'string' ? a[0]!.value.toLowerCase() : '';
      const size = TRUNC_UNITS[unit];
      if (!size) throw positioned(`date_trunc('${unit}') is not supported as a flow window (use second, minute, hour, day or week)`, a[0]!.pos);
      return { spec: { sizeNs: size, slideNs: size, originNs: unit === 'week' ? MONDAY : 0n }, time: a[1]!, edge: 'start' };
    }
    case 'time': {
      need(1, '(interval), as in GROUP BY time(1m)');
      const size = durationNs(a[0]!, 'time()');
      const origin = a[1] ? durationNs(a[1], 'time() offset') : 0n;
      return { spec: checked({ sizeNs: size, slideNs: size, originNs: origin }, e), time: null, edge: 'start' };
    }
    default:
      return null;
  }
}

function checked(spec: WindowSpec, e: Expr): WindowSpec {
  if (spec.sizeNs <= 0n || spec.slideNs <= 0n) throw positioned('A window size must be positive', e.pos);
  return spec;
}

export function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  return a.sizeNs === b.sizeNs && a.slideNs === b.slideNs && a.originNs === b.originNs;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** The start of the latest window containing `t`. */
export function lastWindowStart(spec: WindowSpec, t: bigint): bigint {
  return floorDiv(t - spec.originNs, spec.slideNs) * spec.slideNs + spec.originNs;
}

/**
 * Calls `fn(start)` for every window of `spec` containing `t` whose end is after `openAfter`
 * (windows ending at or before the watermark are final and take no more rows). Returns how many.
 */
export function forEachOpenWindow(spec: WindowSpec, t: bigint, openAfter: bigint | null, fn: (start: bigint) => void): number {
  let n = 0;
  for (let s = lastWindowStart(spec, t); s + spec.sizeNs > t; s -= spec.slideNs) {
    if (openAfter !== null && s + spec.sizeNs <= openAfter) break;
    fn(s);
    n++;
  }
  return n;
}
