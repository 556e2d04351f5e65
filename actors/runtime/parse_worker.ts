// A parse worker thread: line protocol payloads in, columnar WriteBatches and each batch's WAL record out, their
// buffers transferred (no copy): the main thread neither parses nor encodes them.
import { parentPort } from 'node:worker_threads';
import { parseLineProtocol, SeriesCache } from '../../core/codec/line_protocol/index.ts';
import { encodeBatches } from '../../core/codec/wal_batch.ts';
// Imported file by file, not through core/index.ts: the worker boots faster without the query engine.
import { toWireError, EddyError } from '../../core/errors.ts';
import { batchBuffers, type ParseReply, type ParseRequest } from './parse_wire.ts';

const port = parentPort!;
// Series keys seen in earlier payloads of this worker: most writes repeat the same series.
const seriesCache = new SeriesCache();

port.on('message', (req: ParseRequest) => {
  let reply: ParseReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const batches = parseLineProtocol(req.data, { precision: req.precision, defaultTimeNs: req.defaultTimeNs, seriesCache });
    // A table the write path splits or sends to another node would throw its record away: none is made for it.
    const skip = req.noRecords?.length ? new Set(req.noRecords) : null;
    const records = batches.map((b) => (skip?.has(b.table) ? undefined : encodeBatches([b])));
    reply = { id: req.id, batches, records };
    transfer = batchBuffers(batches, records);
  } catch (e) {
    const w = toWireError(e);
    reply = { id: req.id, error: { ...w, ...(e instanceof EddyError && e.position ? { position: e.position } : {}) } };
  }
  // The payload's buffer goes back for the next message (nothing here keeps a view of it: parsed values are copies).
  const input = req.data.buffer as ArrayBuffer;
  if (!(input instanceof SharedArrayBuffer) && !transfer.includes(input)) {
    reply.input = input;
    transfer.push(input);
  }
  port.postMessage(reply, transfer);
});
port.postMessage({ ready: true });
