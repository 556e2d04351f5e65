// Map functions as DataFusion defines them: map(keys, values) (two lists, or one key and one value), make_map(k1, v1,
// ...), map_extract / element_at (a list of the key's value, empty when absent), map_keys, map_values, map_entries.
// Keys are unique and never NULL; a NULL map gives NULL. `m['k']` (eval.ts) reads one value.
import type { FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Vec } from '../vector.ts';
import { fromValues, getValue, listVec, typeOf } from '../vector.ts';
import { listElem, listType } from '../nested_type.ts';
import { ARRAY } from './fn_array.ts';
import type { Fn } from './fn_util.ts';
import { SqlMap, mapKey } from './map_value.ts';

export const MAP_DT = 'Map';

function fnName(call: FunctionCall): string {
  return call.name.map((p) => p.value).join('.').toLowerCase();
}

/** A map of the given pairs (of the given key and value types); a NULL or repeated key is refused, as DataFusion refuses them. */
function build(keys: unknown[], values: unknown[], call: FunctionCall, types: [DType | undefined, DType | undefined] = [undefined, undefined]): SqlMap {
  const seen = new Set<string>();
  for (const k of keys) {
    if (k === null || k === undefined) throw new PlanError('map key cannot be null', call.pos, StatusCode.InvalidArguments);
    const id = mapKey(k);
    if (seen.has(id)) throw new PlanError(`map key must be unique, duplicate key found: ${String(k)}`, call.pos, StatusCode.InvalidArguments);
    seen.add(id);
  }
  return new SqlMap(keys, values, ...types);
}

function mapVec(v: unknown[]): Vec {
  return { kind: 'any', dt: MAP_DT, v } as Vec;
}

function asMap(x: unknown, call: FunctionCall): SqlMap | null {
  if (x === null || x === undefined) return null;
  if (x instanceof SqlMap) return x;
  throw new PlanError(`${fnName(call)} expects a map argument, got ${Array.isArray(x) ? 'a list' : typeof x}`, call.pos, StatusCode.InvalidArguments);
}

/** One list per row from each row's map (NULL for a NULL map), of the maps' key or value type when `elem` names one. */
function perMap(f: (m: SqlMap, xs: unknown[], call: FunctionCall) => unknown[], elem?: 'keyType' | 'valueType'): Fn {
  return (args, n, _s, call) => {
    const out = new Array<unknown>(n);
    let t: DType | undefined;
    for (let i = 0; i < n; i++) {
      const m = asMap(getValue(args[0]!, i), call);
      out[i] = m === null ? null : f(m, args.map((a) => getValue(a, i)), call);
      if (m !== null && elem) t ??= m[elem];
    }
    return listVec(out, t === undefined ? 'List' : listType(t));
  };
}

export const MAP: Record<string, Fn> = {
  map: (args, n, _s, call) => {
    if (args.length !== 2) throw new PlanError(`map requires exactly 2 arguments (keys and values), got ${args.length}`, call.pos, StatusCode.InvalidArguments);
    const out = new Array<unknown>(n);
    const [kt, vt] = args.map(typeOf) as [DType, DType];
    const listed: [DType | undefined, DType | undefined] = [listElem(kt) ?? undefined, listElem(vt) ?? undefined];
    for (let i = 0; i < n; i++) {
      const k = getValue(args[0]!, i), v = getValue(args[1]!, i);
      if (!Array.isArray(k)) { out[i] = build([k], [v], call, [kt, vt]); continue; }
      if (!Array.isArray(v)) throw new PlanError('map requires the values to be a list when the keys are', call.pos, StatusCode.InvalidArguments);
      if (k.length !== v.length) throw new PlanError(`map requires key and value lists to have the same length, got ${k.length} keys and ${v.length} values`, call.pos, StatusCode.InvalidArguments);
      out[i] = build(k, v, call, listed);
    }
    return mapVec(out);
  },
  make_map: (args, n, _s, call) => {
    if (args.length === 0 || args.length % 2 !== 0) throw new PlanError(`make_map requires an even number of arguments (key, value pairs), got ${args.length}`, call.pos, StatusCode.InvalidArguments);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const keys: unknown[] = [], values: unknown[] = [];
      for (let j = 0; j < args.length; j += 2) { keys.push(getValue(args[j]!, i)); values.push(getValue(args[j + 1]!, i)); }
      out[i] = build(keys, values, call);
    }
    return mapVec(out);
  },
  map_extract: perMap((m, xs) => {
    const at = m.find(xs[1]);
    return at < 0 ? [] : [m.values[at] ?? null];
  }, 'valueType'),
  map_keys: perMap((m) => [...m.keys], 'keyType'),
  map_values: perMap((m) => [...m.values], 'valueType'),
  map_entries: perMap((m) => m.keys.map((key, i) => ({ key, value: m.values[i] ?? null }))),
};
MAP.element_at = MAP.map_extract!;
// cardinality counts a map's entries (a list's elements otherwise)
MAP.cardinality = (args, n, s, call) => {
  if (args[0]?.dt !== MAP_DT) return ARRAY.cardinality!(args, n, s, call);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = asMap(getValue(args[0], i), call)?.keys.length ?? null;
  return fromValues('UInt64', out);
};

/** `m[key]`: the key's value, NULL when the map is NULL or has no such key. */
export function mapLookup(m: SqlMap, key: unknown): unknown {
  const at = m.find(key);
  return at < 0 ? null : m.values[at] ?? null;
}
