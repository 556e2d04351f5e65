// Turns runs into Arrow record batches with makeData over the typed arrays (no per-value builders).
import {
  Bool, Data, Dictionary, Field, Float64, Int32, Int64, makeData, makeVector, RecordBatch, Schema, Struct,
  TimestampNanosecond, Type, Uint8, Uint64, Utf8, type DataType as ArrowType, type Vector,
} from 'apache-arrow';
import type { ColumnSchema, DataType, TableSchema } from '../core/index.ts';
import type { ColumnData, Run } from './types.ts';
import { OP_COLUMN } from './ops.ts';
import { packBits } from '../core/bits.ts';

/** Arrow type of a column: strings are Dictionary<Utf8, Int32> (id = position in the table schema). */
export function arrowTypeOf(type: DataType, dictId: number): ArrowType {
  switch (type) {
    case 'float64': return new Float64();
    case 'int64': return new Int64();
    case 'uint64': return new Uint64();
    case 'boolean': return new Bool();
    case 'timestamp': return new TimestampNanosecond();
    case 'string': return new Dictionary(new Utf8(), new Int32(), dictId);
  }
}

export function arrowField(c: ColumnSchema, dictId: number): Field {
  const meta = new Map([['eddy.semantic', c.semantic]]);
  return new Field(c.name, arrowTypeOf(c.type, dictId), c.semantic !== 'timestamp', meta);
}

/** Arrow schemas made per table schema (schemas are replaced, never changed, on ALTER) and column list. */
const schemas = new WeakMap<TableSchema, Map<string, Schema>>();

/** Arrow schema of the given columns (in table order); made once per table schema and column list (scans ask again and again). */
export function arrowSchema(schema: TableSchema, names: string[]): Schema {
  let byNames = schemas.get(schema);
  if (!byNames) schemas.set(schema, (byNames = new Map()));
  const key = names.join('\u0000');
  let s = byNames.get(key);
  if (!s) {
    s = makeArrowSchema(schema, names);
    if (byNames.size < 256) byNames.set(key, s);
  }
  return s;
}

function makeArrowSchema(schema: TableSchema, names: string[]): Schema {
  const fields: Field[] = [];
  schema.columns.forEach((c, i) => {
    if (names.includes(c.name)) fields.push(arrowField(c, i));
  });
  if (names.includes(OP_COLUMN)) fields.push(new Field(OP_COLUMN, new Uint8(), false, new Map([['eddy.semantic', 'op']])));
  return new Schema(fields, new Map([['eddy.table', `${schema.db}.${schema.name}`], ['eddy.schema_version', String(schema.version)]]));
}

export function utf8Data(strings: string[]): Data<Utf8> {
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  for (let i = 0; i < strings.length; i++) total += Buffer.byteLength(strings[i]!, 'utf8');
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < strings.length; i++) {
    pos += buf.write(strings[i]!, pos, 'utf8');
    offsets[i + 1] = pos;
  }
  return makeData({ type: new Utf8(), length: strings.length, valueOffsets: offsets, data: new Uint8Array(buf.buffer, buf.byteOffset, total) });
}

/** A non-string tag (INT/BIGINT primary key) is kept as text inside storage (memtable.ts): its typed values for output. */
function tagAsTyped(type: ArrowType, c: ColumnData, n: number): ColumnData {
  const dict = c.dict!;
  const codes = c.values as Int32Array;
  const big = type.typeId === Type.Int || type.typeId === Type.Timestamp;
  const unsigned = type.typeId === Type.Int && !(type as Int64).isSigned;
  const values = big ? (unsigned ? new BigUint64Array(n) : new BigInt64Array(n)) : type.typeId === Type.Bool ? new Uint8Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (c.valid && c.valid[i] === 0) continue;
    const s = dict[codes[i]!];
    if (s === undefined || s === null) continue;
    if (big) (values as BigInt64Array)[i] = BigInt(s);
    else if (type.typeId === Type.Bool) (values as Uint8Array)[i] = s === 'true' || s === '1' ? 1 : 0;
    else (values as Float64Array)[i] = Number(s);
  }
  return { type: big ? 'int64' : type.typeId === Type.Bool ? 'boolean' : 'float64', values, valid: c.valid } as ColumnData;
}

