// OTLP/HTTP logs (ExportLogsServiceRequest, protobuf or OTLP/JSON) into columns in GreptimeDB's layout: timestamp,
// trace_id, span_id, severity_text, severity_number, body, log_attributes, trace_flags, scope_name, scope_version,
// scope_attributes, scope_schema_url, resource_attributes, resource_schema_url. Attributes become JSON columns.
import { InvalidArgumentError } from '../../errors.ts';
import { TimeCol, setNs, wordsOf, type CompiledPipeline, type PipelineColumn } from '../../pipeline/index.ts';
import {
  OtlpLogsRequestType, type Int64, type OtlpAnyValue, type OtlpKeyValue, type OtlpLogsRequest,
} from '../../proto/otlp_logs.ts';
import { LayoutCache, layoutPipeline, type LayoutColumn } from '../log_layout/index.ts';
import { KeyExtractor, int64Value, type ExtractedColumn } from './extract_keys.ts';
import { otlpJsonRequest } from './json.ts';

export const OTLP_COLUMNS = [
  'timestamp', 'trace_id', 'span_id', 'severity_text', 'severity_number', 'body', 'log_attributes', 'trace_flags',
  'scope_name', 'scope_version', 'scope_attributes', 'scope_schema_url', 'resource_attributes', 'resource_schema_url',
] as const;

