// Scalar list functions as DataFusion defines them (make_array, array_* and their list_* spellings, range, flatten).
// Positions are 1-based, a negative position counts from the end; a NULL list gives NULL unless DataFusion treats
// it as the empty list (array_append / array_prepend / array_concat).
import type { FunctionCall } from '../../sql/index.ts';
import { StatusCode } from '../../errors.ts';
import { PlanError } from '../plan/rel.ts';
import type { DType, Interval } from '../vector.ts';
import { addInterval, parseInterval } from './time.ts';
import { fromValues, getValue, listVec, typeOf } from '../vector.ts';
import { commonElemType, listElem, listType } from '../nested_type.ts';
import type { Fn } from './fn_util.ts';
import { elementType } from './map_value.ts';

export { elementType };

type List = unknown[];

/** How a list function's element type follows from its arguments' types (full types: `List<Int64>`, Float64). */
type ElemOf = (types: DType[]) => DType;
/** The elements of the list argument at `k` (DataFusion's list functions keep their input's element type). */
const elemsOf = (k: number): ElemOf => (types) => listElem(types[k]) ?? 'Null';
const fixed = (dt: DType): ElemOf => () => dt;

/** One output list per row from the arguments' row values; the lists' element type from elem (see ElemOf). */
function lists(elem: ElemOf, f: (xs: unknown[], call: FunctionCall) => List | null): Fn {
  return (args, n, _s, call) => {
    const v = new Array<unknown>(n);
    for (let i = 0; i < n; i++) v[i] = f(args.map((a) => getValue(a, i)), call);
    const t = elem(args.map(typeOf));
    return listVec(v, t === 'Null' ? listType(elementType(v.flatMap((x) => (Array.isArray(x) ? x : [])))) : listType(t));
  };
}

/** One value per row, typed dt (or the values' own type when dt is 'elem'); NULL when the first argument is NULL. */
function scalars(dt: DType | 'elem', f: (a: List, xs: unknown[], call: FunctionCall) => unknown, nullIfAnyNull = false): Fn {
  return (args, n, _s, call) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const xs = args.map((a) => getValue(a, i));
      out[i] = xs[0] === null || (nullIfAnyNull && xs.some((x) => x === null)) ? null : f(asList(xs[0], call), xs, call);
    }
    const known = dt === 'elem' ? listElem(typeOf(args[0]!)) : dt;
    return fromValues(known !== null && known !== 'Null' ? known : elementType(out), out);
  };
}

function asList(x: unknown, call: FunctionCall): List {
  if (Array.isArray(x)) return x;
  throw new PlanError(`${call.name.map((p) => p.value).join('.')} expects a list argument, got ${typeof x === 'string' ? 'a string' : typeof x}`, call.pos, StatusCode.InvalidArguments);
}

const key = (x: unknown): string => (x === null || x === undefined ? '\u0000null' : Array.isArray(x) ? JSON.stringify(x, (_k, y) => (typeof y === 'bigint' ? String(y) : y)) : `${typeof x === 'bigint' ? 'number' : typeof x}:${String(x)}`);
const same = (a: unknown, b: unknown): boolean => key(a) === key(b);

