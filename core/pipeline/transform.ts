// The transform: which fields become columns, their types (with on_failure and default), and their roles and indexes
// (timestamp, tag, fulltext, inverted, skipping). Compiled once into per-column converters that fill typed arrays.
import type { ColumnSchema, DataType, TimeUnit } from '../schema.ts';
import { encodeJsonb } from '../json/jsonb.ts';
import { Options, type FieldSpec } from './config.ts';
import { setIndex } from '../query/statements/indexes.ts';
import { RESOLUTIONS } from './processors/date.ts';
import { parseTimestampNs } from '../query/expr/time.ts';
import { TimeCol, textOf, type Col, type Ctx } from './context.ts';

export type ColKind = 'string' | 'int' | 'uint' | 'float' | 'boolean' | 'json' | 'time';

/** One output column of the transform. */
export interface OutColumn {
  field: FieldSpec;
  schema: ColumnSchema;
  kind: ColKind;
  /** Unit of the time column, and of numbers read as epochs. */
  unit?: TimeUnit;
  /** Bounds of an integer column (int8..uint64). */
  range?: readonly [bigint, bigint];
  onFailure?: 'ignore' | 'default';
  dflt?: unknown;
}

const INT_SQL: Record<string, string> = { int8: 'Int8', int16: 'Int16', int32: 'Int32', int64: 'Int64', uint8: 'UInt8', uint16: 'UInt16', uint32: 'UInt32', uint64: 'UInt64' };
const bits = (n: bigint, signed: boolean): readonly [bigint, bigint] => (signed ? [-(1n << (n - 1n)), (1n << (n - 1n)) - 1n] : [0n, (1n << n) - 1n]);
const INT_RANGE: Record<string, readonly [bigint, bigint]> = {
  int8: bits(8n, true), int16: bits(16n, true), int32: bits(32n, true), int64: bits(64n, true),
  uint8: bits(8n, false), uint16: bits(16n, false), uint32: bits(32n, false), uint64: bits(64n, false),
};

export const FULLTEXT_DEFAULT = { analyzer: 'English', case_sensitive: 'false', backend: 'bloom', granularity: '10240', false_positive_rate: '0.01' };
export const SKIPPING_DEFAULT = { granularity: '10240', type: 'BLOOM', false_positive_rate: '0.01' };

function typeOf(o: Options): { kind: ColKind; type: DataType; sqlType?: string; unit?: TimeUnit; range?: readonly [bigint, bigint] } {
  const t = o.string('type').toLowerCase().replace(/\s+/g, '');
  const [base, unitText] = t.split(',') as [string, string | undefined];
  if (INT_SQL[base]) {
    const unsigned = base.startsWith('u');
    const sqlType = INT_SQL[base]!;
    return { kind: unsigned ? 'uint' : 'int', type: unsigned ? 'uint64' : 'int64', range: INT_RANGE[base]!, ...(sqlType === 'Int64' || sqlType === 'UInt64' ? {} : { sqlType }) };
  }
  switch (base) {
    case 'string': return { kind: 'string', type: 'string' };
    case 'float32': return { kind: 'float', type: 'float64', sqlType: 'Float32' };
    case 'float64': return { kind: 'float', type: 'float64' };
    case 'boolean': case 'bool': return { kind: 'boolean', type: 'boolean' };
    case 'json': return { kind: 'json', type: 'string', sqlType: 'Json' };
    case 'time': case 'timestamp': case 'epoch': case 'date': case 'datetime': {
      const unit = unitText === undefined ? (base === 'epoch' ? undefined : 'ns') : RESOLUTIONS[unitText];
      if (!unit) throw o.error(`type '${o.string('type')}' needs a precision: s, ms, us or ns (e.g. 'epoch, ms')`, 'type');
      return { kind: 'time', type: 'timestamp', unit };
    }
  }
  throw o.error(`unknown type '${o.string('type')}' (string, int8..int64, uint8..uint64, float32, float64, boolean, json, time, 'epoch, ms', 'timestamp, ns')`, 'type');
}

export function compileTransform(entries: Options[]): OutColumn[] {
  const out: OutColumn[] = [];
  const seen = new Set<string>();
  for (const o of entries) {
    o.only(['field', 'fields', 'type', 'index', 'tag', 'on_failure', 'default']);
    const fields = o.fields();
    const t = typeOf(o);
    const { index, options: indexOptions } = indexOf(o);
    const isTag = index === 'tag' || o.bool('tag', false);
    const isTime = index === 'timestamp' || index === 'time';
    if (isTime && t.kind !== 'time') throw o.error(`index: timestamp needs a time type ('time', 'epoch, ms', 'timestamp, ns'), not '${o.string('type')}'`, 'index');
    const onFailure = o.has('on_failure') ? o.oneOf('on_failure', ['ignore', 'default'] as const) : undefined;
    if (onFailure === 'default' && !o.has('default')) throw o.error("on_failure: default needs a 'default' value", 'on_failure');
    for (const f of fields) {
      if (seen.has(f.output)) throw o.error(`column '${f.output}' is transformed twice`, 'fields');
      seen.add(f.output);
      const schema: ColumnSchema = {
        name: f.output, type: t.type, semantic: isTime ? 'timestamp' : isTag ? 'tag' : 'field', nullable: !isTime,
        ...(t.sqlType ? { sqlType: t.sqlType } : {}), ...(t.unit ? { unit: t.unit } : {}),
      };
      if (index === 'fulltext') {
        if (t.kind !== 'string') throw o.error('index: fulltext needs type string', 'index');
        schema.indexes = { fulltext: { ...FULLTEXT_DEFAULT } };
      } else if (index === 'inverted') schema.indexes = { inverted: true };
      else if (index === 'skipping') schema.indexes = { skipping: { ...SKIPPING_DEFAULT } };
      if (indexOptions && (index === 'fulltext' || index === 'skipping')) {
        // the same option names and checks as the SQL index options
        try {
          schema.indexes = setIndex({ ...schema, indexes: {} }, index === 'fulltext' ? 'FULLTEXT' : 'SKIPPING', indexOptions).indexes;
        } catch (e) {
          throw o.error(`index options: ${(e as Error).message}`, 'index');
        }
      }
      const col: OutColumn = {
        field: f, schema, kind: t.kind, ...(t.unit ? { unit: t.unit } : {}), ...(t.range ? { range: t.range } : {}), ...(onFailure ? { onFailure } : {}),
      };
      if (o.has('default')) {
        const d = convert(col, o.raw.default);
        if (d === FAIL) throw o.error(`default '${String(o.raw.default)}' is not a ${o.string('type')}`, 'default');
        col.dflt = d;
      }
      out.push(col);
    }
  }
  if (out.filter((c) => c.schema.semantic === 'timestamp').length > 1) throw entries[0]!.error('more than one column has index: timestamp');
  return out;
}

