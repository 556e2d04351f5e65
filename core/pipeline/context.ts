// The columnar state a compiled pipeline works on: one array per field over the whole batch, a time column kind, dropped lines, errors.
import type { TimeUnit } from '../schema.ts';

/** A time value column made by the date / epoch processors: int64 nanoseconds, no per-line objects. */
export class TimeCol {
  readonly ns: BigInt64Array;
  readonly valid: Uint8Array;
  constructor(n: number, readonly unit: TimeUnit) {
    this.ns = new BigInt64Array(n);
    this.valid = new Uint8Array(n);
  }
}

/** A field over the batch: plain values (string, number, boolean, object, array; undefined when missing) or times. */
export type Col = unknown[] | TimeCol;

/** One line a pipeline could not process: which line, which processor (or transform), which field, why. */
export interface LineError {
  row: number;
  processor: string;
  field: string;
  message: string;
}

export class Ctx {
  readonly cols = new Map<string, Col>();
  /** 1: the line is out (filtered, or failed); processors skip it. */
  readonly dead: Uint8Array;
  /** 1 where the line was dropped by a filter processor (not an error). */
  readonly filtered: Uint8Array;
  readonly errors: LineError[] = [];
  constructor(readonly n: number) {
    this.dead = new Uint8Array(n);
    this.filtered = new Uint8Array(n);
  }

  /** The plain-value column of a field (a time column is read as its ns numbers' ISO text only by printing). */
  get(name: string): Col | undefined {
    return this.cols.get(name);
  }

  /** The plain column of a field, created empty when missing. */
  out(name: string): unknown[] {
    const c = this.cols.get(name);
    if (Array.isArray(c)) return c;
    const a = new Array<unknown>(this.n);
    this.cols.set(name, a);
    return a;
  }

  fail(row: number, processor: string, field: string, message: string): void {
    if (this.dead[row]) return;
    this.dead[row] = 1;
    this.errors.push({ row, processor, field, message });
  }
}

/** A value as a string for processors that take text: strings as they are, numbers and booleans printed, else null. */
export function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return null;
}
