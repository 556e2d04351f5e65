// JSON functions over the JSON column type (stored form in core/json): parse_json, json_get_*, json_is_*, json_path_exists,
// json_path_match, json_to_string. Each reads only the value its path names; nothing re-parses JSON text per row.
import type { FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import {
  JT, JsonPathError, isJsonb, jsonPathMatch, jsonbFromText, jsonbLocate, jsonbSelect, jsonbToText, numberAt, numberTextAt, parsePath, stringAt, tagAt,
} from '../../json/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { Vec } from '../vector.ts';
import { boolVec, getValue, isNull, numVec, setNull, strVec } from '../vector.ts';
import type { Fn } from './fn_util.ts';

export const JSON_DT = 'Json';

function fnName(call: FunctionCall): string {
  return call.name.map((p) => p.value).join('.');
}

/** The stored JSON of row i of a JSON argument (a String argument is parsed: `json_get_int('{"a":1}', 'a')`). */
function jsonArg(v: Vec, call: FunctionCall): (i: number) => string | null {
  if (v.dt === 'Null') return () => null;
  if (v.kind !== 'str' && v.dt !== JSON_DT) throw new PlanError(`Function ${fnName(call)} expects a JSON value, got ${v.dt}`, call.pos, StatusCode.InvalidArguments);
  const vals = v.v as unknown[];
  if (v.dt === JSON_DT) return (i) => (typeof vals[i] === 'string' ? (vals[i] as string) : null);
  return (i) => {
    const s = vals[i];
    if (typeof s !== 'string') return null;
    if (isJsonb(s)) return s;
    try { return jsonbFromText(s); } catch { return null; }
  };
}

/** The path of row i; an invalid path is an error, or (`invalidIsNull`, as GreptimeDB's json_get_*) a NULL result. */
function pathArg(v: Vec, call: FunctionCall, invalidIsNull = false): (i: number) => ReturnType<typeof parsePath> | null {
  return (i) => {
    const p = getValue(v, i);
    if (p === null || p === undefined) return null;
    try {
      return parsePath(String(p));
    } catch (e) {
      if (invalidIsNull) return null;
      throw new PlanError(`Function ${fnName(call)}: invalid JSON path '${String(p)}': ${(e as JsonPathError).message}`, call.pos, StatusCode.InvalidArguments);
    }
  };
}

function argc(args: Vec[], k: number, call: FunctionCall): void {
  if (args.length !== k) throw new PlanError(`Function ${fnName(call)} takes ${k} argument${k > 1 ? 's' : ''}, got ${args.length}`, call.pos, StatusCode.InvalidArguments);
}

/** json_get_<kind>(json, path): the value at path as that kind, null when absent or of another kind. */
function getter(kind: 'string' | 'int' | 'float' | 'bool'): Fn {
  return (args, n, _s, call) => {
    argc(args, 2, call);
    const j = jsonArg(args[0]!, call);
    const path = pathArg(args[1]!, call, true);
    if (kind === 'string') {
      const out = strVec(n);
      for (let i = 0; i < n; i++) {
        const s = j(i), p = path(i);
        if (s === null || p === null) continue;
        const at = jsonbLocate(s, p);
        if (at < 0) continue;
        const t = tagAt(s, at);
        // GreptimeDB: strings as they are, other scalars as their JSON text; objects and arrays are not strings
        out.v[i] = t === JT.string ? stringAt(s, at) : t === JT.number ? numberTextAt(s, at) : t === JT.true ? 'true' : t === JT.false ? 'false' : null;
      }
      return out;
    }
    if (kind === 'bool') {
      const out = boolVec(n);
      for (let i = 0; i < n; i++) {
        const s = j(i), p = path(i);
        const at = s === null || p === null ? -1 : jsonbLocate(s, p);
        const t = at < 0 ? 0 : tagAt(s!, at);
        if (t === JT.true || t === JT.false) out.v[i] = t === JT.true ? 1 : 0;
        else setNull(out, i);
      }
      return out;
    }
    const out = numVec(kind === 'int' ? 'Int64' : 'Float64', n);
    for (let i = 0; i < n; i++) {
      const s = j(i), p = path(i);
      const at = s === null || p === null ? -1 : jsonbLocate(s, p);
      const t = at < 0 ? 0 : tagAt(s!, at);
      // an int is a whole number (1.234 is not one); true and false count as 1 and 0
      const x = t === JT.number ? numberAt(s!, at) : NaN;
      if (t === JT.number && (kind === 'float' || Number.isInteger(x))) out.v[i] = x;
      else if (t === JT.true || t === JT.false) out.v[i] = t === JT.true ? 1 : 0;
      else setNull(out, i);
    }
    return out;
  };
}

/** json_is_<kind>(json): whether the whole value is of that kind. */
function is(pred: (tag: number, s: string) => boolean): Fn {
  return (args, n, _s, call) => {
    argc(args, 1, call);
    const j = jsonArg(args[0]!, call);
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      const s = j(i);
      if (s === null) setNull(out, i);
      else out.v[i] = pred(tagAt(s, 0), s) ? 1 : 0;
    }
    return out;
  };
}