const INDEX_KINDS = ['timestamp', 'time', 'tag', 'fulltext', 'inverted', 'skipping'] as const;

/** `index: fulltext`, or the object form `index: {type: fulltext, options: {analyzer: Chinese, ...}}` (fulltext, skipping). */
function indexOf(o: Options): { index: (typeof INDEX_KINDS)[number] | undefined; options?: Record<string, string> } {
  const raw = o.raw.index;
  if (raw === undefined || raw === null) return { index: undefined };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { index: o.oneOf('index', INDEX_KINDS) };
  const io = new Options(`${o.what}, index`, raw as Record<string, unknown>, o.posOf('index'));
  io.only(['type', 'options']);
  const index = io.oneOf('type', INDEX_KINDS);
  if (!io.has('options')) return { index };
  const opts = io.raw.options;
  if (typeof opts !== 'object' || Array.isArray(opts)) throw io.error("option 'options' must be a map of option names to values", 'options');
  if (index !== 'fulltext' && index !== 'skipping') throw io.error(`only fulltext and skipping indexes take options, not ${index}`, 'options');
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts as Record<string, unknown>)) {
    if (v === null || typeof v === 'object') throw io.error(`index option '${k}' must be a scalar value`, 'options');
    options[k] = String(v);
  }
  return { index, options };
}

export const FAIL = Symbol('fail');
const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const NS_PER: Record<TimeUnit, number> = { s: 1e9, ms: 1e6, us: 1e3, ns: 1 };

/** Converts one plain value to the column's kind (time as a ns number or bigint), or FAIL. */
export function convert(c: { kind: ColKind; unit?: TimeUnit; range?: readonly [bigint, bigint] }, v: unknown): unknown {
  switch (c.kind) {
    case 'string': {
      const t = textOf(v);
      return t !== null ? t : typeof v === 'object' ? JSON.stringify(v) : FAIL;
    }
    case 'int': case 'uint': {
      // Text must be an integer (as Rust's parse); a JSON number is truncated; either must fit the type's range.
      let x: number | bigint;
      if (typeof v === 'number') { if (!Number.isFinite(v)) return FAIL; x = Math.trunc(v); }
      else if (typeof v === 'boolean') x = v ? 1 : 0;
      else if (typeof v === 'bigint') x = v;
      else if (typeof v === 'string' && INT_TEXT.test(v)) { const n = Number(v); x = Number.isSafeInteger(n) ? n : BigInt(v.trim()); }
      else return FAIL;
      const [lo, hi] = c.range ?? INT_RANGE.int64!;
      if (typeof x === 'number' && Number.isSafeInteger(x)) return x >= Number(lo) && x <= Number(hi) ? x : FAIL;
      const b = BigInt(x);
      return b >= lo && b <= hi ? (Number.isSafeInteger(Number(b)) ? Number(b) : b) : FAIL;
    }
    case 'float': {
      const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : NaN;
      return Number.isNaN(x) ? FAIL : x;
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number') return v !== 0;
      if (typeof v === 'string') { const s = v.trim().toLowerCase(); if (s === 'true') return true; if (s === 'false') return false; }
      return FAIL;
    }
    case 'json': return encodeJsonb(typeof v === 'string' ? tryJson(v) : v);
    case 'time': {
      // A number is an epoch in the column's unit; text is RFC 3339 / ISO 8601.
      if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.round(v)) * BigInt(NS_PER[c.unit ?? 'ns']);
      if (typeof v === 'string') {
        if (/^-?\d+$/.test(v.trim())) return BigInt(v.trim()) * BigInt(NS_PER[c.unit ?? 'ns']);
        // RFC 3339 / ISO 8601 with every fractional digit kept (SQL's timestamp text rules)
        const ns = parseTimestampNs(v);
        if (ns !== null) return ns;
      }
      return FAIL;
    }
  }
}

function tryJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}

/** Source values of a column over the batch (a time column stays as its ns array). */
export function sourceOf(ctx: Ctx, c: OutColumn): Col | undefined {
  return ctx.get(c.field.input);
}

export { TimeCol };
