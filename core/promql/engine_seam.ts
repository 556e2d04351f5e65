// The one seam between the PromQL engine (core/promql/index.ts, branch wt-promql) and its users here: the Prometheus
// HTTP API and TQL. Until that engine lands this file holds a minimal stand-in (number literals, vector selectors with
// matchers, `[range]` selectors) so both can be tested end to end. AT MERGE: replace this whole file with
//   export { parsePromQL, evalInstant, evalRange, PromQLParseError, compileRegex } from './index.ts';
// (the names and signatures are the engine's; users import only these five from here).
import { InvalidArgumentError } from '../errors.ts';
import { parseSelectorAt } from './selector.ts';
import type { EvalOptions, LabelMatcher, PromValue, SeriesSamples, SeriesSource } from './types.ts';

/** A PromQL syntax error (the engine's class; the API answers it 400 bad_data). */
export class PromQLParseError extends InvalidArgumentError {}

/** A label regex, fully anchored (the engine's version translates Go RE2 syntax such as `(?i:...)` for JS). */
export function compileRegex(re: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`, 's');
  } catch (e) {
    throw new InvalidArgumentError(`invalid regular expression "${re}": ${(e as Error).message}`);
  }
}

type Query =
  | { kind: 'number'; v: number }
  | { kind: 'selector'; matchers: LabelMatcher[]; rangeMs: number | null };

const DUR = /^(\d+)(ms|s|m|h|d|w|y)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3, y: 31536000e3 };

/** Stand-in parser: a number, or a selector with an optional `[dur]`. */
export function parsePromQL(text: string): Query {
  const q = text.trim();
  if (q === '') throw new PromQLParseError('1:1: parse error: no expression found in input');
  const n = Number(q);
  if (!Number.isNaN(n) || q === 'NaN') return { kind: 'number', v: n };
  let sel: { matchers: LabelMatcher[]; end: number };
  try {
    sel = parseSelectorAt(q);
  } catch (e) {
    throw new PromQLParseError(`${(e as Error).message} (the PromQL engine is not merged yet: selectors only)`);
  }
  const rest = q.slice(sel.end).trim();
  let rangeMs: number | null = null;
  if (rest !== '') {
    const m = /^\[\s*([^\]]+?)\s*\]$/.exec(rest);
    const d = m ? DUR.exec(m[1]!) : null;
    if (!d) throw new PromQLParseError(`1:${sel.end + 1}: parse error: unexpected '${rest}' (the PromQL engine is not merged yet: selectors only)`);
    rangeMs = Number(d[1]) * UNIT_MS[d[2]!]!;
  }
  return { kind: 'selector', matchers: sel.matchers, rangeMs };
}

const isStale = (v: Float64Array, i: number) => {
  const u = new Uint32Array(v.buffer, v.byteOffset + i * 8, 2);
  return u[0] === 2 && u[1] === 0x7ff00000;
};

function instantAt(s: SeriesSamples, t: number, lookback: number): number | null {
  let k = -1;
  for (let i = 0; i < s.t.length && s.t[i]! <= t; i++) k = i;
  if (k < 0 || s.t[k]! <= t - lookback || isStale(s.v, k)) return null;
  return k;
}

const dropName = (l: SeriesSamples['labels']) => l;

export async function evalInstant(query: Query | string, timeMs: number, source: SeriesSource, opts: EvalOptions = {}): Promise<PromValue> {
  const q = typeof query === 'string' ? parsePromQL(query) : query;
  if (q.kind === 'number') return { type: 'scalar', t: timeMs, v: q.v };
  const lookback = opts.lookbackMs ?? 300_000;
  if (q.rangeMs !== null) {
    const series = await source.select(q.matchers, timeMs - q.rangeMs + 1, timeMs);
    return { type: 'matrix', series: series.filter((s) => s.t.length > 0) };
  }
  const series = await source.select(q.matchers, timeMs - lookback + 1, timeMs);
  const samples: { labels: SeriesSamples['labels']; t: number; v: number }[] = [];
  for (const s of series) {
    const k = instantAt(s, timeMs, lookback);
    if (k !== null) samples.push({ labels: dropName(s.labels), t: timeMs, v: s.v[k]! });
  }
  return { type: 'vector', samples };
}

export async function evalRange(query: Query | string, startMs: number, endMs: number, stepMs: number, source: SeriesSource, opts: EvalOptions = {}): Promise<PromValue> {
  const q = typeof query === 'string' ? parsePromQL(query) : query;
  const steps = Math.floor((endMs - startMs) / stepMs) + 1;
  if (q.kind === 'number') {
    const t = Float64Array.from({ length: steps }, (_, i) => startMs + i * stepMs);
    return { type: 'matrix', series: [{ labels: [], t, v: new Float64Array(steps).fill(q.v) }] };
  }
  if (q.rangeMs !== null) throw new InvalidArgumentError('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  const lookback = opts.lookbackMs ?? 300_000;
  const series = await source.select(q.matchers, startMs - lookback + 1, endMs);
  const out: SeriesSamples[] = [];
  for (const s of series) {
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < steps; i++) {
      const at = startMs + i * stepMs;
      const k = instantAt(s, at, lookback);
      if (k !== null) (t.push(at), v.push(s.v[k]!));
    }
    if (t.length) out.push({ labels: s.labels, t: Float64Array.from(t), v: Float64Array.from(v) });
  }
  return { type: 'matrix', series: out };
}
