// What crosses between the node and its parse workers (parse_pool.ts <-> parse_worker.ts).
import type { Position, TimeUnit, WireError, WriteBatch } from '../../core/index.ts';

export interface ParseRequest {
  id: number;
  /** The payload; its buffer is transferred to the worker when the view covers all of it. */
  data: Uint8Array;
  precision: TimeUnit;
  defaultTimeNs: bigint;
}

export type WireParseError = WireError & { position?: Position };

/** A parse's result: one batch per table, and each batch's WAL record (`encodeBatches([batch])`), all transferred. */
export interface ParsedWire {
  batches: WriteBatch[];
  records: Uint8Array[];
}

export type ParseReply =
  | ({ id: number; error?: undefined } & ParsedWire)
  | { id: number; batches?: undefined; error: WireParseError };

/** The distinct ArrayBuffers under a batch's typed arrays: the transfer list (a buffer listed twice is an error). */
export function batchBuffers(batches: WriteBatch[], records: Uint8Array[] = []): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of batches) {
    for (const c of b.columns) {
      if (!Array.isArray(c.values)) out.add((c.values as Exclude<typeof c.values, unknown[]>).buffer as ArrayBuffer);
      if (c.valid !== null) out.add(c.valid.buffer as ArrayBuffer);
    }
    if (b.series) out.add(b.series.ids.buffer as ArrayBuffer);
  }
  for (const r of records) out.add(r.buffer as ArrayBuffer);
  return [...out];
}

/**
 * The payload as a view that owns its whole ArrayBuffer, to be transferred: itself when it does (a presized NATS
 * message), else a copy. Never `data.slice()`: on a Node Buffer (nats.js hands those out) that is a view into the
 * socket's read buffer, and transferring it would detach the buffer under the connection's parser.
 */
export function transferable(data: Uint8Array): Uint8Array {
  const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && !(data.buffer instanceof SharedArrayBuffer);
  return owned ? data : Uint8Array.prototype.slice.call(data);
}

/** The headers of a NATS write the node reads (nats_ingest.ts), as a worker forwards them. */
export interface WriteHeaders {
  contentType?: string;
  precision?: string;
  format?: string;
  physicalTable?: string;
}

export const WRITE_HEADER_NAMES: Record<keyof WriteHeaders, string> = {
  contentType: 'Content-Type', precision: 'Eddy-Precision', format: 'Eddy-Format', physicalTable: 'Eddy-Physical-Table',
};

/** The node's eddy.write subscription, handed to a worker: it subscribes on its own NATS connection. */
export interface TakeWrites {
  /** nats.js connect options (servers, name, credentials): plain data. */
  connect: { servers: string; name: string; user?: string; pass?: string };
  subject: string;
  queue: string;
  maxWriteBytes: number;
  /** Media types the node reads as line protocol ('' = no Content-Type): payloads of these are parsed in the worker. */
  lineProtocolTypes: string[];
}

/**
 * A write the worker's subscription received: parsed when it is line protocol (its bytes never reach the main
 * thread), else its bytes as they came. The main thread answers it on `reply`.
 */
export interface InboundWrite {
  subject: string;
  reply: string;
  /** The payload's size (what back-pressure counts). */
  bytes: number;
  headers: WriteHeaders;
  parsed?: ParsedWire;
  data?: Uint8Array;
  error?: WireParseError;
}

export type WorkerMessage =
  | { ready: true }
  | ParseReply
  | { inbound: InboundWrite }
  | { subscribed: true; error?: undefined }
  | { subscribed: false; error: string }
  | { unsubscribed: true };

export type NodeMessage = ParseRequest | { take: TakeWrites } | { release: true };
