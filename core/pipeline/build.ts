// Turns the pipeline's columns into a WriteBatch over the lines that survived: typed arrays filled in one pass per column.
import type { Column, ColumnValues } from '../batch.ts';
import type { ColumnSchema, TimeUnit } from '../schema.ts';
import { PipelineError } from '../errors.ts';
import { encodeJsonb } from '../json/jsonb.ts';
import { TimeCol, type Col, type Ctx } from './context.ts';
import { convert, FAIL, type ColKind, type OutColumn } from './transform.ts';
import { setNs, wordsOf } from './time_words.ts';

const TWO32 = 4294967296;
const NS_PER: Record<TimeUnit, number> = { s: 1e9, ms: 1e6, us: 1e3, ns: 1 };

function setI64(words: Uint32Array, i: number, x: number): void {
  const hi = Math.floor(x / TWO32);
  words[2 * i] = x - hi * TWO32;
  words[2 * i + 1] = hi;
}

/** A full-size column of one output, with its validity; lines that fail conversion are failed in ctx. */
interface Filled { schema: ColumnSchema; values: ColumnValues; valid: Uint8Array }

export function fillColumn(ctx: Ctx, c: OutColumn, src: Col | undefined): Filled {
  const n = ctx.n;
  const valid = new Uint8Array(n);
  const name = c.schema.name;
  const kind = c.kind;
  const fail = (i: number, v: unknown) => {
    if (c.onFailure === 'ignore') return;
    if (c.onFailure === 'default') { put(i, c.dflt); return; }
    ctx.fail(i, 'transform', c.field.input, `'${typeof v === 'object' ? JSON.stringify(v) : String(v)}' is not a valid ${c.schema.sqlType ?? c.schema.type}${c.unit ? ` (${c.unit})` : ''} for column '${name}'`);
  };
  let values: ColumnValues;
  let words: Uint32Array | null = null;
  if (kind === 'int' || kind === 'time') { values = new BigInt64Array(n); words = wordsOf(values as BigInt64Array); }
  else if (kind === 'uint') { values = new BigUint64Array(n); words = new Uint32Array((values as BigUint64Array).buffer); }
  else if (kind === 'float') values = new Float64Array(n);
  else if (kind === 'boolean') values = new Uint8Array(n);
  else values = new Array<string | null>(n).fill(null);
  function put(i: number, v: unknown): void {
    if (v === undefined || v === null) return;
    valid[i] = 1;
    switch (kind) {
      case 'int': case 'uint':
        // beyond 2^53 a value comes as a bigint (every digit kept)
        if (typeof v === 'bigint') (values as BigInt64Array | BigUint64Array)[i] = v;
        else setI64(words!, i, v as number);
        break;
      case 'time': (values as BigInt64Array)[i] = v as bigint; break;
      case 'float': (values as Float64Array)[i] = v as number; break;
      case 'boolean': (values as Uint8Array)[i] = v ? 1 : 0; break;
      default: (values as (string | null)[])[i] = v as string;
    }
  }
  const dead = ctx.dead;
  if (src instanceof TimeCol) {
    if (kind !== 'time') {
      for (let i = 0; i < n; i++) if (!dead[i] && src.valid[i]) fail(i, 'a time');
    } else {
      (values as BigInt64Array).set(src.ns);
      valid.set(src.valid);
      for (let i = 0; i < n; i++) if (!dead[i] && !valid[i] && c.dflt !== undefined) put(i, c.dflt);
    }
    return { schema: c.schema, values, valid };
  }
  const unitNs = NS_PER[c.unit ?? 'ns'];
  for (let i = 0; i < n; i++) {
    if (dead[i]) continue;
    const v = src?.[i];
    if (v === undefined || v === null) { if (c.dflt !== undefined) put(i, c.dflt); continue; }
    // Fast paths of the common shapes; everything else goes through convert().
    if (kind === 'string' && typeof v === 'string') { (values as string[])[i] = v; valid[i] = 1; continue; }
    if (kind === 'time' && typeof v === 'number' && Number.isInteger(v)) {
      const sec = Math.floor((v * unitNs) / 1e9);
      setNs(words!, values as BigInt64Array, i, sec, v * unitNs - sec * 1e9);
      valid[i] = 1;
      continue;
    }
    const x = convert(c, v);
    if (x === FAIL) fail(i, v);
    else put(i, x);
  }
  return { schema: c.schema, values, valid };
}

