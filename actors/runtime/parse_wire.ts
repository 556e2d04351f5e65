// What crosses between the node and its parse workers (parse_pool.ts <-> parse_worker.ts).
import type { Position, TimeUnit, WireError, WriteBatch } from '../../core/index.ts';

export interface ParseRequest {
  id: number;
  /** The payload; its buffer is transferred to the worker when the view covers all of it. */
  data: Uint8Array;
  precision: TimeUnit;
  defaultTimeNs: bigint;
  /** Tables whose WAL record the write path would not use (split over regions, sent remote): none is encoded for them. */
  noRecords?: string[];
}

export type WireParseError = WireError & { position?: Position };

/**
 * A parse's result: one batch per table, and each batch's WAL record (`encodeBatches([batch])`; undefined for a table
 * named in `noRecords`), all transferred.
 */
export interface ParsedWire {
  batches: WriteBatch[];
  records: (Uint8Array | undefined)[];
}

/** `input`: the request's payload buffer, handed back for reuse (nats_presize.ts) once parsed. */
export type ParseReply =
  | ({ id: number; error?: undefined; input?: ArrayBuffer } & ParsedWire)
  | { id: number; batches?: undefined; error: WireParseError; input?: ArrayBuffer };

/** The distinct ArrayBuffers under batches' typed arrays and records: the transfer list (a buffer listed twice is an error). */
export function batchBuffers(batches: WriteBatch[], records: (Uint8Array | undefined)[] = []): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of batches) {
    for (const c of b.columns) {
      if (!Array.isArray(c.values)) out.add((c.values as Exclude<typeof c.values, unknown[]>).buffer as ArrayBuffer);
      if (c.valid !== null) out.add(c.valid.buffer as ArrayBuffer);
    }
    if (b.series) out.add(b.series.ids.buffer as ArrayBuffer);
  }
  for (const r of records) if (r) out.add(r.buffer as ArrayBuffer);
  return [...out];
}

/**
 * The payload as a view whose ArrayBuffer may be transferred: itself when it owns its whole buffer or starts a message
 * buffer of nats_presize.ts (`messageBuffer`: the payload of a presized NATS message), else a copy. Never
 * `data.slice()`: on a Node Buffer (nats.js hands those out) that is a view into the socket's read buffer, and
 * transferring it would detach the buffer under the connection's parser.
 */
export function transferable(data: Uint8Array, messageBuffer: (b: ArrayBufferLike) => boolean = () => false): Uint8Array {
  if (data.buffer instanceof SharedArrayBuffer || data.byteOffset !== 0) return Uint8Array.prototype.slice.call(data);
  return data.byteLength === data.buffer.byteLength || messageBuffer(data.buffer) ? data : Uint8Array.prototype.slice.call(data);
}