/**
 * The used entries of a dictionary far larger than the rows (a segment's dictionary under a few rows an index
 * picked): encoding every entry into each output batch would cost more than the scan.
 */
function compactDict(c: ColumnData, n: number): { codes: Int32Array; dict: string[] } {
  const src = c.values as Int32Array, dict = c.dict!;
  const at = new Map<number, number>();
  const out: string[] = [];
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (c.valid && c.valid[i] === 0) continue;
    let k = at.get(src[i]!);
    if (k === undefined) { k = out.length; out.push(dict[src[i]!]!); at.set(src[i]!, k); }
    codes[i] = k;
  }
  return { codes, dict: out };
}

const NO_STRINGS: string[] = [];
/** The Arrow dictionary made of a (decoded, cached) segment dictionary, per dictionary array and its length. */
const dictionaries = new WeakMap<readonly (string | null)[], { length: number; vec: Vector<Utf8> }>();

/**
 * A dictionary's Arrow vector, made once per dictionary array: a segment's dictionary is shared by every scan of it
 * (the decoded cache hands out the same array), so its strings are not encoded again for each query, and the
 * executor, which keeps decoded dictionaries per vector, does not decode them again either. A memtable's
 * dictionary only grows: a longer array is encoded anew.
 */
function dictionaryOf(dict: readonly (string | null)[]): Vector<Utf8> {
  const hit = dictionaries.get(dict);
  if (hit && hit.length === dict.length) return hit.vec;
  const vec = makeVector(utf8Data(dict as string[]));
  dictionaries.set(dict, { length: dict.length, vec });
  return vec;
}

export function columnToData(type: ArrowType, c: ColumnData, n: number): Data {
  const { bitmap, zeros } = c.valid ? packBits(c.valid, n) : { bitmap: undefined, zeros: 0 };
  const nulls = { nullCount: zeros, nullBitmap: zeros > 0 ? bitmap : undefined };
  if (c.type === 'string' && type.typeId !== Type.Dictionary && c.dict) return columnToData(type, tagAsTyped(type, c, n), n);
  if (c.type === 'string') {
    const small = c.dict && n * 8 < c.dict.length ? compactDict(c, n) : null;
    const dictionary = small ? makeVector(utf8Data(small.dict)) : dictionaryOf(c.dict ?? NO_STRINGS);
    return makeData({ type: type as Dictionary<Utf8, Int32>, length: n, data: small ? small.codes : c.values as Int32Array, dictionary, ...nulls });
  }
  if (type.typeId === Type.Int) return makeData({ type: type as Uint8, length: n, data: c.values as Uint8Array, ...nulls });
  if (c.type === 'boolean') {
    return makeData({ type: type as Bool, length: n, data: packBits(c.values as Uint8Array, n).bitmap, ...nulls });
  }
  return makeData({ type: type as Float64, length: n, data: c.values as Float64Array, ...nulls });
}

/** The Struct type of an Arrow schema's fields, made once per (cached) schema. */
const structs = new WeakMap<Schema, Struct>();

/**
 * A record batch of `data` under `schema`, whose fields are exactly data's children, each `data.length` long (what
 * runToBatch makes), set up as RecordBatch's constructor would leave it. The constructor itself checks the lengths and
 * rebuilds the schema (Schema.assign, a new dictionary map) for every batch: ~0.1 ms of every scan, for a schema made
 * once per table and column list. A test pins the result to the constructor's.
 */
export function presetBatch(schema: Schema, data: Data<Struct>): RecordBatch {
  return Object.assign(Object.create(RecordBatch.prototype) as RecordBatch, { schema, data, _metadata: new Map<string, string>() });
}

/** One record batch holding `names` of the run (they must all be in the run). */
export function runToBatch(run: Run, schema: TableSchema, names: string[]): RecordBatch {
  const s = arrowSchema(schema, names);
  const children = s.fields.map((f) => columnToData(f.type, run.cols.get(f.name)!, run.rows));
  let type = structs.get(s);
  if (!type) structs.set(s, (type = new Struct(s.fields)));
  return presetBatch(s, makeData({ type, length: run.rows, nullCount: 0, children }));
}
