// Table scans: push time-range and tag predicates of WHERE into a ScanSpec, and turn Arrow batches into column vectors.
import { DataType, type Data, type RecordBatch, type Vector } from 'apache-arrow';
import type { ColumnSchema, TableSchema } from '../../schema.ts';
import { sqlTypeName } from '../../schema.ts';
import type { Expr } from '../../sql/index.ts';
import type { ScanSpec } from '../context.ts';
import type { Env } from '../expr/eval.ts';
import type { Field, Rel } from './rel.ts';
import type { DType, Vec } from '../vector.ts';
import { TIME_TYPES, TS_NAME, allNullVec, dictStrVec, int64Vec, nullVec, fromValues } from '../vector.ts';
import { floorDiv, parseTimestampNs } from '../expr/time.ts';
import { wallToUtcNs } from '../expr/timezone.ts';
import { UNIT_NS } from '../vector.ts';
import { conjuncts } from './walk.ts';
import { indexPredicates, isCol } from './index_pushdown.ts';

export function columnDt(c: ColumnSchema): DType {
  if (c.sqlType === 'Date' || (c.sqlType !== undefined && TIME_TYPES[c.sqlType])) return c.sqlType;
  if (c.type === 'timestamp') return TS_NAME[c.unit ?? 'ms'];
  return sqlTypeName(c.type, c.unit, c.sqlType);
}

/** A string column holding text itself (not a wide decimal's digits, whose equal values may be spelled apart). */
function isPlainString(c: ColumnSchema | undefined): boolean {
  return c?.type === 'string' && !c.sqlType?.startsWith('Decimal128(');
}

/** Column names the statement may reference (all when a wildcard appears). */
export function referencedColumns(exprs: unknown, schema: TableSchema): string[] | undefined {
  const names = new Set<string>();
  let all = false;
  // an explicit stack, not recursion: a flat chain of thousands of operands is that deep
  const stack: unknown[] = [exprs];
  while (stack.length && !all) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    if (Array.isArray(x)) { for (const y of x) stack.push(y); continue; }
    const o = x as Record<string, unknown>;
    if (o.type === 'wildcard') { all = true; break; }
    // count(*) reads no particular column
    if (o.type === 'function' && Array.isArray(o.args) && o.args.length === 1 && (o.args[0] as { type?: string }).type === 'wildcard') {
      for (const k of ['filter', 'over', 'orderBy', 'withinGroup']) if (o[k]) stack.push(o[k]);
      continue;
    }
    if (o.type === 'column') {
      const path = o.path as { value: string }[];
      names.add(path[path.length - 1]!.value);
      continue;
    }
    for (const k in o) if (k !== 'pos') stack.push(o[k]);
  }
  if (all) return undefined;
  const cols = schema.columns.filter((c) => names.has(c.name) || names.has(c.name.toLowerCase())).map((c) => c.name);
  if (!cols.includes(schema.timeIndex)) cols.push(schema.timeIndex);
  return cols;
}

function literalNs(e: Expr, unitNs: bigint, tz?: string): bigint | null {
  // text is read as the evaluator reads it: zone-less text in the session's zone
  const text = (t: string) => { const ns = parseTimestampNs(t); return ns === null ? null : wallToUtcNs(ns, t, tz); };
  if (e.type === 'string') return text(e.value);
  if (e.type === 'number' && /^\d+$/.test(e.value)) return BigInt(e.value) * unitNs;
  if (e.type === 'unary' && e.op === '-' && e.expr.type === 'number' && /^\d+$/.test(e.expr.value)) return -BigInt(e.expr.value) * unitNs;
  if (e.type === 'typed_string') return text(e.value);
  if (e.type === 'cast' && e.expr.type === 'string') return castLiteralNs(e.dataType, e.expr.value, unitNs, text);
  return null;
}

const DAY_NS = 86_400_000_000_000n;

/**
 * A bound from text cast to a type, as the evaluator compares it: a date is its day (no zone); a timestamp of the
 * column's unit is the unit the text falls in; a timestamp of another unit meets the column in the coarser of the two
 * (compare.ts), which no bound on the column's own values states: not pushed (null), the executor tests it.
 */
