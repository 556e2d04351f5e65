// What every processor shares: the compiled step type and the loop over its fields that handles missing values.
import type { Options } from '../config.ts';
import { TimeCol, textOf, type Ctx } from '../context.ts';

/** A compiled processor: runs over the whole batch in place. */
export type Step = (ctx: Ctx) => void;
export type ProcessorCompiler = (o: Options) => Step;

/** Thrown inside a per-line function: the line fails with this message (the loop adds processor and field). */
export class LineFail extends Error {}

/**
 * Calls fn(value, row) for every live line with a value in the input field; a missing value fails the line unless
 * ignore_missing. fn returns what goes to the output field (undefined: nothing); a LineFail fails the line.
 */
export function mapField(
  ctx: Ctx, name: string, input: string, ignoreMissing: boolean,
  fn: (v: unknown, row: number) => unknown, output?: unknown[],
): void {
  const col = ctx.get(input);
  const n = ctx.n;
  const dead = ctx.dead;
  if (col === undefined || col instanceof TimeCol) {
    if (col instanceof TimeCol) {
      for (let i = 0; i < n; i++) if (!dead[i]) ctx.fail(i, name, input, `field '${input}' holds a time, not text`);
      return;
    }
    if (!ignoreMissing) for (let i = 0; i < n; i++) if (!dead[i]) ctx.fail(i, name, input, `field '${input}' is missing`);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (dead[i]) continue;
    const v = col[i];
    if (v === undefined || v === null) {
      if (!ignoreMissing) ctx.fail(i, name, input, `field '${input}' is missing`);
      continue;
    }
    try {
      const r = fn(v, i);
      if (r !== undefined && output) output[i] = r;
    } catch (e) {
      if (e instanceof LineFail) ctx.fail(i, name, input, e.message);
      else throw e;
    }
  }
}

/** The text of a value, or a line failure naming what it was. */
export function needText(v: unknown): string {
  const t = textOf(v);
  if (t === null) throw new LineFail(`expected text, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  return t;
}
