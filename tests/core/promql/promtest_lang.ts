// A reader and runner for Prometheus's PromQL test language (load / clear / eval / eval_ordered / eval_fail).
import { MemorySeriesSource, evalInstant, evalRange, parseDuration, parsePromQL } from '../../../core/promql/index.ts';

const STALE_BITS = 0x7ff0000000000002n;
import type { Labels, PromExpr, PromValue } from '../../../core/promql/index.ts';

/** A loaded value: a number, a gap, or a staleness marker (kept apart: a JS array may drop a NaN's payload). */
export type Val = number | undefined | 'stale';

export interface EvalCase {
  line: number;
  kind: 'eval' | 'eval_ordered' | 'eval_fail';
  atMs: number;
  expr: string;
  expected: { labels: Labels; value: number }[];
}
export type Command = { kind: 'load'; stepMs: number; series: { labels: Labels; values: Val[] }[] } | { kind: 'clear' } | EvalCase;

function parseNumber(s: string): number {
  const low = s.toLowerCase();
  if (low === 'inf' || low === '+inf') return Infinity;
  if (low === '-inf') return -Infinity;
  if (low === 'nan') return NaN;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`bad number ${s}`);
  return n;
}

/** Parses `name{a="b", c="d"}` (either part optional) into sorted labels; returns the rest of the line. */
function parseSeriesDesc(s: string): { labels: Labels; rest: string } {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{[^}]*\})?/.exec(s)!;
  const labels: [string, string][] = [];
  if (m[1]) labels.push(['__name__', m[1]]);
  if (m[2]) {
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
    let x: RegExpExecArray | null;
    while ((x = re.exec(m[2]))) labels.push([x[1]!, JSON.parse(`"${x[2]!}"`) as string]);
  }
  labels.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { labels, rest: s.slice(m[0].length) };
}

/** Expanding notation: `a+bxn`, `a-bxn`, `_`, `_xn`, `stale`, plain numbers. */
export function expandValues(text: string): Val[] {
  const out: Val[] = [];
  for (const tok of text.trim().split(/\s+/).filter(Boolean)) {
    let m = /^_x(\d+)$/.exec(tok);
    if (m) { for (let i = 0; i < Number(m[1]); i++) out.push(undefined); continue; }
    if (tok === '_') { out.push(undefined); continue; }
    if (tok === 'stale') { out.push('stale'); continue; }
    m = /^([-+]?[^-+x]+?(?:e[-+]?\d+)?)([-+])([^x]+)x(\d+)$/i.exec(tok);
    if (m) {
      const a = parseNumber(m[1]!);
      const b = parseNumber(m[3]!) * (m[2] === '-' ? -1 : 1);
      for (let i = 0; i <= Number(m[4]); i++) out.push(a + b * i);
      continue;
    }
    m = /^(.+)x(\d+)$/.exec(tok);
    if (m && !/^0x/i.test(tok)) { const a = parseNumber(m[1]!); for (let i = 0; i <= Number(m[2]); i++) out.push(a); continue; }
    out.push(parseNumber(tok));
  }
  return out;
}

export function parseTestFile(text: string): Command[] {
  const lines = text.split('\n');
  const cmds: Command[] = [];
  let i = 0;
  const body = (): string[] => {
    const out: string[] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i]!) && !/^\s*#/.test(lines[i]!)) out.push(lines[i++]!.trim());
    return out;
  };
  while (i < lines.length) {
    const line = lines[i]!.trim();
    const lineNo = ++i;
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'clear') { cmds.push({ kind: 'clear' }); continue; }
    let m = /^load\s+(\S+)$/.exec(line);
    if (m) {
      const series = body().map((l) => { const d = parseSeriesDesc(l); return { labels: d.labels, values: expandValues(d.rest) }; });
      cmds.push({ kind: 'load', stepMs: parseDuration(m[1]!)!, series });
      continue;
    }
    m = /^(eval|eval_ordered|eval_fail)\s+instant\s+at\s+(\S+)\s+(.+)$/.exec(line);
    if (m) {
      const expected = body().map((l) => {
        if (/^[-+]?(\d|\.\d|inf|nan)/i.test(l) && !/[{}]/.test(l)) return { labels: [] as Labels, value: parseNumber(l.trim()) };
        const d = parseSeriesDesc(l);
        return { labels: d.labels, value: parseNumber(d.rest.trim()) };
      });
      cmds.push({ kind: m[1] as EvalCase['kind'], line: lineNo, atMs: parseDuration(m[2]!)!, expr: m[3]!, expected });
      continue;
    }
    throw new Error(`line ${lineNo}: cannot read ${line}`);
  }
  return cmds;
}