/** Ascending order of list elements (numbers by value, text by code point, NULL apart). */
function compareElems(a: unknown, b: unknown): number {
  if (typeof a === 'number' || typeof a === 'bigint') return Number(a) - Number(b as number);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  const x = Array.isArray(a) ? key(a) : String(a), y = Array.isArray(b) ? key(b) : String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function distinct(xs: List): List {
  const seen = new Set<string>();
  return xs.filter((x) => { const k = key(x); if (seen.has(k)) return false; seen.add(k); return true; });
}

/** A 1-based position (negative from the end) as a 0-based index, or -1 outside the list. */
function index(a: List, k: number): number {
  const j = k > 0 ? k - 1 : k < 0 ? a.length + k : -1;
  return j >= 0 && j < a.length ? j : -1;
}

function count(x: unknown, what: string, call: FunctionCall): number {
  const k = Number(x);
  if (!Number.isFinite(k)) throw new PlanError(`${what} of ${call.name.map((p) => p.value).join('.')} must be a number, got ${String(x)}`, call.pos, StatusCode.InvalidArguments);
  return Math.trunc(k);
}

/**
 * range / generate_series: start..stop by step; the stop is included for generate_series. Over dates or timestamps the
 * step is an interval (months by the calendar) and the elements are dates, or nanosecond timestamps as DataFusion's.
 */
function series(inclusive: boolean): Fn {
  const numbers = lists(fixed('Int64'), (xs, call) => {
    if (xs.some((x) => x === null)) return null;
    const [start, stop, step] = xs.length === 1 ? [0, count(xs[0], 'stop', call), 1] : [count(xs[0], 'start', call), count(xs[1], 'stop', call), xs[2] === undefined ? 1 : count(xs[2], 'step', call)];
    if (step === 0) throw new PlanError('Step of range and generate_series cannot be 0', call.pos, StatusCode.InvalidArguments);
    const out: number[] = [];
    for (let x = start; step > 0 ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop); x += step) {
      out.push(x);
      if (out.length > MAX_SERIES) throw tooLong(call);
    }
    return out;
  });
  const times = (elem: DType): Fn => lists(fixed(elem), (xs, call) => {
    if (xs.some((x) => x === null)) return null;
    if (xs.length !== 3) throw new PlanError(`range and generate_series over ${elem === 'Date' ? 'dates' : 'timestamps'} take a start, a stop and an interval step, got ${xs.length} arguments`, call.pos, StatusCode.InvalidArguments);
    const [start, stop] = [xs[0] as bigint, xs[1] as bigint];
    const step = typeof xs[2] === 'string' ? parseInterval(xs[2]) : (xs[2] as Interval);
    if (step === null || typeof step !== 'object' || !('nanos' in step)) throw new PlanError(`The step of range and generate_series over ${elem === 'Date' ? 'dates' : 'timestamps'} must be an interval, got ${String(xs[2])}`, call.pos, StatusCode.InvalidArguments);
    if (step.months === 0 && step.days === 0 && step.nanos === 0n) throw new PlanError('Interval argument to range and generate_series must not be 0', call.pos, StatusCode.InvalidArguments);
    const up = addInterval(start, step, 1) > start;
    const out: bigint[] = [];
    for (let x = start; up ? (inclusive ? x <= stop : x < stop) : (inclusive ? x >= stop : x > stop); x = addInterval(x, step, 1)) {
      out.push(x);
      if (out.length > MAX_SERIES) throw tooLong(call);
    }
    return out;
  });
  const dates = times('Date'), stamps = times('TimestampNanosecond');
  return (args, n, s, call) => (args[0]?.dt === 'Date' ? dates : args[0]?.kind === 'ts' ? stamps : numbers)(args, n, s, call);
}

const MAX_SERIES = 10_000_000;
const tooLong = (call: FunctionCall) => new PlanError(`range and generate_series make at most ${MAX_SERIES.toLocaleString('en-US')} elements`, call.pos, StatusCode.InvalidArguments);

/** Drops up to max occurrences of x (max Infinity: all). */
function removeN(a: List, x: unknown, max: number): List {
  let left = max;
  return a.filter((y) => (left > 0 && same(y, x) ? (left--, false) : true));
}

function replaceN(a: List, from: unknown, to: unknown, max: number): List {
  let left = max;
  return a.map((y) => (left > 0 && same(y, from) ? (left--, to) : y));
}

function sortList(a: List, xs: unknown[], call: FunctionCall): List {
  const dir = xs[1] === undefined ? 'ASC' : String(xs[1]).toUpperCase();
  const nulls = xs[2] === undefined ? 'NULLS FIRST' : String(xs[2]).toUpperCase();
  if (dir !== 'ASC' && dir !== 'DESC') throw new PlanError(`The second argument of array_sort must be 'ASC' or 'DESC', got '${String(xs[1])}'`, call.pos, StatusCode.InvalidArguments);
  if (nulls !== 'NULLS FIRST' && nulls !== 'NULLS LAST') throw new PlanError(`The third argument of array_sort must be 'NULLS FIRST' or 'NULLS LAST', got '${String(xs[2])}'`, call.pos, StatusCode.InvalidArguments);
  const vals = a.filter((x) => x !== null).sort(compareElems);
  if (dir === 'DESC') vals.reverse();
  const nul = a.filter((x) => x === null);
  return nulls === 'NULLS FIRST' ? [...nul, ...vals] : [...vals, ...nul];
}