function castLiteralNs(t: { name: string; precision?: number }, value: string, unitNs: bigint, text: (t: string) => bigint | null): bigint | null {
  if (t.name === 'DATE') { const ns = parseTimestampNs(value); return ns === null ? null : floorDiv(ns, DAY_NS) * DAY_NS; }
  if (t.name !== 'TIMESTAMP') return text(value);
  const p = t.precision ?? 3;
  const castNs = p <= 0 ? UNIT_NS.s : p <= 3 ? UNIT_NS.ms : p <= 6 ? UNIT_NS.us : UNIT_NS.ns;
  if (castNs !== unitNs) return null;
  const ns = text(value);
  return ns === null ? null : floorDiv(ns, unitNs) * unitNs;
}

/** Derives scan bounds and tag filters from WHERE conjuncts over this table's columns. */
export function pushdown(where: Expr | undefined, schema: TableSchema, qualifiers: string[], env: Env, applied?: Set<Expr>): ScanSpec {
  const spec: ScanSpec = {};
  // Conjuncts the scan enforces exactly (time bounds on whole units of the column, one tag filter per tag), so the
  // executor need not test them again: `applied` collects them when the caller asks.
  const exactTime: Expr[] = [];
  const tagConjuncts = new Map<string, Expr[]>();
  const aligned = (ns: bigint) => ns % unitNs === 0n;
  const stringLit = (e: Expr) => e.type === 'string' || e.type === 'typed_string' || (e.type === 'cast' && e.expr.type === 'string');
  const ti = schema.columns.find((c) => c.name === schema.timeIndex)!;
  const unitNs = UNIT_NS[ti.unit ?? 'ms'];
  const tighten = (lo?: bigint, hi?: bigint) => {
    if (lo !== undefined && (spec.start === undefined || lo > spec.start)) spec.start = lo;
    if (hi !== undefined && (spec.end === undefined || hi < spec.end)) spec.end = hi;
  };
  for (const c of conjuncts(where)) {
    if (c.type === 'binary' && ['>=', '>', '<', '<=', '='].includes(c.op)) {
      let op = c.op, col = c.left, lit = c.right;
      if (!isCol(col, schema.timeIndex, qualifiers) && !schema.primaryKey.some((k) => isCol(col, k, qualifiers))) {
        [col, lit] = [c.right, c.left];
        op = ({ '>=': '<=', '>': '<', '<': '>', '<=': '>=', '=': '=' } as Record<string, string>)[op] as typeof op;
      }
      if (isCol(col, schema.timeIndex, qualifiers)) {
        const ns = literalNs(lit, unitNs, env.qctx.timeZone);
        if (ns === null) continue;
        if (stringLit(lit) && aligned(ns)) exactTime.push(c);
        if (op === '>=') tighten(ns);
        else if (op === '>') tighten(ns + 1n);
        else if (op === '<') tighten(undefined, ns);
        else if (op === '<=') tighten(undefined, ns + 1n);
        else tighten(ns, ns + 1n);
        continue;
      }
      const tag = schema.primaryKey.find((k) => isCol(col, k, qualifiers));
      if (tag && op === '=' && lit.type === 'string' && isPlainString(schema.columns.find((x) => x.name === tag))) {
        (spec.tagFilter ??= {})[tag] = [lit.value];
        tagConjuncts.set(tag, [...(tagConjuncts.get(tag) ?? []), c]);
      }
    } else if (c.type === 'between' && !c.negated && isCol(c.expr, schema.timeIndex, qualifiers)) {
      const lo = literalNs(c.low, unitNs, env.qctx.timeZone), hi = literalNs(c.high, unitNs, env.qctx.timeZone);
      if (lo !== null) tighten(lo);
      if (hi !== null) tighten(undefined, hi + 1n);
    } else if (c.type === 'in_list' && !c.negated) {
      const tag = schema.primaryKey.find((k) => isCol(c.expr, k, qualifiers));
      if (tag && c.list.every((x) => x.type === 'string') && isPlainString(schema.columns.find((x) => x.name === tag))) {
        (spec.tagFilter ??= {})[tag] = c.list.map((x) => (x as { value: string }).value);
        tagConjuncts.set(tag, [...(tagConjuncts.get(tag) ?? []), c]);
      }
    }
  }
  if (applied) {
    for (const c of exactTime) applied.add(c);
    // a tag named by two conjuncts keeps only the last in tagFilter: the executor tests both
    for (const cs of tagConjuncts.values()) if (cs.length === 1) applied.add(cs[0]!);
  }
  const preds = indexPredicates(where, schema, qualifiers);
  if (preds.length > 0) spec.predicates = preds;
  return spec;
}

