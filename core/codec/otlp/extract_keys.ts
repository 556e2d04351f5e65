// GreptimeDB's `x-greptime-log-extract-keys` for OTLP logs: the named attributes become tag columns of the log table
// (the attribute maps keep them too). A key is looked up by name (exact, else ignoring ASCII case) in the record's
// attributes, else its scope's, else its resource's; string, int and bool values extract (string, int64, boolean
// columns); a double, array, map or bytes value, or one key with two types in a request, fails the request.
import { InvalidArgumentError } from '../../errors.ts';
import type { Int64, OtlpAnyValue, OtlpKeyValue } from '../../proto/otlp_logs.ts';

export type ExtractType = 'string' | 'int64' | 'boolean';
export interface ExtractedColumn { name: string; type: ExtractType }

const BUILT_IN = new Set([
  'timestamp', 'trace_id', 'span_id', 'severity_text', 'severity_number', 'body', 'log_attributes', 'trace_flags',
  'scope_name', 'scope_version', 'scope_attributes', 'scope_schema_url', 'resource_attributes', 'resource_schema_url',
]);

export const EXTRACT_KEYS_HEADER = 'x-greptime-log-extract-keys';

/** The header's keys: comma separated, trimmed, empty ones dropped, each once; a built-in column name is refused. */
export function parseExtractKeys(header: string | undefined): string[] {
  if (header === undefined) return [];
  const keys: string[] = [];
  for (const raw of header.split(',')) {
    const k = raw.trim();
    if (k === '' || keys.includes(k)) continue;
    if (BUILT_IN.has(k.toLowerCase())) throw new InvalidArgumentError(`${EXTRACT_KEYS_HEADER}: '${k}' is already a column of the OTLP logs table`);
    keys.push(k);
  }
  return keys;
}

const TWO32 = 4294967296;

/** A 64-bit OTLP integer as a number, or its decimal text past 2^53. */
export function int64Value(v: Int64): number | string {
  if (typeof v === 'number') return v;
  const x = (v.high | 0) * TWO32 + (v.low >>> 0);
  return Number.isSafeInteger(x) ? x : (BigInt(v.high | 0) * 4294967296n + BigInt(v.low >>> 0)).toString();
}

/** An extractable value (string, number or string of a 64-bit int, bool) or why it is not extractable. */
function scalar(v: OtlpAnyValue | null | undefined): { type: ExtractType; value: unknown } | { bad: string } | null {
  if (!v) return null;
  const has = (k: keyof OtlpAnyValue) => Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined;
  if (has('string_value')) return { type: 'string', value: v.string_value };
  if (has('bool_value')) return { type: 'boolean', value: v.bool_value };
  if (has('int_value')) return { type: 'int64', value: int64Value(v.int_value!) };
  if (has('double_value')) return { bad: 'a double' };
  if (has('array_value')) return { bad: 'an array' };
  if (has('kvlist_value')) return { bad: 'a map' };
  if (has('bytes_value')) return { bad: 'bytes' };
  return null;
}

function find(kvs: readonly OtlpKeyValue[] | undefined, key: string, lower: string): OtlpKeyValue | undefined {
  if (!kvs || kvs.length === 0) return undefined;
  for (const kv of kvs) if (kv.key === key) return kv;
  for (const kv of kvs) if (kv.key !== undefined && kv.key.length === key.length && kv.key.toLowerCase() === lower) return kv;
  return undefined;
}

/** Extracted values, one column per key, filled record by record (resource and scope levels looked up once each). */
export class KeyExtractor {
  private readonly lower: string[];
  private readonly types: (ExtractType | undefined)[];
  private readonly where: string[];
  readonly values: unknown[][];

  constructor(readonly keys: readonly string[], n: number) {
    this.lower = keys.map((k) => k.toLowerCase());
    this.types = keys.map(() => undefined);
    this.where = keys.map(() => '');
    this.values = keys.map(() => new Array<unknown>(n).fill(null));
  }

  /** The values one attribute map holds for the keys (undefined where it has none), types checked. */
  level(kvs: readonly OtlpKeyValue[] | undefined, path: string): (unknown | undefined)[] | null {
    if (this.keys.length === 0 || !kvs || kvs.length === 0) return null;
    const out: (unknown | undefined)[] = new Array(this.keys.length);
    let any = false;
    for (let k = 0; k < this.keys.length; k++) {
      const kv = find(kvs, this.keys[k]!, this.lower[k]!);
      const s = kv ? scalar(kv.value) : null;
      if (!s) continue;
      const at = `${path}['${kv!.key}']`;
      if ('bad' in s) {
        throw new InvalidArgumentError(`${EXTRACT_KEYS_HEADER}: attribute ${at} is ${s.bad}; only string, int and bool attributes can be extracted into a tag column`);
      }
      const t = this.types[k];
      if (t === undefined) { this.types[k] = s.type; this.where[k] = at; } else if (t !== s.type) {
        throw new InvalidArgumentError(`${EXTRACT_KEYS_HEADER}: key '${this.keys[k]}' is ${s.type === 'int64' ? 'an int' : `a ${s.type === 'boolean' ? 'bool' : s.type}`} at ${at} but ${t === 'int64' ? 'an int' : `a ${t === 'boolean' ? 'bool' : t}`} at ${this.where[k]}`);
      }
      out[k] = s.value;
      any = true;
    }
    return any ? out : null;
  }

  /** Record i's values: its own attributes first, then its scope's, then its resource's. */
  record(i: number, own: (unknown | undefined)[] | null, scope: (unknown | undefined)[] | null, resource: (unknown | undefined)[] | null): void {
    for (let k = 0; k < this.keys.length; k++) {
      const v = own?.[k] ?? scope?.[k] ?? resource?.[k];
      if (v !== undefined) this.values[k]![i] = v;
    }
  }

  /** The keys found in the request, with the type of their column. */
  columns(): ExtractedColumn[] {
    const out: ExtractedColumn[] = [];
    for (let k = 0; k < this.keys.length; k++) if (this.types[k]) out.push({ name: this.keys[k]!, type: this.types[k]! });
    return out;
  }
}
