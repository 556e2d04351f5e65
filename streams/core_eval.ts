// The one door from flows to core's vectorized expression evaluator (the one SELECT uses), so a flow and a SELECT
// cannot disagree on an expression. Only this module imports the evaluator (through core/query/expr/index.ts). A flow evaluates its row expressions over a whole WriteBatch (a relation of vectors) and its
// output expressions over the groups of one emission (a relation whose columns are group keys and aggregates).
import type { Expr } from '../core/index.ts';
import type { Column, WriteBatch } from '../core/batch.ts';
import type { TimeUnit } from '../core/schema.ts';
import { evalExpr, relNamer, type ColumnNamer, type Env, type Scope } from '../core/query/expr/index.ts';
import type { Rel } from '../core/query/plan/rel.ts';
import { FLOAT_TYPES, INT_TYPES, getValue, maskIndices, take, TS_NAME, TS_TYPES, type Vec } from '../core/query/vector.ts';
import type { QueryContext } from '../core/query/context.ts';
import type { FlowValue } from './types.ts';

export type { Rel, Vec };

/** A flow's expressions see no database, no subqueries, and no clock (now() is refused by the compiler). */
const FLOW_ENV: Env = {
  qctx: { db: 'public' } as QueryContext,
  nowNs: 0n,
  subqueries: new Map(),
};

/** Evaluates an expression whose column references name fields of `rel`; `exprMap` binds computed sub-expressions. */
export function evalVec(e: Expr, rel: Rel, exprMap?: Map<string, number>, namer: ColumnNamer = relNamer(rel)): Vec {
  const scope: Scope = { rel, env: FLOW_ENV, namer, ...(exprMap ? { exprMap } : {}) };
  return evalExpr(e, scope);
}

/** The name core gives an expression under `rel` (how exprMap finds computed sub-expressions). */
export { exprName } from '../core/query/expr/names.ts';
export { relNamer };

/** Row i of a vector as a flow value: number, bigint ns for timestamps, string, boolean, or null. */
export function valueAt(v: Vec, i: number): FlowValue {
  const x = getValue(v, i);
  if (x === undefined) return null;
  if (x !== null && typeof x === 'object') {
    // Intervals become fixed ns, as a flow always held them (months counted as 30 days, like RANGE).
    const iv = x as { months?: number; days?: number; nanos?: bigint };
    if (iv.nanos !== undefined) return BigInt(iv.months ?? 0) * 2_592_000_000_000_000n + BigInt(iv.days ?? 0) * 86_400_000_000_000n + iv.nanos;
    return String(x);
  }
  return x as FlowValue;
}

/** Rows of `rel` where the mask is 1. */
export function filterRel(rel: Rel, mask: Uint8Array): Rel {
  return takeRows(rel, maskIndices(mask));
}

export function takeRows(rel: Rel, idx: ArrayLike<number>): Rel {
  return { fields: rel.fields, cols: rel.cols.map((c) => take(c, idx)), len: idx.length };
}

/**
 * The columns of a WriteBatch a plan reads, as core vectors without copying where the layouts agree (float64,
 * timestamps, booleans, strings); int64 widens to float64 as SELECT's vectors hold it. '$time' is the time index.
 */
export function batchRel(names: string[], qualifier: string, batch: WriteBatch, units?: Record<string, TimeUnit>): Rel {
  const ts = batch.columns.find((c) => c.semantic === 'timestamp');
  const fields: Rel['fields'] = [];
  const cols: Vec[] = [];
  for (const n of names) {
    const c = n === '$time' ? ts : batch.columns.find((x) => x.name === n) ?? batch.columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
    const unit = units?.[n === '$time' ? ts?.name ?? n : c?.name ?? n] ?? 'ms';
    const v = c ? toVec(c, batch.rows, unit) : { kind: 'any' as const, dt: 'Null', v: new Array<unknown>(batch.rows).fill(null) };
    fields.push({ name: n === '$time' ? 'time' : n, qualifier, dt: v.dt });
    cols.push(v);
  }
  return { fields, cols, len: batch.rows };
}