/** How a numeric column is held: timestamps and 64-bit ints as exact int64 arrays, doubles as Float64Array. */
type NumKind = 'ts' | 'i64' | 'u64' | 'f64';
function numKind(col: ColumnSchema): NumKind | null {
  switch (col.type) {
    case 'timestamp': return 'ts';
    case 'int64': return 'i64';
    case 'uint64': return 'u64';
    case 'float64': return 'f64';
    default: return null;
  }
}
function numOut(kind: NumKind, n: number): BigInt64Array | BigUint64Array | Float64Array {
  return kind === 'f64' ? new Float64Array(n) : kind === 'u64' ? new BigUint64Array(n) : new BigInt64Array(n);
}
/** A chunk whose buffer has the output's element type, so it is copied whole or viewed. */
function sameType(kind: NumKind, vals: unknown): boolean {
  return kind === 'f64' ? vals instanceof Float64Array : kind === 'u64' ? vals instanceof BigUint64Array : vals instanceof BigInt64Array;
}
function numResult(kind: NumKind, col: ColumnSchema, dt: DType, out: BigInt64Array | BigUint64Array | Float64Array, valid: Uint8Array | null): Vec {
  if (kind === 'ts') return { kind: 'ts', dt, unit: col.unit ?? 'ms', v: out as BigInt64Array, valid };
  if (kind === 'f64') return { kind: 'num', dt, v: out as Float64Array, valid };
  // 64-bit ints: doubles for the common kernels, the exact values kept when some value is beyond 2^53
  return int64Vec(dt, out as BigInt64Array | BigUint64Array, valid);
}

/**
 * Copies one Arrow chunk of numbers into out at `at`, marking nulls in valid (allocated on the first null).
 * Slow path (nulls or a different element type): element by element.
 */
function copyNumericChunk(
  d: Data,
  kind: NumKind,
  out: BigInt64Array | BigUint64Array | Float64Array,
  at: number,
  n: number,
  valid: Uint8Array | null,
): Uint8Array | null {
  const vals = d.values as BigInt64Array | Float64Array | BigUint64Array;
  const bm = d.nullCount > 0 ? d.nullBitmap : null;
  const big = kind !== 'f64';
  if (big && sameType(kind, vals)) {
    // 64-bit values copied as their two 32-bit words: reading a BigInt64Array element would box a BigInt
    const src = new Int32Array(vals.buffer, vals.byteOffset, d.length * 2);
    const dst = new Int32Array(out.buffer, out.byteOffset, out.length * 2);
    for (let i = 0; i < d.length; i++) {
      const j = d.offset + i;
      if (bm && !((bm[j >> 3]! >> (j & 7)) & 1)) {
        if (!valid) valid = new Uint8Array(n).fill(1);
        valid[at + i] = 0;
        continue;
      }
      dst[2 * (at + i)] = src[2 * i]!;
      dst[2 * (at + i) + 1] = src[2 * i + 1]!;
    }
    return valid;
  }
  for (let i = 0; i < d.length; i++) {
    const j = d.offset + i;
    if (bm && !((bm[j >> 3]! >> (j & 7)) & 1)) {
      if (!valid) valid = new Uint8Array(n).fill(1);
      valid[at + i] = 0;
      continue;
    }
    const x = vals[i]!;
    if (!big) (out as Float64Array)[at + i] = Number(x);
    else if (typeof x === 'bigint') (out as BigInt64Array)[at + i] = kind === 'u64' ? BigInt.asUintN(64, x) : BigInt.asIntN(64, x);
    else (out as BigInt64Array)[at + i] = BigInt(Math.trunc(x));
  }
  return valid;
}

function vectorToVec(vec: Vector | null, col: ColumnSchema, n: number): Vec {
  const dt = columnDt(col);
  if (!vec) return nullVec(n, dt) as Vec;
  const kind = numKind(col);
  if (kind) {
    const out = numOut(kind, n);
    let valid: Uint8Array | null = null;
    let at = 0;
    for (const d of vec.data) {
      valid = copyNumericChunk(d, kind, out, at, n, valid);
      at += d.length;
    }
    return numResult(kind, col, dt, out, valid);
  }
  const vals = new Array(n);
  for (let i = 0; i < n; i++) vals[i] = vec.get(i) ?? null;
  return fromValues(dt, vals);
}

