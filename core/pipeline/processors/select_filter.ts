// select (keep or drop fields) and filter (drop the lines whose field is, or is not, in a list of targets).
import type { Options } from '../config.ts';
import { textOf } from '../context.ts';
import type { Step } from './common.ts';

export function select(o: Options): Step {
  o.only(['field', 'fields', 'type']);
  const names = o.fields().map((f) => f);
  const type = o.oneOf('type', ['include', 'exclude'] as const, 'include');
  return (ctx) => {
    if (type === 'exclude') {
      for (const f of names) ctx.cols.delete(f.input);
      return;
    }
    const kept = new Map<string, ReturnType<typeof ctx.get>>();
    for (const f of names) {
      const c = ctx.get(f.input);
      if (c !== undefined) kept.set(f.output, c);
    }
    ctx.cols.clear();
    for (const [k, c] of kept) ctx.cols.set(k, c!);
  };
}

export function filter(o: Options): Step {
  o.only(['field', 'fields', 'mode', 'match_op', 'case_insensitive', 'targets']);
  const fields = o.fields();
  o.oneOf('mode', ['simple'] as const, 'simple');
  const op = o.oneOf('match_op', ['in', 'not_in'] as const, 'in');
  const ci = o.bool('case_insensitive', true);
  const targets = new Set(o.strings('targets', true).map((t) => (ci ? t.toLowerCase() : t)));
  return (ctx) => {
    const n = ctx.n;
    for (const f of fields) {
      const col = ctx.get(f.input);
      const arr = Array.isArray(col) ? col : null;
      for (let i = 0; i < n; i++) {
        if (ctx.dead[i]) continue;
        // a line without the field is not checked against it (with not_in too), as GreptimeDB's filter skips it
        const t = arr ? textOf(arr[i]) : null;
        if (t === null) continue;
        const hit = targets.has(ci ? t.toLowerCase() : t);
        if (hit === (op === 'in')) {
          ctx.dead[i] = 1;
          ctx.filtered[i] = 1;
        }
      }
    }
  };
}
