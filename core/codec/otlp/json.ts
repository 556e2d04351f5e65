// OTLP/JSON (the OTLP specification's JSON mapping: lowerCamelCase keys, 64-bit integers as decimal strings or numbers,
// trace and span ids as hex, bytes as base64) into the protobuf message shapes, checked, faults named by their path.
import { InvalidArgumentError } from '../../errors.ts';
import type { Int64, OtlpAnyValue, OtlpKeyValue, OtlpLogRecord, OtlpLogsRequest, OtlpResourceLogs, OtlpScopeLogs } from '../../proto/otlp_logs.ts';

type Obj = Record<string, unknown>;

function bad(path: string, why: string): never {
  throw new InvalidArgumentError(`invalid OTLP/JSON at ${path}: ${why}`);
}

function obj(v: unknown, path: string): Obj | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) bad(path, 'expected an object');
  return v as Obj;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad(path, 'expected a list');
  return v;
}

function str(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(path, 'expected a string');
  return v;
}

function int(v: unknown, path: string, max = 0xffffffff): number | undefined {
  if (v === undefined || v === null) return undefined;
  const x = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isInteger(x) || Math.abs(x) > max) bad(path, `expected an integer, got ${JSON.stringify(v)}`);
  return x;
}

/** A 64-bit integer (decimal string or number) as low/high words. */
function int64(v: unknown, path: string, unsigned: boolean): Int64 | undefined {
  if (v === undefined || v === null) return undefined;
  const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof text !== 'string' || !/^-?\d{1,20}$/.test(text)) bad(path, `expected a 64-bit integer, got ${JSON.stringify(v)}`);
  let b = BigInt(text);
  if (unsigned ? b < 0n || b > 0xffffffffffffffffn : b < -0x8000000000000000n || b > 0x7fffffffffffffffn) bad(path, `${text} is out of range`);
  b = BigInt.asUintN(64, b);
  return { low: Number(b & 0xffffffffn) | 0, high: Number(b >> 32n) | 0, unsigned };
}

function hexBytes(v: unknown, path: string, len: number): Uint8Array | undefined {
  const s = str(v, path);
  if (s === undefined || s === '') return undefined;
  if (s.length !== len * 2 || !/^[0-9a-fA-F]+$/.test(s)) bad(path, `expected ${len * 2} hex digits`);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

function anyValue(v: unknown, path: string): OtlpAnyValue | null {
  const o = obj(v, path);
  if (!o) return null;
  if ('stringValue' in o) return { string_value: str(o.stringValue, `${path}.stringValue`) ?? '' };
  if ('boolValue' in o) { if (typeof o.boolValue !== 'boolean') bad(`${path}.boolValue`, 'expected true or false'); return { bool_value: o.boolValue }; }
  if ('intValue' in o) return { int_value: int64(o.intValue, `${path}.intValue`, false) ?? 0 };
  if ('doubleValue' in o) {
    const d = o.doubleValue;
    const x = typeof d === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(d) ? Number(d) : d;
    if (typeof x !== 'number') bad(`${path}.doubleValue`, 'expected a number');
    return { double_value: x };
  }
  if ('arrayValue' in o) return { array_value: { values: list(obj(o.arrayValue, `${path}.arrayValue`)?.values, `${path}.arrayValue.values`).map((x, i) => anyValue(x, `${path}.arrayValue.values[${i}]`) ?? {}) } };
  if ('kvlistValue' in o) return { kvlist_value: { values: keyValues(obj(o.kvlistValue, `${path}.kvlistValue`)?.values, `${path}.kvlistValue.values`) } };
  if ('bytesValue' in o) {
    const s = str(o.bytesValue, `${path}.bytesValue`) ?? '';
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) bad(`${path}.bytesValue`, 'expected base64');
    return { bytes_value: Uint8Array.from(Buffer.from(s, 'base64')) };
  }
  return null;
}

function keyValues(v: unknown, path: string): OtlpKeyValue[] {
  return list(v, path).map((kv, i) => {
    const o = obj(kv, `${path}[${i}]`) ?? bad(`${path}[${i}]`, 'expected {key, value}');
    return { key: str(o.key, `${path}[${i}].key`) ?? '', value: anyValue(o.value, `${path}[${i}].value`) };
  });
}

function logRecord(v: unknown, path: string): OtlpLogRecord {
  const o = obj(v, path) ?? bad(path, 'expected a log record');
  const r: OtlpLogRecord = {
    severity_number: int(o.severityNumber, `${path}.severityNumber`, 24) ?? 0,
    flags: int(o.flags, `${path}.flags`) ?? 0,
    attributes: keyValues(o.attributes, `${path}.attributes`),
    body: anyValue(o.body, `${path}.body`),
  };
  const t = int64(o.timeUnixNano, `${path}.timeUnixNano`, true);
  if (t !== undefined) r.time_unix_nano = t;
  const ot = int64(o.observedTimeUnixNano, `${path}.observedTimeUnixNano`, true);
  if (ot !== undefined) r.observed_time_unix_nano = ot;
  const st = str(o.severityText, `${path}.severityText`);
  if (st !== undefined) r.severity_text = st;
  const tid = hexBytes(o.traceId, `${path}.traceId`, 16);
  if (tid) r.trace_id = tid;
  const sid = hexBytes(o.spanId, `${path}.spanId`, 8);
  if (sid) r.span_id = sid;
  return r;
}

/** An OTLP/JSON ExportLogsServiceRequest in the protobuf message shapes. */
export function otlpJsonRequest(text: string): OtlpLogsRequest {
  let root: unknown;
  try { root = JSON.parse(text); } catch (e) { throw new InvalidArgumentError(`invalid JSON body: ${(e as Error).message}`); }
  const o = obj(root, '$') ?? bad('$', 'expected {"resourceLogs": [...]}');
  const resourceLogs: OtlpResourceLogs[] = list(o.resourceLogs, '$.resourceLogs').map((rlv, a) => {
    const p = `resourceLogs[${a}]`;
    const rl = obj(rlv, p) ?? bad(p, 'expected an object');
    const res = obj(rl.resource, `${p}.resource`);
    const scopeLogs: OtlpScopeLogs[] = list(rl.scopeLogs, `${p}.scopeLogs`).map((slv, b) => {
      const q = `${p}.scopeLogs[${b}]`;
      const sl = obj(slv, q) ?? bad(q, 'expected an object');
      const sc = obj(sl.scope, `${q}.scope`);
      return {
        scope: sc ? { name: str(sc.name, `${q}.scope.name`) ?? '', version: str(sc.version, `${q}.scope.version`) ?? '', attributes: keyValues(sc.attributes, `${q}.scope.attributes`) } : null,
        log_records: list(sl.logRecords, `${q}.logRecords`).map((r, c) => logRecord(r, `${q}.logRecords[${c}]`)),
        schema_url: str(sl.schemaUrl, `${q}.schemaUrl`) ?? '',
      };
    });
    return { resource: res ? { attributes: keyValues(res.attributes, `${p}.resource.attributes`) } : null, scope_logs: scopeLogs, schema_url: str(rl.schemaUrl, `${p}.schemaUrl`) ?? '' };
  });
  return { resource_logs: resourceLogs };
}