/** One relation from the scanned batches, every schema column present (unscanned ones all null, sharing one array). */
export function batchesToRel(batches: RecordBatch[], schema: TableSchema, qualifier: string): Rel {
  const fields: Field[] = schema.columns.map((c) => (c.indexes?.fulltext ? { name: c.name, qualifier, dt: columnDt(c), fulltext: c.indexes.fulltext } : { name: c.name, qualifier, dt: columnDt(c) }));
  const len = batches.reduce((a, b) => a + b.numRows, 0);
  const cols = schema.columns.map((c, j) => {
    // no rows (also a report-only batch of EXPLAIN ANALYZE): typed empty columns, as functions check kinds
    if (batches.length === 0 || len === 0) return fromValues(fields[j]!.dt, []);
    const parts = batches.map((b) => b.getChild(c.name) as Vector | null);
    if (parts.every((p) => p === null)) return allNullVec(len, fields[j]!.dt);
    const direct = columnOf(parts, batches, c, len);
    if (direct) return direct;
    const per = parts.map((p, k) => vectorToVec(p, c, batches[k]!.numRows));
    return per.length === 1 ? per[0]! : concat(per, fields[j]!.dt, len);
  });
  return { fields, cols, len };
}

/**
 * A column read straight from every batch into one output array: numbers and timestamps copied
 * (whole chunks when they have no nulls), dictionary-coded strings decoded through their dictionary
 * once. Null for other column types (the per-batch path handles them).
 */
function columnOf(parts: (Vector | null)[], batches: RecordBatch[], col: ColumnSchema, n: number): Vec | null {
  const dt = columnDt(col);
  const kind = numKind(col);
  if (kind) {
    if (parts.length === 1 && parts[0]!.data.length === 1) {
      // one chunk without nulls: a view of the batch's buffer, nothing copied (vectors are never written in place)
      const d = parts[0]!.data[0]!;
      const vals = d.values as unknown;
      if (d.nullCount === 0 && d.length === n && sameType(kind, vals)) {
        return numResult(kind, col, dt, (vals as Float64Array).subarray(0, n), null);
      }
    }
    const out = numOut(kind, n);
    let valid: Uint8Array | null = null;
    let at = 0;
    for (let k = 0; k < parts.length; k++) {
      const vec = parts[k];
      const rows = batches[k]!.numRows;
      if (!vec) {
        if (!valid) valid = new Uint8Array(n).fill(1);
        valid.fill(0, at, at + rows);
        at += rows;
        continue;
      }
      for (const d of vec.data) {
        const vals = d.values as BigInt64Array | Float64Array | BigUint64Array;
        const bm = d.nullCount > 0 ? d.nullBitmap : null;
        if (!bm && sameType(kind, vals)) (out as Float64Array).set((vals as Float64Array).subarray(0, d.length), at);
        else valid = copyNumericChunk(d, kind, out, at, n, valid);
        at += d.length;
      }
    }
    return numResult(kind, col, dt, out, valid);
  }
  if (col.type !== 'string' || dt !== 'String' || !parts.every((p) => p === null || DataType.isDictionary(p.type))) return null;
  const one = oneDictionary(parts);
  if (one) return dictStrVec(dt, dictCodes(parts, batches, n, null), one);
  // Kept as codes into one dictionary (the union of the chunks' dictionaries): strings are made only if asked for.
  const codes = new Int32Array(n).fill(-1);
  const dict: (string | null)[] = [];
  const index = new Map<string, number>();
  const maps = new Map<unknown, Int32Array>();
  let at = 0;
  for (let k = 0; k < parts.length; k++) {
    const vec = parts[k];
    const rows = batches[k]!.numRows;
    if (!vec) { at += rows; continue; }
    for (const d of vec.data) {
      let map = maps.get(d.dictionary);
      if (!map) {
        const dv = d.dictionary!;
        map = new Int32Array(dv.length);
        for (let i = 0; i < dv.length; i++) {
          const s = dv.get(i);
          if (s === null || s === undefined) { map[i] = -1; continue; }
          const str = String(s);
          let c = index.get(str);
          if (c === undefined) { c = dict.length; dict.push(str); index.set(str, c); }
          map[i] = c;
        }
        maps.set(d.dictionary, map);
      }
      const src = d.values as Int32Array;
      const bm = d.nullCount > 0 ? d.nullBitmap : null;
      for (let i = 0; i < d.length; i++) {
        const j = d.offset + i;
        if (bm && !((bm[j >> 3]! >> (j & 7)) & 1)) continue;
        codes[at + i] = map[src[i]!]!;
      }
      at += d.length;
    }
  }
  return dictStrVec(dt, codes, dict);
}