export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const diff = Math.abs(a - b);
  const minNormal = 2.2250738585072014e-308;
  if (a === 0 || b === 0 || diff < minNormal) return diff < 1e-6 * minNormal;
  return diff / (Math.abs(a) + Math.abs(b)) < 1e-6;
}

const key = (l: Labels): string => JSON.stringify(l);

/** Checks one answer against the expected lines; returns an explanation when they differ. */
export function compare(c: EvalCase, got: PromValue): string | undefined {
  if (got.type === 'scalar') {
    if (c.expected.length !== 1 || c.expected[0]!.labels.length) return `got scalar ${got.v}, expected ${c.expected.length} series`;
    return almostEqual(got.v, c.expected[0]!.value) ? undefined : `scalar ${got.v} != ${c.expected[0]!.value}`;
  }
  if (got.type !== 'vector') return `got ${got.type}`;
  if (got.samples.length !== c.expected.length) return `got ${got.samples.length} samples, expected ${c.expected.length}: ${got.samples.map((s) => key(s.labels) + ' ' + s.v).join('; ')}`;
  if (c.kind === 'eval_ordered') {
    for (let k = 0; k < c.expected.length; k++) {
      const e = c.expected[k]!;
      const g = got.samples[k]!;
      if (key(e.labels) !== key(g.labels) || !almostEqual(e.value, g.v)) return `at ${k}: got ${key(g.labels)} ${g.v}, expected ${key(e.labels)} ${e.value}`;
    }
    return undefined;
  }
  const byKey = new Map(got.samples.map((s) => [key(s.labels), s.v]));
  if (byKey.size !== got.samples.length) return 'duplicate label sets in answer';
  for (const e of c.expected) {
    const v = byKey.get(key(e.labels));
    if (v === undefined) return `missing ${key(e.labels)}; got ${[...byKey.keys()].join(' ')}`;
    if (!almostEqual(v, e.value)) return `${key(e.labels)}: got ${v}, expected ${e.value}`;
  }
  return undefined;
}

export interface FileResult {
  total: number;
  passed: number;
  failures: string[];
  /** The same evals as range queries (t-1m..t+1m, step 1m, middle step compared), as Prometheus's harness also runs them. */
  rangeTotal: number;
  rangePassed: number;
  /** The same evals with `@ t` pinned on every selector, evaluated at other times (Prometheus's atModifierTestCases). */
  atTotal: number;
  atPassed: number;
}

