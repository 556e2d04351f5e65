// Interval literals to Arrow's IntervalMonthDayNano, the form DataFusion prints in column names.
import type { Expr } from './ast.ts';
import { tryParseInterval } from '../duration.ts';

export interface MonthDayNano { months: number; days: number; nanoseconds: bigint }

/** Parses '1 day 2 hours', '5m', '1h30m' through core/duration.ts; undefined when the text is not an interval. */
export function parseIntervalText(text: string, defaultUnit?: string): MonthDayNano | undefined {
  const iv = tryParseInterval(text, defaultUnit ?? 'second');
  return iv ? { months: iv.months, days: iv.days, nanoseconds: iv.nanos } : undefined;
}

/** The value of INTERVAL '...' [UNIT] when its operand is a string literal. */
export function intervalToMonthDayNano(e: Expr & { type: 'interval' }): MonthDayNano | undefined {
  if (e.value.type !== 'string' && e.value.type !== 'number') return undefined;
  return parseIntervalText(e.value.value, e.unit?.toLowerCase());
}
