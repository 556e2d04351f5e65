// Element-wise functions on instant vectors: math (abs, ceil, ln, trig, ...), clamp, round and the calendar
// functions (hour, day_of_week, ...). Each drops `__name__`, as Prometheus does.
import { PromQLExecError } from '../../errors.ts';
import { goDate, goDaysInMonth, type GoDate } from './go_time.ts';
import type { StepSeries, Value } from './values.ts';
import { newSeries } from './values.ts';

const unary: Record<string, (x: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
  deg: (x) => (x * 180) / Math.PI,
  rad: (x) => (x * Math.PI) / 180,
};

const calendar: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

const goCalendar: Record<string, (d: GoDate) => number> = {
  day_of_month: (d) => d.day,
  day_of_week: (d) => d.weekday,
  day_of_year: (d) => d.yday + 1,
  days_in_month: (d) => goDaysInMonth(d.year, d.month),
  hour: (d) => d.hour,
  minute: (d) => d.minute,
  month: (d) => d.month,
  year: (d) => d.year,
};

export const MATH_FUNCTIONS: ReadonlySet<string> = new Set([...Object.keys(unary), 'clamp', 'clamp_min', 'clamp_max', 'round']);
export const CALENDAR_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(calendar));

function mapSeries(series: StepSeries[], n: number, f: (x: number, i: number) => number | undefined): Value {
  const out: StepSeries[] = [];
  for (const s of series) {
    const r = newSeries(s.labels, n);
    r.dropName = true;
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!s.has[i]) continue;
      const y = f(s.v[i]!, i);
      if (y === undefined) continue;
      r.v[i] = y;
      r.has[i] = 1;
      any = true;
    }
    if (any) out.push(r);
  }
  return { type: 'vector', series: out };
}

export function evalMathFunction(name: string, series: StepSeries[], scalars: Float64Array[], n: number): Value {
  const u = unary[name];
  if (u) return mapSeries(series, n, (x) => u(x));
  switch (name) {
    case 'clamp': return mapSeries(series, n, (x, i) => {
      const lo = scalars[0]![i]!;
      const hi = scalars[1]![i]!;
      if (hi < lo) return undefined;
      return Math.max(lo, Math.min(hi, x));
    });
    case 'clamp_min': return mapSeries(series, n, (x, i) => Math.max(scalars[0]![i]!, x));
    case 'clamp_max': return mapSeries(series, n, (x, i) => Math.min(scalars[0]![i]!, x));
    case 'round': return mapSeries(series, n, (x, i) => {
      const inv = 1 / (scalars[0] ? scalars[0][i]! : 1);
      return Math.floor(x * inv + 0.5) / inv;
    });
  }
  throw new PromQLExecError(`function "${name}" is not implemented`);
}

/** Calendar functions read each sample's value as Unix seconds; without an argument they read the step's time. */
export function evalCalendarFunction(name: string, series: StepSeries[] | undefined, steps: Float64Array): Value {
  const f = calendar[name]!;
  const n = steps.length;
  const g = goCalendar[name]!;
  // JS dates cover ±8.64e12 s; beyond that (and for NaN/Inf) Go's int64 conversion and wrap-around decide the answer.
  const at = (secs: number): number => (Math.abs(secs) < 8.64e12 ? f(new Date(Math.trunc(secs) * 1000)) : g(goDate(secs)));
  if (!series) {
    const r = newSeries([], n);
    for (let i = 0; i < n; i++) { r.v[i] = at(steps[i]! / 1000); r.has[i] = 1; }
    return { type: 'vector', series: [r] };
  }
  return mapSeries(series, n, (x) => at(x));
}
