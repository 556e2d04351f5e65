// Window functions: partition, order within partition, then ranking / offset / framed aggregates per row.
import { PlanError, StatusCode } from '../../errors.ts';
import type { FunctionCall } from '../../sql/index.ts';
import type { Scope } from '../expr/eval.ts';
import { evalExpr } from '../expr/eval.ts';
import { groupRows, computeAggregate } from '../aggregate/aggregate.ts';
import { compareValues } from './sort.ts';
import type { Vec } from '../vector.ts';
import { fromValues, getValue, isNull, take } from '../vector.ts';
import { fnName } from './walk.ts';
import { ANOMALY_FUNCTIONS, anomalyScore } from './window_anomaly.ts';
import type { FrameBounds } from './window_frame.ts';
import { frameBounds, frameExclusion, framePositions, rangeKey } from './window_frame.ts';
import { framedAggregate, framedType } from './window_framed.ts';
import { intArg, lagDefault, lagLead, ntile, valueInFrame } from './window_value.ts';

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
      case 'ntile': ntile(args, rows, out, c); dt = 'UInt64'; break;
      case 'lag': case 'lead': {
        if (!args[0]) throw new PlanError(`${name} takes 1 to 3 arguments, got 0`, c.pos, StatusCode.InvalidArguments);
        lagLead(args[0], intArg(args[1], 1, 'The offset', c), name === 'lag' ? -1 : 1, lagDefault(args, c), c.nulls === 'ignore', rows, out);
        dt = args[0].dt;
        break;
      }
      default: {
        // framed aggregate (also first_value / last_value / nth_value)
        const x = args[0];
        dt = x?.dt ?? 'Int64';
        if (ANOMALY_FUNCTIONS.has(name)) dt = 'Float64';
        const nth = name === 'nth_value' ? intArg(args[1], NaN, 'The position', c) : 0;
        if (name === 'nth_value' && nth === 0) throw new PlanError('NTH_VALUE expects n to be non-zero', c.pos, StatusCode.InvalidArguments);
        const f = frameBounds(w.frame, rows, cmp, ord.length > 0, rangeKey(w.frame, ord, c));
        // EXCLUDE leaves holes in the frames: only the per-frame path below reads them
        const exclude = w.frame?.exclude ? frameExclusion(w.frame.exclude, rows, cmp) : null;
        const fast = windowPaths.fast && !exclude ? framedType(name, c, x) : undefined;
        if (fast !== undefined && framedAggregate(name, c.args[0]?.type === 'wildcard', x!, rows, f, out)) { dt = fast; break; }
        if (windowPaths.fast && !exclude && !VALUE_FUNCTIONS.has(name) && !ANOMALY_FUNCTIONS.has(name) && wholePartition(f, m)) {
          // one frame for every row: the aggregate once, over the partition in its sorted order
          const res = computeAggregate({ name, call: c, args: args.map((v) => take(v, rows)), mask: null, order: [] }, oneGroup(m));
          const value = getValue(res, 0);
          for (const r of rows) out[r] = value;
          dt = res.dt;
          break;
        }
        for (let k = 0; k < m; k++) {
          const a = f.start[k]!, b = f.end[k]!;
          const frame = a > b ? [] : exclude ? framePositions(a, b, exclude(k)).map((j) => rows[j]!) : rows.slice(a, b + 1);
          if (ANOMALY_FUNCTIONS.has(name)) {
            const vals: number[] = [];
            for (const r of frame) if (!isNull(x!, r)) vals.push(Number(getValue(x!, r)));
            const cur = isNull(x!, rows[k]!) ? null : Number(getValue(x!, rows[k]!));
            out[rows[k]!] = anomalyScore(name, cur, vals, args[1] ? Number(getValue(args[1], rows[k]!)) : 1.5);
            continue;
          }
          if (VALUE_FUNCTIONS.has(name)) { out[rows[k]!] = valueInFrame(name, x!, nth, frame, c.nulls === 'ignore'); continue; }
          const res = computeAggregate({ name, call: c, args: args.map((v) => take(v, frame)), mask: null, order: [] }, oneGroup(frame.length));
          out[rows[k]!] = getValue(res, 0);
          dt = res.dt;
        }
      }
    }
  }
  if (!['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value'].includes(name) && !ANOMALY_FUNCTIONS.has(name)) {
    if (!['sum', 'avg', 'mean', 'count', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp', 'var', 'var_pop', 'var_samp', 'median', 'array_agg', 'string_agg', 'bool_and', 'bool_or'].includes(name)) {
      throw new PlanError(`Invalid window function ${name}`, c.pos, StatusCode.PlanQuery);
    }
  }
  return fromValues(dt, out);
}

const VALUE_FUNCTIONS = new Set(['first_value', 'last_value', 'nth_value']);

/** Switches the framed fast paths off, so tests can hold them against the per-frame aggregate. */
export const windowPaths = { fast: true };

function wholePartition(f: FrameBounds, m: number): boolean {
  for (let k = 0; k < m; k++) if (f.start[k] !== 0 || f.end[k] !== m - 1) return false;
  return m > 0;
}

function oneGroup(n: number): { ids: Int32Array; count: number; first: Int32Array } {
  return { ids: new Int32Array(n), count: 1, first: new Int32Array(1) };
}
