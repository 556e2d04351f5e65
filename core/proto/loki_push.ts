// Loki's push API message (logproto.PushRequest), as Loki documents it, read with protobufjs.
import protobuf from 'protobufjs';

export const LOKI_PUSH_PROTO = `
syntax = "proto3";
package logproto;

message PushRequest {
  repeated StreamAdapter streams = 1;
}
message StreamAdapter {
  string labels = 1;
  repeated EntryAdapter entries = 2;
  uint64 hash = 3;
}
message EntryAdapter {
  Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message LabelPairAdapter {
  string name = 1;
  string value = 2;
}
message Timestamp {
  int64 seconds = 1;
  int32 nanos = 2;
}
`;

export interface LokiTimestamp { seconds?: number | { toNumber(): number }; nanos?: number }
export interface LokiEntry { timestamp?: LokiTimestamp | null; line?: string; structuredMetadata?: { name?: string; value?: string }[] }
export interface LokiStream { labels?: string; entries?: LokiEntry[] }
export interface LokiPushRequest { streams?: LokiStream[] }

const root = protobuf.parse(LOKI_PUSH_PROTO, { keepCase: true }).root;
export const LokiPushRequestType = root.lookupType('logproto.PushRequest');
