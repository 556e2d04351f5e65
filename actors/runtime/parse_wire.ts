// What crosses between the node and its parse workers (parse_pool.ts <-> parse_worker.ts).
import type { Position, TimeUnit, WireError, WriteBatch } from '../../core/index.ts';

export interface ParseRequest {
  id: number;
  /** The payload; its buffer is transferred to the worker when the view covers all of it. */
  data: Uint8Array;
  precision: TimeUnit;
  defaultTimeNs: bigint;
}

export type ParseReply =
  | { id: number; batches: WriteBatch[]; error?: undefined }
  | { id: number; batches?: undefined; error: WireError & { position?: Position } };

/** The distinct ArrayBuffers under a batch's typed arrays: the transfer list (a buffer listed twice is an error). */
export function batchBuffers(batches: WriteBatch[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of batches) {
    for (const c of b.columns) {
      if (!Array.isArray(c.values)) out.add((c.values as Exclude<typeof c.values, unknown[]>).buffer as ArrayBuffer);
      if (c.valid !== null) out.add(c.valid.buffer as ArrayBuffer);
    }
    if (b.series) out.add(b.series.ids.buffer as ArrayBuffer);
  }
  return [...out];
}