function dims(a: unknown): number[] {
  const out: number[] = [];
  for (let x = a; Array.isArray(x); x = x[0]) out.push(x.length);
  return out;
}

export const ARRAY: Record<string, Fn> = {
  make_array: lists(commonElemType, (xs) => xs),
  array_length: scalars('UInt64', (a, [, dim]) => (dim === undefined || Number(dim) === 1 ? a.length : null)),
  cardinality: scalars('UInt64', (a) => { const d = dims(a); return d.reduce((p, x) => p * x, 1); }),
  array_ndims: scalars('UInt64', (a) => dims(a).length),
  array_dims: lists(fixed('UInt64'), ([a], call) => (a === null ? null : dims(asList(a, call)))),
  array_empty: scalars('Boolean', (a) => a.length === 0),
  array_element: scalars('elem', (a, [, k]) => (k === null ? null : a[index(a, Number(k))] ?? null)),
  array_any_value: scalars('elem', (a) => a.find((x) => x !== null) ?? null),
  array_max: scalars('elem', (a) => a.filter((x) => x !== null).reduce<unknown>((m, x) => (m === null || compareElems(x, m) > 0 ? x : m), null)),
  array_min: scalars('elem', (a) => a.filter((x) => x !== null).reduce<unknown>((m, x) => (m === null || compareElems(x, m) < 0 ? x : m), null)),
  array_has: scalars('Boolean', (a, [, x]) => (x === null ? null : a.some((y) => same(y, x)))),
  array_has_all: scalars('Boolean', (a, [, b], call) => (b === null ? null : asList(b, call).every((x) => a.some((y) => same(y, x))))),
  array_has_any: scalars('Boolean', (a, [, b], call) => (b === null ? null : asList(b, call).some((x) => a.some((y) => same(y, x))))),
  array_position: scalars('UInt64', (a, [, x, from]) => {
    const start = from === undefined || from === null ? 0 : Number(from) - 1;
    for (let j = Math.max(0, start); j < a.length; j++) if (same(a[j], x)) return j + 1;
    return null;
  }),
  array_positions: lists(fixed('UInt64'), ([a, x], call) => (a === null ? null : asList(a, call).flatMap((y, j) => (same(y, x) ? [j + 1] : [])))),
  array_to_string: scalars('String', (a, [, sep, nul]) => {
    if (sep === null) return null;
    const flat = a.flat(Infinity);
    const parts = nul === undefined || nul === null ? flat.filter((x) => x !== null) : flat.map((x) => (x === null ? nul : x));
    return parts.map(String).join(String(sep));
  }),
  array_distance: scalars('Float64', (a, [, b], call) => {
    const c = asList(b, call);
    if (c.length !== a.length) throw new PlanError(`array_distance needs lists of one length, got ${a.length} and ${c.length}`, call.pos, StatusCode.InvalidArguments);
    return Math.sqrt(a.reduce<number>((s, x, j) => s + (Number(x) - Number(c[j])) ** 2, 0));
  }, true),
  array_append: lists((t) => commonElemType([listElem(t[0]!) ?? 'Null', t[1]!]), ([a, x], call) => [...(a === null ? [] : asList(a, call)), x]),
  array_prepend: lists((t) => commonElemType([t[0]!, listElem(t[1]!) ?? 'Null']), ([x, a], call) => [x, ...(a === null ? [] : asList(a, call))]),
  array_concat: lists((t) => commonElemType(t.map((x) => listElem(x) ?? 'Null')), (xs, call) => (xs.every((x) => x === null) ? null : xs.flatMap((x) => (x === null ? [] : asList(x, call))))),
  array_pop_back: lists(elemsOf(0), ([a], call) => (a === null ? null : asList(a, call).slice(0, -1))),
  array_pop_front: lists(elemsOf(0), ([a], call) => (a === null ? null : asList(a, call).slice(1))),
  array_reverse: lists(elemsOf(0), ([a], call) => (a === null ? null : [...asList(a, call)].reverse())),
  // DataFusion sorts the values to find the duplicates: the result is in ascending order, NULL first
  array_distinct: lists(elemsOf(0), ([a], call) => (a === null ? null : sortList(distinct(asList(a, call)), [], call))),
  array_sort: lists(elemsOf(0), (xs, call) => (xs[0] === null ? null : sortList(asList(xs[0], call), xs, call))),
  array_union: lists((t) => commonElemType([listElem(t[0]!) ?? 'Null', listElem(t[1]!) ?? 'Null']), ([a, b], call) => (a === null && b === null ? null : distinct([...(a === null ? [] : asList(a, call)), ...(b === null ? [] : asList(b, call))]))),
  array_intersect: lists(elemsOf(0), ([a, b], call) => (a === null || b === null ? null : distinct(asList(a, call).filter((x) => asList(b, call).some((y) => same(x, y)))))),
  array_except: lists(elemsOf(0), ([a, b], call) => (a === null || b === null ? null : distinct(asList(a, call).filter((x) => !asList(b, call).some((y) => same(x, y)))))),
  array_remove: lists(elemsOf(0), ([a, x], call) => (a === null ? null : removeN(asList(a, call), x, 1))),
  array_remove_n: lists(elemsOf(0), ([a, x, k], call) => (a === null || k === null ? null : removeN(asList(a, call), x, count(k, 'max', call)))),
  array_remove_all: lists(elemsOf(0), ([a, x], call) => (a === null ? null : removeN(asList(a, call), x, Infinity))),
  array_replace: lists(elemsOf(0), ([a, f, t], call) => (a === null ? null : replaceN(asList(a, call), f, t, 1))),
  array_replace_n: lists(elemsOf(0), ([a, f, t, k], call) => (a === null || k === null ? null : replaceN(asList(a, call), f, t, count(k, 'max', call)))),
  array_replace_all: lists(elemsOf(0), ([a, f, t], call) => (a === null ? null : replaceN(asList(a, call), f, t, Infinity))),
  array_repeat: lists((t) => t[0]!, ([x, k], call) => (k === null ? null : new Array<unknown>(Math.max(0, count(k, 'count', call))).fill(x))),
  array_resize: lists(elemsOf(0), ([a, k, fill], call) => {
    if (a === null || k === null) return null;
    const l = asList(a, call), size = count(k, 'size', call);
    if (size < 0) throw new PlanError(`array_resize needs a size of at least 0, got ${size}`, call.pos, StatusCode.InvalidArguments);
    return l.length >= size ? l.slice(0, size) : [...l, ...new Array<unknown>(size - l.length).fill(fill ?? null)];
  }),
  // array_slice(list, begin, end[, stride]): both ends included; 0 is the start; a negative end counts from the end
  array_slice: lists(elemsOf(0), ([a, b, e, st], call) => {
    if (a === null || b === null || e === null) return null;
    const l = asList(a, call), len = l.length;
    const stride = st === undefined || st === null ? 1 : count(st, 'stride', call);
    if (stride === 0) throw new PlanError('The stride of array_slice cannot be 0', call.pos, StatusCode.InvalidArguments);
    const from = (k: number) => (k > 0 ? k - 1 : k < 0 ? len + k : 0);
    const lo = Math.max(0, from(count(b, 'begin', call))), hi = Math.min(len - 1, from(count(e, 'end', call)));
    const out: unknown[] = [];
    if (stride > 0) for (let j = lo; j <= hi; j += stride) out.push(l[j]);
    else for (let j = hi; j >= lo; j += stride) out.push(l[j]);
    return out;
  }),
  flatten: lists((t) => { const e = listElem(t[0]!); return listElem(e ?? undefined) ?? e ?? 'Null'; }, ([a], call) => (a === null ? null : asList(a, call).flatMap((x) => (Array.isArray(x) ? x : [x])))),
  range: series(false),
  generate_series: series(true),
  // string_to_array(s, delim[, null_text]): a NULL delimiter splits every character, an empty one keeps s whole, an
  // empty s is the empty list; parts equal to null_text become NULL
  string_to_array: lists(fixed('String'), ([text, delim, nul]) => {
    if (text === null) return null;
    const t = String(text);
    const parts = t === '' ? [] : delim === null ? [...t] : String(delim) === '' ? [t] : t.split(String(delim));
    return nul === undefined || nul === null ? parts : parts.map((q) => (q === String(nul) ? null : q));
  }),
};
