// Interval literals to Arrow's IntervalMonthDayNano, the form DataFusion prints in column names.
import type { Expr } from './ast.ts';

export interface MonthDayNano { months: number; days: number; nanoseconds: bigint }

const NS = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
/** unit -> [months, days, nanoseconds] per 1 unit. */
const UNITS: Record<string, [number, number, bigint]> = {
  millennium: [12000, 0, 0n], millenniums: [12000, 0, 0n], century: [1200, 0, 0n], centuries: [1200, 0, 0n],
  decade: [120, 0, 0n], decades: [120, 0, 0n],
  year: [12, 0, 0n], years: [12, 0, 0n], y: [12, 0, 0n], quarter: [3, 0, 0n], quarters: [3, 0, 0n],
  month: [1, 0, 0n], months: [1, 0, 0n], mon: [1, 0, 0n], mons: [1, 0, 0n],
  week: [0, 7, 0n], weeks: [0, 7, 0n], w: [0, 7, 0n], day: [0, 1, 0n], days: [0, 1, 0n], d: [0, 1, 0n],
  hour: [0, 0, 3600n * NS.s], hours: [0, 0, 3600n * NS.s], h: [0, 0, 3600n * NS.s],
  minute: [0, 0, 60n * NS.s], minutes: [0, 0, 60n * NS.s], m: [0, 0, 60n * NS.s], min: [0, 0, 60n * NS.s], mins: [0, 0, 60n * NS.s],
  second: [0, 0, NS.s], seconds: [0, 0, NS.s], s: [0, 0, NS.s], sec: [0, 0, NS.s], secs: [0, 0, NS.s],
  millisecond: [0, 0, NS.ms], milliseconds: [0, 0, NS.ms], ms: [0, 0, NS.ms],
  microsecond: [0, 0, NS.us], microseconds: [0, 0, NS.us], us: [0, 0, NS.us],
  nanosecond: [0, 0, NS.ns], nanoseconds: [0, 0, NS.ns], ns: [0, 0, NS.ns],
};

/** Parses '1 day 2 hours', '5m', '1h30m'; undefined when the text is not an interval. */
export function parseIntervalText(text: string, defaultUnit?: string): MonthDayNano | undefined {
  const out: MonthDayNano = { months: 0, days: 0, nanoseconds: 0n };
  const re = /\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*/y;
  let matched = false;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    const unit = (m[2] || defaultUnit || 'second').toLowerCase();
    const per = UNITS[unit];
    if (!per) return undefined;
    const v = Number(m[1]);
    if (!Number.isInteger(v)) {
      // Fractions spill into nanoseconds only for time units; calendar fractions are not folded here.
      if (per[2] === 0n) return undefined;
      out.nanoseconds += BigInt(Math.round(v * Number(per[2])));
    } else {
      out.months += v * per[0];
      out.days += v * per[1];
      out.nanoseconds += BigInt(v) * per[2];
    }
    matched = true;
  }
  return matched && re.lastIndex >= text.length ? out : undefined;
}

/** The value of INTERVAL '...' [UNIT] when its operand is a string literal. */
export function intervalToMonthDayNano(e: Expr & { type: 'interval' }): MonthDayNano | undefined {
  if (e.value.type !== 'string' && e.value.type !== 'number') return undefined;
  return parseIntervalText(e.value.value, e.unit?.toLowerCase());
}
