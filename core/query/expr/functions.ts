// The scalar function registry: name -> implementation, filled from the family files (math, string, time,
// conditional, list, misc). A new function goes in its family's table; a module outside expr can add one with registerScalar.
import type { FunctionCall } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import { StatusCode } from '../../errors.ts';
import type { Vec } from '../vector.ts';
import { ARRAY } from './fn_array.ts';
import { STRUCT } from './fn_struct.ts';
import { CONDITIONAL } from './fn_conditional.ts';
import { GEO } from './fn_geo.ts';
import { GEO_CELLS } from './fn_geo_cells.ts';
import { MATH } from './fn_math.ts';
import { MISC } from './fn_misc.ts';
import { JSON_FNS } from './fn_json.ts';
import { STRING } from './fn_string.ts';
import { STRING_MYSQL } from './fn_string_mysql.ts';
import { TIME } from './fn_time.ts';
import { HASH } from './fn_hash.ts';
import { IP } from './fn_ip.ts';
import { VECTOR } from './fn_vector.ts';
import { MAP } from './fn_map.ts';
import type { Fn } from './fn_util.ts';
import { ARITY, WINDOW_ONLY } from './function_names.ts';
import type { Scope } from './scope.ts';
import { FUNCTION_ALIASES } from '../../sql/print_literals.ts';

const REGISTRY = new Map<string, Fn>();

export function registerScalar(name: string, fn: Fn): void {
  REGISTRY.set(name.toLowerCase(), fn);
}

for (const family of [MATH, STRING, STRING_MYSQL, TIME, CONDITIONAL, MISC, GEO, GEO_CELLS, JSON_FNS, HASH, IP, VECTOR, ARRAY, STRUCT, MAP]) for (const [name, fn] of Object.entries(family)) registerScalar(name, fn);
// DataFusion's other spellings of a function (datetrunc, substr_index, today, ...) call it, under its arity
for (const [alias, name] of Object.entries(FUNCTION_ALIASES)) {
  const f = REGISTRY.get(name);
  if (f && !REGISTRY.has(alias)) registerScalar(alias, f);
}

export function callScalar(name: string, args: Vec[], n: number, s: Scope, call: FunctionCall): Vec {
  const f = REGISTRY.get(name);
  if (!f) {
    if (WINDOW_ONLY.has(name)) throw new PlanError(`Window function ${name} requires an OVER clause`, call.pos);
    throw new PlanError(`Invalid function '${name}'`, call.pos);
  }
  const ar = ARITY.get(name) ?? ARITY.get(FUNCTION_ALIASES[name] ?? '');
  if (ar && (args.length < ar[0] || args.length > ar[1])) {
    const want = ar[0] === ar[1] ? `${ar[0]}` : ar[1] === Infinity ? `at least ${ar[0]}` : `${ar[0]} to ${ar[1]}`;
    throw new PlanError(`Function '${name}' takes ${want} argument${ar[1] === 1 || (ar[0] === 1 && ar[1] === Infinity) ? '' : 's'}, got ${args.length}`, call.pos, StatusCode.InvalidArguments);
  }
  return f(args, n, s, call);
}

export function hasScalar(name: string): boolean {
  return REGISTRY.has(name);
}

export type { Fn } from './fn_util.ts';
export { AGGREGATES, WINDOW_ONLY, isAggregateName } from './function_names.ts';
export { arrowTypeName } from './fn_misc.ts';
export { nsToUnit } from './time.ts';