/** Decoded dictionaries by Arrow dictionary vector (storage hands out one vector per segment dictionary). */
const decodedDicts = new WeakMap<object, (string | null)[] | false>();

/**
 * The strings of the one dictionary every chunk shares, decoded once per dictionary vector, when its entries are
 * distinct (consumers of dictionary-coded vectors compare codes as values); null otherwise.
 */
function oneDictionary(parts: (Vector | null)[]): (string | null)[] | null {
  let dv: Vector | null = null;
  for (const p of parts) {
    if (!p) continue;
    for (const d of p.data) {
      if (!d.dictionary) return null;
      if (dv === null) dv = d.dictionary;
      else if (dv !== d.dictionary) return null;
    }
  }
  if (dv === null) return null;
  let strings = decodedDicts.get(dv);
  if (strings === undefined) {
    const out: (string | null)[] = new Array(dv.length);
    const seen = new Set<string>();
    let distinct = true;
    for (let i = 0; i < dv.length; i++) {
      const s = dv.get(i);
      const str = s === null || s === undefined ? null : String(s);
      out[i] = str;
      if (str === null) { distinct = false; continue; }
      if (seen.has(str)) distinct = false;
      seen.add(str);
    }
    strings = distinct ? out : false;
    decodedDicts.set(dv, strings);
  }
  return strings || null;
}

/** The chunks' codes in one array (-1: null), each remapped through `map` when given. */
function dictCodes(parts: (Vector | null)[], batches: RecordBatch[], n: number, map: Int32Array | null): Int32Array {
  // one chunk without nulls, codes as they are: a view of the batch's buffer (vectors are never written in place)
  const only = parts.length === 1 && parts[0]!.data.length === 1 ? parts[0]!.data[0]! : null;
  if (only && !map && only.nullCount === 0 && only.length === n && only.values instanceof Int32Array) return only.values.subarray(0, n);
  const codes = new Int32Array(n).fill(-1);
  let at = 0;
  for (let k = 0; k < parts.length; k++) {
    const vec = parts[k];
    if (!vec) { at += batches[k]!.numRows; continue; }
    for (const d of vec.data) {
      const src = d.values as Int32Array;
      const bm = d.nullCount > 0 ? d.nullBitmap : null;
      if (!bm && !map) codes.set(src.subarray(0, d.length), at);
      else {
        for (let i = 0; i < d.length; i++) {
          const j = d.offset + i;
          if (bm && !((bm[j >> 3]! >> (j & 7)) & 1)) continue;
          codes[at + i] = map ? map[src[i]!]! : src[i]!;
        }
      }
      at += d.length;
    }
  }
  return codes;
}

function concat(parts: Vec[], dt: DType, n: number): Vec {
  if (parts.length === 0) return fromValues(dt, []);
  const first = parts[0]!;
  if (first.kind === 'num' || first.kind === 'ts') {
    const out = first.kind === 'ts' ? new BigInt64Array(n) : new Float64Array(n);
    let valid: Uint8Array | null = null;
    let at = 0;
    for (const p of parts) {
      (out as Float64Array).set(p.v as Float64Array, at);
      const pv = (p as { valid: Uint8Array | null }).valid;
      if (pv) { if (!valid) valid = new Uint8Array(n).fill(1); valid.set(pv, at); }
      at += p.v.length;
    }
    return { ...first, v: out, valid } as Vec;
  }
  const vals: unknown[] = [];
  for (const p of parts) for (const x of p.v as unknown[]) vals.push(x);
  if (first.kind === 'bool') {
    const out = new Uint8Array(n);
    let valid: Uint8Array | null = null, at = 0;
    for (const p of parts) {
      out.set(p.v as Uint8Array, at);
      const pv = (p as { valid: Uint8Array | null }).valid;
      if (pv) { if (!valid) valid = new Uint8Array(n).fill(1); valid.set(pv, at); }
      at += p.v.length;
    }
    return { kind: 'bool', dt: 'Boolean', v: out, valid };
  }
  return { ...first, v: vals } as Vec;
}