export interface OtlpLogsBatch {
  n: number;
  columns: Map<string, PipelineColumn>;
  /** The attributes `x-greptime-log-extract-keys` made columns (keys the request had), with their column types. */
  extracted: ExtractedColumn[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(b: Uint8Array | undefined): string | null {
  if (!b || b.length === 0) return null;
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

function isZero(v: Int64 | undefined): boolean {
  return v === undefined || (typeof v === 'number' ? v === 0 : v.low === 0 && v.high === 0);
}

/** An AnyValue as a plain value (kvlist → object, array → list, bytes → base64). */
export function anyValue(v: OtlpAnyValue | null | undefined): unknown {
  if (!v) return null;
  // protobufjs keeps unset fields' defaults on the prototype: only an own property is the oneof's value
  const has = (k: keyof OtlpAnyValue) => Object.prototype.hasOwnProperty.call(v, k) && v[k] !== undefined;
  if (has('string_value')) return v.string_value;
  if (has('bool_value')) return v.bool_value;
  if (has('int_value')) return int64Value(v.int_value!);
  if (has('double_value')) return v.double_value;
  if (has('array_value')) return (v.array_value!.values ?? []).map(anyValue);
  if (has('kvlist_value')) return attributes(v.kvlist_value!.values) ?? {};
  if (has('bytes_value')) return Buffer.from(v.bytes_value!).toString('base64');
  return null;
}

function attributes(kvs: OtlpKeyValue[] | undefined): Record<string, unknown> | null {
  if (!kvs || kvs.length === 0) return null;
  const o: Record<string, unknown> = {};
  for (const kv of kvs) o[kv.key ?? ''] = anyValue(kv.value);
  return o;
}

const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);

/** Walks a decoded request (protobuf or JSON, both in the protobuf field names) into columns, `extractKeys` too. */
export function otlpLogsColumns(req: OtlpLogsRequest, nowMs: number, extractKeys: readonly string[] = []): OtlpLogsBatch {
  let n = 0;
  for (const rl of req.resource_logs ?? []) for (const sl of rl.scope_logs ?? []) n += (sl.log_records ?? []).length;
  const ts = new TimeCol(n, 'ns');
  const words = wordsOf(ts.ns);
  const cols: Record<(typeof OTLP_COLUMNS)[number], unknown[]> = Object.fromEntries(OTLP_COLUMNS.filter((c) => c !== 'timestamp').map((c) => [c, new Array<unknown>(n)])) as never;
  const nowSec = Math.floor(nowMs / 1000);
  const nowNanos = Math.round((nowMs - nowSec * 1000) * 1e6);
  const ex = new KeyExtractor(extractKeys, n);
  let i = 0;
  let a = 0;
  for (const rl of req.resource_logs ?? []) {
    const resPath = `resource_logs[${a++}]`;
    const resUp = ex.level(rl.resource?.attributes, `${resPath}.resource.attributes`);
    let b = 0;
    const resAttrs = attributes(rl.resource?.attributes);
    const resUrl = orNull(rl.schema_url);
    for (const sl of rl.scope_logs ?? []) {
      const scopePath = `${resPath}.scope_logs[${b++}]`;
      const scopeUp = ex.level(sl.scope?.attributes, `${scopePath}.scope.attributes`);
      let c = 0;
      const scopeName = orNull(sl.scope?.name);
      const scopeVersion = orNull(sl.scope?.version);
      const scopeAttrs = attributes(sl.scope?.attributes);
      const scopeUrl = orNull(sl.schema_url);
      for (const r of sl.log_records ?? []) {
        // The record's time, else the time it was observed, else now (the OTLP data model's order).
        const t = !isZero(r.time_unix_nano) ? r.time_unix_nano! : !isZero(r.observed_time_unix_nano) ? r.observed_time_unix_nano! : null;
        if (t === null) setNs(words, ts.ns, i, nowSec, nowNanos);
        else if (typeof t === 'number') { const s = Math.floor(t / 1e9); setNs(words, ts.ns, i, s, Math.max(0, Math.min(999_999_999, t - s * 1e9))); }
        else { words[2 * i] = t.low >>> 0; words[2 * i + 1] = t.high >>> 0; }
        ts.valid[i] = 1;
        cols.trace_id[i] = hex(r.trace_id);
        cols.span_id[i] = hex(r.span_id);
        cols.severity_text[i] = orNull(r.severity_text);
        cols.severity_number[i] = r.severity_number ?? 0;
        const body = anyValue(r.body);
        cols.body[i] = body === null || typeof body === 'string' ? body : JSON.stringify(body);
        cols.log_attributes[i] = attributes(r.attributes);
        cols.trace_flags[i] = r.flags ?? 0;
        cols.scope_name[i] = scopeName;
        cols.scope_version[i] = scopeVersion;
        cols.scope_attributes[i] = scopeAttrs;
        cols.scope_schema_url[i] = scopeUrl;
        cols.resource_attributes[i] = resAttrs;
        cols.resource_schema_url[i] = resUrl;
        if (extractKeys.length > 0) ex.record(i, ex.level(r.attributes, `${scopePath}.log_records[${c}].attributes`), scopeUp, resUp);
        c++;
        i++;
      }
    }
  }
  const columns = new Map<string, PipelineColumn>([['timestamp', ts]]);
  for (const c of OTLP_COLUMNS) if (c !== 'timestamp') columns.set(c, cols[c]);
  const extracted = ex.columns();
  for (const e of extracted) columns.set(e.name, ex.values[extractKeys.indexOf(e.name)]!);
  return { n, columns, extracted };
}

export function decodeOtlpLogsProtobuf(body: Uint8Array, nowMs: number, extractKeys: readonly string[] = []): OtlpLogsBatch {
  let req: OtlpLogsRequest;
  try {
    req = OtlpLogsRequestType.decode(body) as unknown as OtlpLogsRequest;
  } catch (e) {
    throw new InvalidArgumentError(`invalid protobuf ExportLogsServiceRequest: ${(e as Error).message}`);
  }
  return otlpLogsColumns(req, nowMs, extractKeys);
}

export function decodeOtlpLogsJson(text: string, nowMs: number, extractKeys: readonly string[] = []): OtlpLogsBatch {
  return otlpLogsColumns(otlpJsonRequest(text), nowMs, extractKeys);
}

const BASE_LAYOUT: readonly LayoutColumn[] = [
  { name: 'timestamp', type: 'time', index: 'timestamp' },
  { name: 'trace_id', type: 'string', index: 'skipping' },
  { name: 'span_id', type: 'string' },
  { name: 'severity_text', type: 'string' },
  { name: 'severity_number', type: 'int32' },
  { name: 'body', type: 'string', index: 'fulltext' },
  { name: 'log_attributes', type: 'json' },
  { name: 'trace_flags', type: 'uint32' },
  { name: 'scope_name', type: 'string', index: 'tag' },
  { name: 'scope_version', type: 'string' },
  { name: 'scope_attributes', type: 'json' },
  { name: 'scope_schema_url', type: 'string' },
  { name: 'resource_attributes', type: 'json' },
  { name: 'resource_schema_url', type: 'string' },
];

const layouts = new LayoutCache((key) => layoutPipeline('opentelemetry_logs', key === ''
  ? BASE_LAYOUT
  : [...BASE_LAYOUT, ...(JSON.parse(key) as ExtractedColumn[]).map((e): LayoutColumn => ({ name: e.name, type: e.type, index: 'tag' }))]));

/**
 * The OTLP logs table layout (GreptimeDB's): scope_name a tag, body full-text, trace_id with a skipping index; the
 * extracted attributes as tags (a column the table already has keeps its kind).
 */
export function otlpLogsPipeline(extracted: readonly ExtractedColumn[] = []): CompiledPipeline {
  return layouts.get(extracted.length === 0 ? '' : JSON.stringify(extracted.map((e) => ({ name: e.name, type: e.type }))));
}