/** What a column without a transform entry becomes (greptime_identity, version 2): its kind from its values. */
export function inferColumn(ctx: Ctx, name: string, src: Col): OutColumn | null {
  if (src instanceof TimeCol) {
    return { field: { input: name, output: name }, kind: 'time', unit: src.unit, schema: { name, type: 'timestamp', semantic: 'field', nullable: true, unit: src.unit } };
  }
  let kind: ColKind | null = null;
  let firstRow = -1;
  for (let i = 0; i < ctx.n; i++) {
    if (ctx.dead[i]) continue;
    const v = src[i];
    if (v === undefined || v === null) continue;
    const k: ColKind = typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : 'json';
    if (kind === null) { kind = k; firstRow = i; continue; }
    if (k === kind) continue;
    if ((k === 'float' && kind === 'int') || (k === 'int' && kind === 'float')) { kind = 'float'; continue; }
    throw new PipelineError(`column '${name}' has values of different types: ${kind} at line ${firstRow + 1}, ${k} at line ${i + 1}`, { row: i });
  }
  if (kind === null) return null;
  const base = { field: { input: name, output: name }, kind };
  switch (kind) {
    case 'string': return { ...base, schema: { name, type: 'string', semantic: 'field', nullable: true } };
    case 'boolean': return { ...base, schema: { name, type: 'boolean', semantic: 'field', nullable: true } };
    case 'int': return { ...base, schema: { name, type: 'int64', semantic: 'field', nullable: true } };
    case 'float': return { ...base, schema: { name, type: 'float64', semantic: 'field', nullable: true } };
    default: return { ...base, schema: { name, type: 'string', sqlType: 'Json', semantic: 'field', nullable: true } };
  }
}

/** Copies the live lines of filled columns into batch columns (no copy when every line lives). */
export function compact(ctx: Ctx, filled: Filled[]): { rows: number; columns: Column[] } {
  const n = ctx.n;
  let live = 0;
  for (let i = 0; i < n; i++) if (!ctx.dead[i]) live++;
  const idx = live === n ? null : new Int32Array(live);
  if (idx) for (let i = 0, k = 0; i < n; i++) if (!ctx.dead[i]) idx[k++] = i;
  const columns: Column[] = filled.map((f) => {
    let values = f.values;
    let valid = f.valid;
    if (idx) {
      valid = new Uint8Array(live);
      if (Array.isArray(values)) {
        const src = values;
        const out = new Array<string | null>(live);
        for (let k = 0; k < live; k++) out[k] = src[idx[k]!]!;
        values = out;
      } else {
        const src = values as Exclude<ColumnValues, (string | null)[]>;
        const out = new (src.constructor as { new (n: number): typeof src })(live);
        for (let k = 0; k < live; k++) (out as Float64Array)[k] = (src as Float64Array)[idx[k]!]!;
        values = out;
      }
      for (let k = 0; k < live; k++) valid[k] = f.valid[idx[k]!]!;
    }
    let allValid = true;
    for (let k = 0; k < live; k++) if (!valid[k]) { allValid = false; break; }
    const col: Column = { name: f.schema.name, type: f.schema.type, semantic: f.schema.semantic, values, valid: allValid ? null : valid };
    if (f.schema.unit) col.unit = f.schema.unit;
    return col;
  });
  return { rows: live, columns };
}

export { encodeJsonb };