const AT_UNSAFE = new Set(['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'time', 'timestamp']);

/** Pins `@ t` on every selector and subquery that has none (not inside a pinned subquery); undefined when unsafe. */
function pinAt(e: PromExpr, ms: number): boolean {
  let safe = true;
  const walk = (n: PromExpr): void => {
    switch (n.kind) {
      case 'vector': n.at ??= { kind: 'time', ms }; return;
      case 'matrix': n.vector.at ??= { kind: 'time', ms }; return;
      case 'subquery': n.at ??= { kind: 'time', ms }; return; // selectors inside a pinned subquery keep its times
      case 'call': if (AT_UNSAFE.has(n.func)) safe = false; n.args.forEach(walk); return;
      case 'aggregate': walk(n.expr); if (n.param) walk(n.param); return;
      case 'binary': walk(n.lhs); walk(n.rhs); return;
      case 'unary': case 'paren': walk(n.expr); return;
      default: return;
    }
  };
  walk(e);
  return safe;
}

function rangeMiddle(v: PromValue, atMs: number, scalar: boolean): PromValue {
  if (v.type !== 'matrix') return v;
  const samples: { labels: Labels; t: number; v: number }[] = [];
  for (const s of v.series) for (let k = 0; k < s.t.length; k++) if (s.t[k] === atMs) samples.push({ labels: s.labels, t: atMs, v: s.v[k]! });
  if (scalar) return { type: 'scalar', t: atMs, v: samples[0]?.v ?? NaN };
  return { type: 'vector', samples };
}

export async function runTestFile(text: string): Promise<FileResult> {
  const res: FileResult = { total: 0, passed: 0, failures: [], rangeTotal: 0, rangePassed: 0, atTotal: 0, atPassed: 0 };
  let src = new MemorySeriesSource();
  for (const cmd of parseTestFile(text)) {
    if (cmd.kind === 'clear') { src = new MemorySeriesSource(); continue; }
    if (cmd.kind === 'load') {
      const lastLine = new Map<string, (typeof cmd.series)[number]>();
      for (const s of cmd.series) lastLine.set(key(s.labels), s);
      for (const s of lastLine.values()) {
        const t: number[] = [];
        const idx: number[] = [];
        s.values.forEach((x, k) => { if (x !== undefined) { t.push(k * cmd.stepMs); idx.push(k); } });
        const v = new Float64Array(t.length);
        const bits = new BigUint64Array(v.buffer);
        idx.forEach((k, j) => { const x = s.values[k]; if (x === 'stale') bits[j] = STALE_BITS; else v[j] = x as number; });
        src.add(s.labels, t, v);
      }
      continue;
    }
    res.total++;
    let got: PromValue | undefined;
    let err: unknown;
    try {
      got = await evalInstant(cmd.expr, cmd.atMs, src);
    } catch (e) {
      err = e;
    }
    let why: string | undefined;
    if (cmd.kind === 'eval_fail') why = err ? undefined : 'expected an error';
    else if (err) why = `error: ${(err as Error).message}`;
    else why = compare(cmd, got!);
    if (why === undefined) res.passed++;
    else res.failures.push(`line ${cmd.line}: ${cmd.expr} -> ${why}`);
    if (cmd.kind !== 'eval' || !got || (got.type !== 'vector' && got.type !== 'scalar')) continue;
    res.rangeTotal++;
    try {
      const r = await evalRange(cmd.expr, cmd.atMs - 60_000, cmd.atMs + 60_000, 60_000, src);
      const w = compare(cmd, rangeMiddle(r, cmd.atMs, got.type === 'scalar'));
      if (w === undefined) res.rangePassed++;
      else res.failures.push(`line ${cmd.line} (range): ${cmd.expr} -> ${w}`);
    } catch (e) {
      res.failures.push(`line ${cmd.line} (range): ${cmd.expr} -> error: ${(e as Error).message}`);
    }
    const pinned = parsePromQL(cmd.expr);
    if (!pinAt(pinned, cmd.atMs)) continue;
    const ts = cmd.atMs;
    for (const et of ts === 0 ? [-1000, 0, 1000] : [-10 * ts, 0, ts / 5, ts, 10 * ts]) {
      res.atTotal++;
      try {
        const w = compare(cmd, await evalInstant(pinned, et, src));
        if (w === undefined) res.atPassed++;
        else res.failures.push(`line ${cmd.line} (@ pinned, at ${et}): ${cmd.expr} -> ${w}`);
      } catch (e) {
        res.failures.push(`line ${cmd.line} (@ pinned, at ${et}): ${cmd.expr} -> error: ${(e as Error).message}`);
      }
    }
  }
  return res;
}
