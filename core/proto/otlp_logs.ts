// OpenTelemetry's OTLP logs messages (opentelemetry.proto.collector.logs.v1 and what they use), as the OTLP
// specification defines them, read and written with protobufjs; google.rpc.Status for errors.
import protobuf from 'protobufjs';

export const OTLP_LOGS_PROTO = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
message ScopeLogs {
  InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message ResourceLogs {
  Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message Status {
  int32 code = 1;
  string message = 2;
}
`;

/** An int64/fixed64 as protobufjs gives it: a Long (low/high words) or a plain number. */
export type Int64 = number | { low: number; high: number; unsigned?: boolean };

export interface OtlpAnyValue {
  string_value?: string; bool_value?: boolean; int_value?: Int64; double_value?: number;
  array_value?: { values?: OtlpAnyValue[] }; kvlist_value?: { values?: OtlpKeyValue[] }; bytes_value?: Uint8Array;
}
export interface OtlpKeyValue { key?: string; value?: OtlpAnyValue | null }
export interface OtlpLogRecord {
  time_unix_nano?: Int64; observed_time_unix_nano?: Int64; severity_number?: number; severity_text?: string; body?: OtlpAnyValue | null;
  attributes?: OtlpKeyValue[]; flags?: number; trace_id?: Uint8Array; span_id?: Uint8Array; event_name?: string;
}
export interface OtlpScopeLogs { scope?: { name?: string; version?: string; attributes?: OtlpKeyValue[] } | null; log_records?: OtlpLogRecord[]; schema_url?: string }
export interface OtlpResourceLogs { resource?: { attributes?: OtlpKeyValue[] } | null; scope_logs?: OtlpScopeLogs[]; schema_url?: string }
export interface OtlpLogsRequest { resource_logs?: OtlpResourceLogs[] }

const root = protobuf.parse(OTLP_LOGS_PROTO, { keepCase: true }).root;
export const OtlpLogsRequestType = root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');
export const OtlpLogsResponseType = root.lookupType('opentelemetry.proto.ExportLogsServiceResponse');
export const RpcStatusType = root.lookupType('opentelemetry.proto.Status');
