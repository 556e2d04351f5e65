// Set-returning functions in FROM: generate_series(start, stop[, step]) (PostgreSQL and DataFusion: integers, both
// ends included) and unnest(array) (one row per element); any other function is one row of its value (PostgreSQL's
// scalar function in FROM). The arguments are constants; a column alias names the output column, a bare table alias
// names both table and column (PostgreSQL).
import { PlanError, StatusCode } from '../../errors.ts';
import type { TableFunction } from '../../sql/index.ts';
import { evalExpr } from '../expr/eval.ts';
import { relNamer } from '../expr/names.ts';
import { fromValues, getValue, typeOf } from '../vector.ts';
import { listElem } from '../nested_type.ts';
import type { Rel } from './rel.ts';
import type { QState } from './state.ts';

/** More rows than this from one generate_series is a mistake, refused before allocating. */
const MAX_SERIES = 10_000_000;

export function tableFunctionRel(t: TableFunction, st: QState): Rel {
  const name = t.call.name.map((p) => p.value).join('.').toLowerCase().replace(/^pg_catalog\./, '');
  const scope = { rel: { fields: [], cols: [], len: 1 }, env: st.env, namer: relNamer(undefined) };
  const qualifier = t.alias?.name.value ?? name;
  const column = t.alias?.columns?.[0]?.value ?? t.alias?.name.value ?? name;
  if (name !== 'generate_series' && name !== 'unnest') {
    const v = evalExpr(t.call, scope);
    return { fields: [{ name: column, qualifier, dt: v.dt }], cols: [v], len: 1 };
  }
  const argVecs = t.call.args.map((a) => evalExpr(a, scope));
  const args = argVecs.map((v) => getValue(v, 0));
  const arity = (min: number, max: number) => {
    if (args.length < min || args.length > max) throw new PlanError(`${name} takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`, t.call.pos, StatusCode.InvalidArguments);
  };
  let values: unknown[];
  let dt: string;
  switch (name) {
    case 'generate_series': {
      arity(2, 3);
      dt = 'Int64';
      if (args.some((a) => a === null)) { values = []; break; }
      const [start, stop, step = 1] = args.map((a) => Number(a));
      if (![start, stop, step].every((x) => Number.isInteger(x))) throw new PlanError(`${name} takes integer arguments`, t.call.pos, StatusCode.InvalidArguments);
      if (step === 0) throw new PlanError('step size cannot equal zero', t.call.pos, StatusCode.InvalidArguments);
      const n = Math.max(0, Math.floor((stop! - start!) / step!) + 1);
      if (n > MAX_SERIES) throw new PlanError(`${name} would give ${n} rows, more than ${MAX_SERIES}`, t.call.pos, StatusCode.InvalidArguments);
      values = Array.from({ length: n }, (_, i) => start! + i * step!);
      break;
    }
    case 'unnest': {
      arity(1, 1);
      const list = args[0];
      values = Array.isArray(list) ? list : list === null ? [] : [list];
      const first = values.find((v) => v !== null);
      // the list's element type when it carries one (timestamps stay timestamps)
      const known = argVecs[0] ? listElem(typeOf(argVecs[0])) : null;
      if (known !== null && known !== 'Null') { dt = known; break; }
      dt = typeof first === 'number' ? (values.every((v) => v === null || Number.isInteger(v)) ? 'Int64' : 'Float64') : typeof first === 'boolean' ? 'Boolean' : 'String';
      if (dt === 'String') values = values.map((v) => (v === null ? null : String(v)));
      break;
    }
    default:
      throw new PlanError(`Table function ${name} is not supported`, t.pos, StatusCode.Unsupported);
  }
  return { fields: [{ name: column, qualifier, dt }], cols: [fromValues(dt, values)], len: values.length };
}
