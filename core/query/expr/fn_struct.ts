// Struct functions as DataFusion defines them: struct(a, b, ...) names its fields c0, c1, ...; named_struct('x', a,
// 'y', b, ...) takes the names from constant text; get_field(s, 'x') reads one field (NULL for a NULL struct).
import { StatusCode } from '../../errors.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Vec } from '../vector.ts';
import { fromValues, getValue, typeOf } from '../vector.ts';
import { FIELD_TYPES } from '../nested_type.ts';
import { elementType } from './fn_array.ts';
import type { Fn } from './fn_util.ts';
import { constText } from './fn_util.ts';

export { FIELD_TYPES };

function structOf(names: string[], values: Vec[], n: number): Vec {
  const v = new Array<unknown>(n);
  const types: Record<string, DType> = {};
  names.forEach((name, j) => (types[name] = typeOf(values[j]!)));
  for (let i = 0; i < n; i++) {
    const o: Record<string | symbol, unknown> = { [FIELD_TYPES]: types };
    names.forEach((name, j) => (o[name] = getValue(values[j]!, i)));
    v[i] = o;
  }
  return { kind: 'any', dt: 'Struct', v };
}

export const STRUCT: Record<string, Fn> = {
  struct: (args, n) => structOf(args.map((_, j) => `c${j}`), args, n),
  named_struct: (args, n, _s, call) => {
    if (args.length === 0 || args.length % 2 !== 0) throw new PlanError(`named_struct requires an even number of arguments (name, value pairs), got ${args.length}`, call.pos, StatusCode.InvalidArguments);
    const names: string[] = [];
    for (let j = 0; j < args.length; j += 2) {
      const name = constText(args[j], 'A named_struct field name', call);
      if (names.includes(name)) throw new PlanError(`named_struct has the field name '${name}' twice`, call.pos, StatusCode.InvalidArguments);
      names.push(name);
    }
    return structOf(names, args.filter((_, j) => j % 2 === 1), n);
  },
  get_field: (args, n, _s, call) => {
    const [st, key] = args;
    if (!st || !key) throw new PlanError(`get_field takes 2 arguments, got ${args.length}`, call.pos, StatusCode.InvalidArguments);
    const name = constText(key, 'The get_field field name', call);
    const out = new Array<unknown>(n);
    let dt: DType | undefined;
    for (let i = 0; i < n; i++) {
      const o = getValue(st, i);
      if (o === null) { out[i] = null; continue; }
      if (typeof o !== 'object' || Array.isArray(o)) throw new PlanError(`get_field expects a struct, got ${st.dt}`, call.pos, StatusCode.InvalidArguments);
      if (!Object.prototype.hasOwnProperty.call(o, name)) throw new PlanError(`get_field: the struct has no field '${name}' (it has ${Object.keys(o).join(', ')})`, call.pos, StatusCode.InvalidArguments);
      out[i] = (o as Record<string, unknown>)[name];
      dt ??= (o as { [FIELD_TYPES]?: Record<string, DType> })[FIELD_TYPES]?.[name];
    }
    return fromValues(dt && dt !== 'Null' ? dt : elementType(out), out);
  },
};