function isIntText(s: string): boolean {
  const t = numberTextAt(s, 0);
  return t !== null && /^-?\d+$/.test(t);
}

const GETTERS: Record<string, Fn> = { string: getter('string'), int: getter('int'), float: getter('float'), bool: getter('bool') };

export const JSON_FNS: Record<string, Fn> = {
  parse_json: (args, n, _s, call) => {
    argc(args, 1, call);
    const v = args[0]!;
    if (v.dt === JSON_DT) return v;
    if (v.dt === 'Null') { const out = strVec(n); out.dt = JSON_DT; return out; }
    if (v.kind !== 'str') throw new PlanError(`Function parse_json expects a string, got ${v.dt}`, call.pos, StatusCode.InvalidArguments);
    const out = strVec(n);
    out.dt = JSON_DT;
    for (let i = 0; i < n; i++) {
      const t = v.v[i];
      if (t === null || t === undefined) continue;
      try {
        out.v[i] = jsonbFromText(t);
      } catch (e) {
        throw new PlanError(`parse_json: invalid JSON text at row ${i + 1}: ${(e as Error).message}`, call.pos, StatusCode.InvalidArguments);
      }
    }
    return out;
  },
  json_to_string: (args, n, _s, call) => {
    argc(args, 1, call);
    const j = jsonArg(args[0]!, call);
    const out = strVec(n);
    for (let i = 0; i < n; i++) { const s = j(i); if (s !== null) out.v[i] = jsonbToText(s); }
    return out;
  },
  json_get_string: GETTERS.string!,
  json_get_int: GETTERS.int!,
  json_get_float: GETTERS.float!,
  json_get_bool: GETTERS.bool!,
  // json_get_object(json, path): the object at path (JSON), NULL when absent or not an object
  json_get_object: (args, n, _s, call) => {
    argc(args, 2, call);
    const j = jsonArg(args[0]!, call);
    const path = pathArg(args[1]!, call);
    const out = strVec(n);
    out.dt = JSON_DT;
    for (let i = 0; i < n; i++) {
      const s = j(i), p = path(i);
      const at = s === null || p === null ? -1 : jsonbLocate(s, p);
      if (at >= 0 && tagAt(s!, at) === JT.object) out.v[i] = jsonbFromText(jsonbToText(s!, at));
    }
    return out;
  },
  // json_get(json, path, kind): json_get_<kind> with the kind named by text ('int', 'float', 'bool', 'string')
  json_get: (args, n, s, call) => {
    argc(args, 3, call);
    const kind = String(getValue(args[2]!, 0) ?? '').toLowerCase();
    const f = GETTERS[kind];
    if (!f) throw new PlanError(`Function json_get: unknown result kind '${kind}' (int, float, bool or string)`, call.pos, StatusCode.InvalidArguments);
    return f(args.slice(0, 2), n, s, call);
  },
  json_is_null: is((t) => t === JT.null),
  json_is_bool: is((t) => t === JT.true || t === JT.false),
  json_is_int: is((t, s) => t === JT.number && isIntText(s)),
  // every JSON number reads as a float (1 as well as 1.2)
  json_is_float: is((t) => t === JT.number),
  json_is_string: is((t) => t === JT.string),
  json_is_array: is((t) => t === JT.array),
  json_is_object: is((t) => t === JT.object),
  json_path_exists: (args, n, _s, call) => {
    argc(args, 2, call);
    const j = jsonArg(args[0]!, call);
    const path = pathArg(args[1]!, call);
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      const s = j(i), p = path(i);
      if (s === null || p === null) setNull(out, i);
      else out.v[i] = jsonbSelect(s, p).length > 0 ? 1 : 0;
    }
    return out;
  },
  json_path_match: (args, n, _s, call) => {
    argc(args, 2, call);
    const j = jsonArg(args[0]!, call);
    const out = boolVec(n);
    for (let i = 0; i < n; i++) {
      const s = j(i);
      const pred = getValue(args[1]!, i);
      if (s === null || pred === null) { setNull(out, i); continue; }
      try {
        out.v[i] = jsonPathMatch(s, String(pred)) ? 1 : 0;
      } catch (e) {
        throw new PlanError(`json_path_match: invalid predicate '${String(pred)}': ${(e as Error).message}`, call.pos, StatusCode.InvalidArguments);
      }
    }
    return out;
  },
};

/** A JSON column as its text (output writers print JSON columns as GreptimeDB does: compact JSON text). */
export function jsonAsText(v: Vec): Vec {
  if (v.dt !== JSON_DT) return v;
  const src = v.v as unknown[];
  const out = new Array<string | null>(src.length);
  for (let i = 0; i < src.length; i++) { const s = src[i]; out[i] = typeof s !== 'string' ? null : isJsonb(s) ? jsonbToText(s) : s; }
  return { kind: 'str', dt: JSON_DT, v: out };
}

export function isJsonNull(v: Vec, i: number): boolean {
  return isNull(v, i);
}
