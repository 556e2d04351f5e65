// Functions on labels and whole vectors: label_replace, label_join, sort, sort_desc, absent, scalar, vector, timestamp.
import { PromQLExecError } from '../../errors.ts';
import type { PromExpr } from '../parser/ast.ts';
import { anchoredRegex } from '../regex.ts';
import type { Labels } from '../types.ts';
import type { StepSeries, Value } from './values.ts';
import { compareLabels, getLabel, mergeSameLabels, newSeries, setLabel } from './values.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's regexp Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; a name is the longest run of word characters. */
export function expandTemplate(tpl: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i]!;
    if (c !== '$' || i + 1 >= tpl.length) { out += c; continue; }
    if (tpl[i + 1] === '$') { out += '$'; i++; continue; }
    let name: string;
    let end: number;
    if (tpl[i + 1] === '{') {
      const close = tpl.indexOf('}', i + 2);
      const inner = close < 0 ? '' : tpl.slice(i + 2, close);
      if (close < 0 || !/^\w+$/.test(inner)) { out += c; continue; }
      name = inner;
      end = close;
    } else {
      const mm = /^\w+/.exec(tpl.slice(i + 1));
      if (!mm) { out += c; continue; }
      name = mm[0];
      end = i + name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
    i = end;
  }
  return out;
}

/** A relabelled series keeps its input's mark for dropping `__name__`, unless it wrote `__name__` itself. */
function withName(r: StepSeries, from: StepSeries, written: string): StepSeries {
  if (from.dropName && written !== '__name__') r.dropName = true;
  return r;
}

export function labelReplace(series: StepSeries[], dst: string, repl: string, src: string, regex: string): Value {
  let re: RegExp;
  try {
    re = anchoredRegex(regex);
  } catch (err) {
    throw new PromQLExecError(`invalid regular expression in label_replace(): ${regex}`, 'execution', err);
  }
  if (!LABEL_NAME.test(dst)) throw new PromQLExecError(`invalid destination label name in label_replace(): ${dst}`);
  const out = series.map((s) => {
    const m = re.exec(getLabel(s.labels, src));
    const labels = m ? setLabel(s.labels, dst, expandTemplate(repl, m)) : s.labels;
    return withName({ labels, v: s.v.slice(), has: s.has.slice() }, s, m ? dst : '');
  });
  return { type: 'vector', series: mergeSameLabels(out) };
}

export function labelJoin(series: StepSeries[], dst: string, sep: string, srcs: string[]): Value {
  if (!LABEL_NAME.test(dst)) throw new PromQLExecError(`invalid destination label name in label_join(): ${dst}`);
  for (const s of srcs) if (!LABEL_NAME.test(s)) throw new PromQLExecError(`invalid source label name in label_join(): ${s}`);
  const out = series.map((s) => withName({
    labels: setLabel(s.labels, dst, srcs.map((l) => getLabel(s.labels, l)).join(sep)),
    v: s.v.slice(),
    has: s.has.slice(),
  }, s, dst));
  return { type: 'vector', series: mergeSameLabels(out) };
}

/** sort/sort_desc order the series by their value at the (single) step; NaN goes last either way. */
export function sortVector(series: StepSeries[], desc: boolean): Value {
  const key = (s: StepSeries): number => s.v[0]!;
  const sorted = [...series].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
    return desc ? y - x : x - y;
  });
  return { type: 'vector', series: sorted };
}

/**
 * sort_by_label/sort_by_label_desc: by the named labels' values in natural order (digit runs compare as numbers), then
 * by the whole label set; the descending form reverses that order.
 */
export function sortByLabel(series: StepSeries[], names: string[], desc: boolean): Value {
  const cmp = (a: StepSeries, b: StepSeries): number => {
    for (const n of names) {
      const c = naturalCompare(getLabel(a.labels, n), getLabel(b.labels, n));
      if (c !== 0) return c;
    }
    return compareLabels(a.labels, b.labels);
  };
  return { type: 'vector', series: [...series].sort((a, b) => (desc ? cmp(b, a) : cmp(a, b))) };
}

/** Natural order: runs of digits compare by value (shorter run first when equal), other runs as strings. */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ra.length - rb.length;
}

/** Labels absent() reports: the selector's `=` matchers (not the name); a label matched twice is left out. */
export function absentLabels(arg: PromExpr): Labels {
  let e = arg;
  const sel = e.kind === 'vector' ? e : e.kind === 'matrix' ? e.vector : undefined;
  if (!sel) return [];
  let out: Labels = [];
  const drop = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !out.some(([k]) => k === m.name)) out = setLabel(out, m.name, m.value);
    else drop.add(m.name);
  }
  return out.filter(([k]) => !drop.has(k));
}

export function absent(series: StepSeries[], labels: Labels, n: number): Value {
  const r = newSeries(labels, n);
  for (let i = 0; i < n; i++) {
    if (series.some((s) => s.has[i])) continue;
    r.has[i] = 1;
    r.v[i] = 1;
  }
  return { type: 'vector', series: r.has.some((h) => h === 1) ? [r] : [] };
}

export function scalarOf(series: StepSeries[], n: number): Value {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let count = 0;
    let x = NaN;
    for (const s of series) if (s.has[i]) { count++; x = s.v[i]!; }
    v[i] = count === 1 ? x : NaN;
  }
  return { type: 'scalar', v };
}

export function vectorOf(v: Float64Array): Value {
  return { type: 'vector', series: [{ labels: [], v: v.slice(), has: new Uint8Array(v.length).fill(1) }] };
}

export function timestampOf(series: StepSeries[], steps: Float64Array): Value {
  const out = series.map((s) => {
    const r = newSeries(s.labels, steps.length);
    r.dropName = true;
    for (let i = 0; i < steps.length; i++) {
      if (!s.has[i]) continue;
      r.has[i] = 1;
      r.v[i] = (s.ts ? s.ts[i]! : steps[i]!) / 1000;
    }
    return r;
  });
  return { type: 'vector', series: out };
}