function toVec(c: Column, n: number, unit: TimeUnit): Vec {
  switch (c.type) {
    case 'float64': return { kind: 'num', dt: 'Float64', v: c.values as Float64Array, valid: c.valid };
    case 'int64': case 'uint64': {
      const src = c.values as BigInt64Array | BigUint64Array;
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = Number(src[i]!);
      return { kind: 'num', dt: c.type === 'int64' ? 'Int64' : 'UInt64', v, valid: c.valid };
    }
    case 'timestamp': return { kind: 'ts', dt: TS_NAME[unit], unit, v: c.values as BigInt64Array, valid: c.valid };
    case 'boolean': return { kind: 'bool', dt: 'Boolean', v: c.values as Uint8Array, valid: c.valid };
    case 'string': {
      if (c.dict) {
        const codes = c.values as Int32Array;
        const v = new Array<string | null>(n);
        for (let i = 0; i < n; i++) v[i] = c.valid !== null && c.valid[i] === 0 ? null : c.dict[codes[i]!] ?? null;
        return { kind: 'str', dt: 'String', v };
      }
      const src = c.values as (string | null)[];
      if (c.valid === null) return { kind: 'str', dt: 'String', v: src };
      return { kind: 'str', dt: 'String', v: src.map((x, i) => (c.valid![i] === 0 ? null : x)) };
    }
  }
  return { kind: 'any', dt: 'Null', v: new Array<unknown>(n).fill(null) };
}

/** A one-row vector of a flow value, typed `dt` when the row path saw the type (else inferred from the value). */
export function oneValue(x: FlowValue, dt: string | undefined): Vec {
  if (x === null) {
    const none = Uint8Array.of(0);
    if (dt === undefined) return { kind: 'any', dt: 'Null', v: [null] };
    if (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt)) return { kind: 'num', dt, v: new Float64Array(1), valid: none };
    if (TS_TYPES[dt]) return { kind: 'ts', dt, unit: TS_TYPES[dt]!, v: new BigInt64Array(1), valid: none };
    if (dt === 'Boolean') return { kind: 'bool', dt, v: new Uint8Array(1), valid: none };
    if (dt === 'String') return { kind: 'str', dt, v: [null] };
    return { kind: 'any', dt: 'Null', v: [null] };
  }
  if (dt === undefined) return valuesVec([x]);
  if (typeof x === 'bigint') {
    const unit = TS_TYPES[dt];
    return unit ? { kind: 'ts', dt, unit, v: BigInt64Array.of(x), valid: null } : { kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v: BigInt64Array.of(x), valid: null };
  }
  if (typeof x === 'number' && (INT_TYPES.has(dt) || FLOAT_TYPES.has(dt))) return { kind: 'num', dt, v: Float64Array.of(x), valid: null };
  if (typeof x === 'boolean' && dt === 'Boolean') return { kind: 'bool', dt, v: Uint8Array.of(x ? 1 : 0), valid: null };
  if (typeof x === 'string' && dt === 'String') return { kind: 'str', dt, v: [x] };
  return valuesVec([x]);
}

/** One value per row of a column of flow values, with the type core would infer from them. */
export function valuesVec(values: FlowValue[]): Vec {
  const n = values.length;
  const first = values.find((x) => x !== null);
  if (typeof first === 'bigint') {
    const v = new BigInt64Array(n);
    const valid = new Uint8Array(n);
    let ok = true;
    for (let i = 0; i < n; i++) { const x = values[i]; if (typeof x === 'bigint') { v[i] = x; valid[i] = 1; } else if (x === null) ok = false; else return anyVec(values); }
    return { kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v, valid: ok ? null : valid };
  }
  if (typeof first === 'number') {
    const v = new Float64Array(n);
    const valid = new Uint8Array(n);
    let ok = true;
    let ints = true;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (typeof x === 'number') { v[i] = x; valid[i] = 1; if (!Number.isInteger(x)) ints = false; } else if (x === null) ok = false; else return anyVec(values);
    }
    return { kind: 'num', dt: ints ? 'Int64' : 'Float64', v, valid: ok ? null : valid };
  }
  if (typeof first === 'boolean') {
    const v = new Uint8Array(n);
    const valid = new Uint8Array(n);
    let ok = true;
    for (let i = 0; i < n; i++) { const x = values[i]; if (typeof x === 'boolean') { v[i] = x ? 1 : 0; valid[i] = 1; } else if (x === null) ok = false; else return anyVec(values); }
    return { kind: 'bool', dt: 'Boolean', v, valid: ok ? null : valid };
  }
  if (typeof first === 'string') {
    if (values.every((x) => x === null || typeof x === 'string')) return { kind: 'str', dt: 'String', v: values as (string | null)[] };
    return anyVec(values);
  }
  return { kind: 'any', dt: 'Null', v: values.slice() };
}

function anyVec(values: FlowValue[]): Vec {
  return { kind: 'str', dt: 'String', v: values.map((x) => (x === null ? null : String(x))) };
}
