// info(v, [data-label-selector]) (Prometheus 3, experimental): adds to each series of v the data labels of the info
// series (target_info by default) that share its identifying labels, `instance` and `job`.
import { PromQLExecError } from '../../errors.ts';
import { matchesAll, matchesOne } from '../matchers.ts';
import type { Call, PromExpr, VectorSelector } from '../parser/ast.ts';
import type { LabelMatcher, Labels } from '../types.ts';
import { evalVectorSelector, type EvalFn } from './selectors.ts';
import type { EvalContext, StepSeries, Value } from './values.ts';
import { getLabel, labelsKey, newSeries, sortLabels } from './values.ts';

const IDENTIFYING = ['instance', 'job'] as const;
const TARGET_INFO = 'target_info';

function unwrap(e: PromExpr): PromExpr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

/** The first vector selector of an expression: its offset and `@` also place the info series in time. */
function firstSelector(e: PromExpr): VectorSelector | undefined {
  switch (e.kind) {
    case 'vector': return e;
    case 'matrix': return e.vector;
    case 'paren': case 'unary': case 'subquery': return firstSelector(e.expr);
    case 'aggregate': return (e.param && firstSelector(e.param)) || firstSelector(e.expr);
    case 'binary': return firstSelector(e.lhs) ?? firstSelector(e.rhs);
    case 'call': for (const a of e.args) { const s = firstSelector(a); if (s) return s; } return undefined;
    default: return undefined;
  }
}

const regexQuote = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** An info series' key per info metric: its name and the identifying labels it has. */
function signature(name: string, l: Labels): string {
  let k = name;
  for (const id of IDENTIFYING) k += '\xff' + getLabel(l, id);
  return k;
}

export async function evalInfo(e: Call, ctx: EvalContext, evalFn: EvalFn): Promise<Value> {
  const baseV = await evalFn(e.args[0]!, ctx);
  if (baseV.type !== 'vector') throw new PromQLExecError('expected instant vector as argument 1 of info');
  const base = baseV.series;
  let selector: LabelMatcher[] = [];
  if (e.args[1]) {
    const sel = unwrap(e.args[1]);
    if (sel.kind !== 'vector' || sel.offsetMs !== 0 || sel.at) throw new PromQLExecError('expected a label selector as argument 2 of info', 'bad_data');
    selector = sel.matchers;
  }
  const nameMatchers = selector.filter((m) => m.name === '__name__');
  // Which info metrics: target_info unless named; named only by exclusion, any `*_info` metric not excluded.
  const infoName: LabelMatcher[] = nameMatchers.length === 0 ? [{ name: '__name__', op: '=', value: TARGET_INFO }]
    : nameMatchers.some((m) => m.op === '=' || m.op === '=~') ? nameMatchers : [...nameMatchers, { name: '__name__', op: '=~', value: '.+_info' }];
  const dataMatchers = selector.filter((m) => m.name !== '__name__');
  const dataNames = new Set(dataMatchers.map((m) => m.name));
  // A series that is itself such an info metric is answered as it is.
  const ignored = base.map((s) => infoName.every((m) => matchesOne(m, getLabel(s.labels, '__name__'))));
  const idValues = new Map<string, Set<string>>();
  base.forEach((s, k) => {
    if (ignored[k]) return;
    for (const id of IDENTIFYING) {
      const v = getLabel(s.labels, id);
      if (v === '') continue;
      let set = idValues.get(id);
      if (!set) idValues.set(id, set = new Set());
      set.add(v);
    }
  });
  let info: StepSeries[] = [];
  if (idValues.size) {
    const at = firstSelector(e.args[0]!);
    const matchers: LabelMatcher[] = [...infoName, ...dataMatchers];
    for (const [id, vals] of idValues) matchers.push({ name: id, op: '=~', value: [...vals].map(regexQuote).join('|') });
    info = await evalVectorSelector({ kind: 'vector', matchers, offsetMs: at?.offsetMs ?? 0, ...(at?.at ? { at: at.at } : {}), pos: e.pos }, ctx);
    info = info.filter((s) => matchesAll(infoName, s.labels));
  }
  const infoNames = [...new Set(info.map((s) => getLabel(s.labels, '__name__')))];
  const infoSig = info.map((s) => signature(getLabel(s.labels, '__name__'), s.labels));
  const dropsUnmatched = dataMatchers.some((m) => !matchesOne(m, ''));
  const n = ctx.steps.length;
  const out = new Map<string, StepSeries>();
  const emit = (labels: Labels, from: StepSeries, i: number): void => {
    const key = labelsKey(labels);
    let r = out.get(key);
    if (!r) { r = newSeries(labels, n); if (from.dropName) r.dropName = true; out.set(key, r); }
    if (r.has[i]) throw new PromQLExecError('vector cannot contain metrics with the same labelset');
    r.has[i] = 1;
    r.v[i] = from.v[i]!;
  };
  for (let i = 0; i < n; i++) {
    // per signature, the info series whose sample at this step is the newest; equal times are a conflict
    const bySig = new Map<string, number>();
    info.forEach((s, k) => {
      if (!s.has[i]) return;
      const prev = bySig.get(infoSig[k]!);
      if (prev !== undefined) {
        const a = info[prev]!.ts![i]!;
        const b = s.ts![i]!;
        if (a === b) throw new PromQLExecError(`found duplicate series for info metric: existing ${JSON.stringify(info[prev]!.labels)} @ ${a}, new ${JSON.stringify(s.labels)} @ ${b}`);
        if (a > b) return;
      }
      bySig.set(infoSig[k]!, k);
    });
    base.forEach((s, k) => {
      if (!s.has[i]) return;
      if (ignored[k]) { emit(s.labels, s, i); return; }
      const added = new Map<string, string>();
      let matched = false;
      for (const name of infoNames) {
        const hit = bySig.get(signature(name, s.labels));
        if (hit === undefined) continue;
        matched = true;
        for (const [ln, lv] of info[hit]!.labels) {
          if (ln === '__name__' || (dataNames.size && !dataNames.has(ln))) continue;
          const have = added.get(ln);
          if (have !== undefined && have !== lv) throw new PromQLExecError(`conflicting label: ${ln}`);
          if (getLabel(s.labels, ln) !== '') continue;
          added.set(ln, lv);
        }
      }
      if (!matched && dropsUnmatched) return;
      emit(added.size ? sortLabels([...s.labels, ...added]) : s.labels, s, i);
    });
  }
  return { type: 'vector', series: [...out.values()] };
}
