// Window functions: partition, order within partition, then ranking / offset / framed aggregates per row.
import { PlanError, StatusCode } from '../../errors.ts';
import type { FunctionCall, WindowFrameBound } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr } from '../expr/eval.ts';
import { groupRows, computeAggregate } from '../aggregate/aggregate.ts';
import { compareValues } from './sort.ts';
import type { Vec } from '../vector.ts';
import { fromValues, getValue, isNull } from '../vector.ts';
import { fnName } from './walk.ts';

export function computeWindow(c: FunctionCall, scope: Scope): Vec {
  const w = c.over!;
  const n = scope.rel.len;
  const name = fnName(c);
  const parts = w.partitionBy.map((e) => evalExpr(e, scope));
  const g = groupRows(parts, n);
  const ord = w.orderBy.map((o) => ({ vec: evalExpr(o.expr, scope), asc: o.asc !== false, nf: o.nullsFirst ?? o.asc === false }));
  const args = c.args.map((a) => (a.type === 'wildcard' ? fromValues('Int64', new Array(n).fill(1)) : evalExpr(a, scope)));
  const cmp = (p: number, q: number): number => {
    for (const o of ord) {
      const np = isNull(o.vec, p), nq = isNull(o.vec, q);
      if (np || nq) { if (np && nq) continue; return np === o.nf ? -1 : 1; }
      const x = compareValues(o.vec.v[p], o.vec.v[q]);
      if (x) return o.asc ? x : -x;
    }
    return 0;
  };
  const members: number[][] = Array.from({ length: g.count }, () => []);
  for (let i = 0; i < n; i++) members[g.ids[i]!]!.push(i);
  const out = new Array<unknown>(n).fill(null);
  let dt = 'Int64';
  for (const rows of members) {
    rows.sort((p, q) => cmp(p, q) || p - q);
    const m = rows.length;
    switch (name) {
      case 'row_number': rows.forEach((r, k) => (out[r] = k + 1)); dt = 'UInt64'; break;
      case 'rank': case 'dense_rank': case 'percent_rank': case 'cume_dist': {
        let rank = 1, dense = 1;
        for (let k = 0; k < m; k++) {
          if (k > 0 && cmp(rows[k - 1]!, rows[k]!) !== 0) { rank = k + 1; dense++; }
          let peersEnd = k;
          while (peersEnd + 1 < m && cmp(rows[k]!, rows[peersEnd + 1]!) === 0) peersEnd++;
          out[rows[k]!] = name === 'rank' ? rank : name === 'dense_rank' ? dense : name === 'percent_rank' ? (m > 1 ? (rank - 1) / (m - 1) : 0) : (peersEnd + 1) / m;
        }
        dt = name === 'rank' || name === 'dense_rank' ? 'UInt64' : 'Float64';
        break;
      }
      case 'ntile': {
        const b = Number(getValue(args[0]!, 0));
        rows.forEach((r, k) => (out[r] = Math.floor((k * b) / m) + 1));
        dt = 'UInt64';
        break;
      }
      case 'lag': case 'lead': {
        const x = args[0]!;
        const off = args[1] ? Number(getValue(args[1], 0)) : 1;
        const def = args[2];
        rows.forEach((r, k) => {
          const j = name === 'lag' ? k - off : k + off;
          out[r] = j >= 0 && j < m ? getValue(x, rows[j]!) : def ? getValue(def, r) : null;
        });
        dt = x.dt;
        break;
      }
      default: {
        // framed aggregate (also first_value / last_value / nth_value)
        const x = args[0];
        dt = x?.dt ?? 'Int64';
        for (let k = 0; k < m; k++) {
          const [a, b] = frameOf(w.frame, k, m, rows, cmp, ord.length > 0);
          const frame = rows.slice(a, b + 1);
          if (name === 'first_value') { out[rows[k]!] = frame.length ? getValue(x!, frame[0]!) : null; continue; }
          if (name === 'last_value') { out[rows[k]!] = frame.length ? getValue(x!, frame[frame.length - 1]!) : null; continue; }
          if (name === 'nth_value') { const nth = Number(getValue(args[1]!, 0)); out[rows[k]!] = frame.length >= nth ? getValue(x!, frame[nth - 1]!) : null; continue; }
          const sub = frame;
          const subArgs = args.map((v) => fromValues(v.dt, sub.map((i) => getValue(v, i))));
          const res = computeAggregate({ name, call: c, args: subArgs, mask: null, order: [] }, { ids: new Int32Array(sub.length), count: 1, first: new Int32Array(1) });
          out[rows[k]!] = getValue(res, 0);
          dt = res.dt;
        }
      }
    }
  }
  if (!['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value'].includes(name)) {
    if (!['sum', 'avg', 'mean', 'count', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp', 'var', 'var_pop', 'var_samp', 'median', 'array_agg', 'string_agg', 'bool_and', 'bool_or'].includes(name)) {
      throw new PlanError(`Invalid window function ${name}`, c.pos, StatusCode.PlanQuery);
    }
  }
  return fromValues(dt, out);
}

function frameOf(frame: { units: string; start: WindowFrameBound; end?: WindowFrameBound } | undefined, k: number, m: number, rows: number[], cmp: (p: number, q: number) => number, ordered: boolean): [number, number] {
  if (!frame) {
    if (!ordered) return [0, m - 1];
    let e = k;
    while (e + 1 < m && cmp(rows[k]!, rows[e + 1]!) === 0) e++;
    return [0, e];
  }
  const bound = (b: WindowFrameBound, isStart: boolean): number => {
    switch (b.kind) {
      case 'unbounded_preceding': return 0;
      case 'unbounded_following': return m - 1;
      case 'current_row': {
        if (frame.units === 'ROWS') return k;
        let e = k;
        if (isStart) { while (e > 0 && cmp(rows[k]!, rows[e - 1]!) === 0) e--; }
        else while (e + 1 < m && cmp(rows[k]!, rows[e + 1]!) === 0) e++;
        return e;
      }
      case 'preceding': return k - Number(b.offset && b.offset.type === 'number' ? b.offset.value : 0);
      case 'following': return k + Number(b.offset && b.offset.type === 'number' ? b.offset.value : 0);
    }
  };
  const a = Math.max(0, bound(frame.start, true));
  const b = Math.min(m - 1, bound(frame.end ?? { kind: 'current_row' }, false));
  return [a, b];
}
