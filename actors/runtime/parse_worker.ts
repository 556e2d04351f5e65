// A parse worker thread: line protocol payloads in, columnar WriteBatches out, their typed arrays transferred (no copy).
import { parentPort } from 'node:worker_threads';
import { parseLineProtocol, SeriesCache } from '../../core/codec/line_protocol/index.ts';
// Imported file by file, not through core/index.ts: the worker boots faster without the query engine.
import { toWireError, EddyError } from '../../core/errors.ts';
import type { WriteBatch } from '../../core/batch.ts';
import { batchBuffers, type ParseReply, type ParseRequest } from './parse_wire.ts';

const port = parentPort!;
// Series keys seen in earlier payloads of this worker: most writes repeat the same series.
const seriesCache = new SeriesCache();

port.on('message', (req: ParseRequest) => {
  let reply: ParseReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const batches: WriteBatch[] = parseLineProtocol(req.data, { precision: req.precision, defaultTimeNs: req.defaultTimeNs, seriesCache });
    reply = { id: req.id, batches };
    transfer = batchBuffers(batches);
  } catch (e) {
    const w = toWireError(e);
    reply = { id: req.id, error: { ...w, ...(e instanceof EddyError && e.position ? { position: e.position } : {}) } };
  }
  port.postMessage(reply, transfer);
});
port.postMessage({ ready: true });
