// Arrow IPC stream helpers for the NATS scan API: batches -> size-bounded chunks (each a whole stream) and back.
import { RecordBatch, RecordBatchReader, RecordBatchStreamWriter } from 'apache-arrow';
import { PayloadTooLargeError, SCAN_INDEX_METADATA } from '../core/index.ts';
import { compressionTypeOf, registerCodecs } from './codec.ts';
import type { Compression } from './types.ts';

export interface IpcOptions {
  /** Upper bound of one chunk in bytes; 900 KiB by default (under NATS' 1 MiB payload limit). */
  maxBytes?: number;
  compression?: Compression;
}

function encode(batch: RecordBatch, compression: Compression): Uint8Array {
  return RecordBatchStreamWriter.writeAll([batch], { compressionType: compressionTypeOf(compression) }).toUint8Array(true);
}

/** Serializes batches into IPC streams of at most maxBytes each, splitting batches by rows where needed. */
export function batchesToIPC(batches: RecordBatch[], opts: IpcOptions = {}): Uint8Array[] {
  registerCodecs();
  const max = opts.maxBytes ?? 900 * 1024;
  const compression = opts.compression ?? 'none';
  const out: Uint8Array[] = [];
  const emit = (b: RecordBatch): void => {
    const bytes = encode(b, compression);
    if (bytes.length <= max) { out.push(bytes); return; }
    if (b.numRows <= 1) throw new PayloadTooLargeError(bytes.length, max);
    // Guess the row count that fits from the measured size, then recurse on what is still too big.
    const per = Math.max(1, Math.floor((b.numRows * max * 0.9) / bytes.length));
    const step = Math.min(per, Math.ceil(b.numRows / 2));
    for (let i = 0; i < b.numRows; i += step) emit(b.slice(i, Math.min(b.numRows, i + step)));
  };
  for (const b of batches) emit(b);
  return out;
}

/** Reads the batches of every chunk, in order. */
export function ipcToBatches(chunks: Uint8Array[]): RecordBatch[] {
  registerCodecs();
  const out: RecordBatch[] = [];
  for (const c of chunks) {
    // a row-less batch is kept only when it carries a scan's index report (EXPLAIN ANALYZE)
    for (const b of RecordBatchReader.from(c)) if (b.numRows > 0 || b.schema.metadata.has(SCAN_INDEX_METADATA)) out.push(b);
  }
  return out;
}
