// Column type changes (ALTER TABLE MODIFY COLUMN): data keeps the type it was written with and is cast on read.
import { NANOS_PER_UNIT, type ColumnSchema, type DataType, type TableSchema } from '../core/index.ts';
import { defaultColumn } from './defaults.ts';
import { OP_COLUMN } from './ops.ts';
import { allocTyped } from './run.ts';
import type { ColumnData, Run } from './types.ts';

/** A column as a memtable chunk or a decoded run holds it: strings are plain (string[]) or dictionary codes. */
export interface AnyColumn {
  values: ColumnData['values'] | ArrayLike<unknown>;
  valid: Uint8Array | null;
  dict?: string[] | undefined;
}

type Scalar = number | bigint | string | null;

function reader(c: AnyColumn, from: DataType): (i: number) => Scalar {
  const v = c.values as ArrayLike<unknown>;
  const ok = (i: number) => !c.valid || c.valid[i] !== 0;
  if (from === 'string') {
    if (c.dict) { const d = c.dict; return (i) => (ok(i) ? d[v[i] as number] ?? null : null); }
    return (i) => (ok(i) ? (v[i] as string | null) ?? null : null);
  }
  return (i) => (ok(i) ? (v[i] as number | bigint) : null);
}

/** Float text as Arrow casts it: integral values keep a `.0`, infinities read `inf`. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = String(x);
  return Number.isInteger(x) && !/e/.test(s) ? `${s}.0` : s;
}

const TRUE = /^(true|t|yes|y|on|1)$/i, FALSE = /^(false|f|no|n|off|0)$/i;
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n;

/** One value cast from `from` to column `to` (null where the value has no image, as a safe Arrow cast gives). */
function castValue(x: Scalar, from: DataType, to: ColumnSchema): Scalar {
  if (x === null) return null;
  const unit = NANOS_PER_UNIT[to.unit ?? 'ms'];
  switch (to.type) {
    case 'string':
      if (from === 'float64') return floatText(x as number);
      if (from === 'boolean') return x ? 'true' : 'false';
      if (from === 'timestamp') return new Date(Number((x as bigint) / 1_000_000n)).toISOString().replace('Z', '');
      return String(x);
    case 'boolean':
      if (from === 'string') return TRUE.test((x as string).trim()) ? 1 : FALSE.test((x as string).trim()) ? 0 : null;
      return Number(x) !== 0 ? 1 : 0;
    case 'float64':
      if (from === 'string') { const t = (x as string).trim(); const f = Number(t); return t === '' || Number.isNaN(f) && !/^nan$/i.test(t) ? null : f; }
      if (from === 'timestamp') return Number((x as bigint) / 1_000_000n);
      return Number(x);
    case 'int64': case 'uint64': {
      let b: bigint | null;
      if (from === 'string') b = /^\s*[-+]?\d+\s*$/.test(x as string) ? BigInt((x as string).trim()) : null;
      else if (from === 'float64') b = Number.isFinite(x) ? BigInt(Math.trunc(x as number)) : null;
      else if (from === 'timestamp') b = (x as bigint) / 1_000_000n;
      else b = BigInt(x);
      if (b === null) return null;
      return (to.type === 'int64' ? b >= I64_MIN && b <= I64_MAX : b >= 0n && b <= U64_MAX) ? b : null;
    }
    case 'timestamp': {
      if (from === 'string') { const ms = Date.parse((x as string).trim().replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(x as string) ? '' : 'Z')); return Number.isNaN(ms) ? null : BigInt(ms) * 1_000_000n; }
      if (from === 'float64') return Number.isFinite(x) ? BigInt(Math.trunc(x as number)) * unit : null;
      return BigInt(x) * unit;
    }
  }
}

/** `n` rows of a column written as `from`, as column `to` holds them. */
export function castColumn(c: AnyColumn, from: DataType, to: ColumnSchema, n: number): ColumnData {
  const get = reader(c, from);
  const out: ColumnData = { type: to.type, values: allocTyped(to.type, n), valid: null };
  const valid = new Uint8Array(n);
  let nulls = 0;
  if (to.type === 'string') {
    const dict: string[] = [], pos = new Map<string, number>(), codes = out.values as Int32Array;
    for (let i = 0; i < n; i++) {
      const s = castValue(get(i), from, to) as string | null;
      if (s === null) { nulls++; continue; }
      let k = pos.get(s);
      if (k === undefined) { k = dict.length; dict.push(s); pos.set(s, k); }
      codes[i] = k;
      valid[i] = 1;
    }
    out.dict = dict;
  } else {
    const dst = out.values as unknown as Scalar[];
    for (let i = 0; i < n; i++) {
      const y = castValue(get(i), from, to);
      if (y === null) { nulls++; continue; }
      dst[i] = y;
      valid[i] = 1;
    }
  }
  if (nulls > 0) out.valid = valid;
  return out;
}

/**
 * A run read from a segment written under schema version `version`, as the current schema reads it: columns
 * re-added since then (a dropped column's name reused) read as their default, retyped columns are cast.
 */
export function conformRun(run: Run, version: number, schema: TableSchema): Run {
  let cols: Map<string, ColumnData> | null = null;
  for (const [name, col] of run.cols) {
    if (name === OP_COLUMN || name === schema.timeIndex || schema.primaryKey.includes(name)) continue;
    const cs = schema.columns.find((c) => c.name === name);
    if (!cs) continue;
    let next: ColumnData | null = null;
    if (cs.since !== undefined && version < cs.since) next = defaultColumn(cs, run.rows);
    else if (col.type !== cs.type) next = castColumn(col, col.type, cs, run.rows);
    if (next) (cols ??= new Map(run.cols)).set(name, next);
  }
  return cols ? { rows: run.rows, cols } : run;
}
