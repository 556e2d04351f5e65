// A parse worker thread: line protocol payloads in, columnar WriteBatches and their WAL records out, transferred (no
// copy). It may also hold the node's eddy.write subscription on its own NATS connection (parse_pool.ts, takeWrites).
import { parentPort } from 'node:worker_threads';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { parseLineProtocol, parsePrecision, SeriesCache } from '../../core/codec/line_protocol/index.ts';
import { encodeBatches } from '../../core/codec/wal_batch.ts';
// Imported file by file, not through core/index.ts: the worker boots faster without the query engine.
import { toWireError, EddyError } from '../../core/errors.ts';
import type { TimeUnit } from '../../core/schema.ts';
import { connectNats } from './nats_connect.ts';
import { presizeNatsMessageBuffers } from './nats_presize.ts';
import {
  batchBuffers, transferable, WRITE_HEADER_NAMES,
  type InboundWrite, type NodeMessage, type ParsedWire, type TakeWrites, type WireParseError, type WorkerMessage, type WriteHeaders,
} from './parse_wire.ts';

const port = parentPort!;
// Series keys seen in earlier payloads of this worker: most writes repeat the same series.
const seriesCache = new SeriesCache();

function post(m: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/** Parses a payload and encodes each batch's WAL record here, so the main thread neither parses nor encodes it. */
function parse(data: Uint8Array, precision: TimeUnit, defaultTimeNs: bigint): ParsedWire {
  const batches = parseLineProtocol(data, { precision, defaultTimeNs, seriesCache });
  return { batches, records: batches.map((b) => encodeBatches([b])) };
}

function wireError(e: unknown): WireParseError {
  return { ...toWireError(e), ...(e instanceof EddyError && e.position ? { position: e.position } : {}) };
}

let nc: NatsConnection | null = null;
let sub: Subscription | null = null;

function headersOf(m: Msg): WriteHeaders {
  const out: WriteHeaders = {};
  if (!m.headers) return out;
  for (const [k, name] of Object.entries(WRITE_HEADER_NAMES) as [keyof WriteHeaders, string][]) {
    const v = m.headers.get(name);
    if (v) out[k] = v;
  }
  return out;
}

/** A write received here: parsed when it is plain line protocol, else forwarded as bytes (the main thread's codecs). */
function inbound(m: Msg, take: TakeWrites): void {
  const headers = headersOf(m);
  const base: InboundWrite = { subject: m.subject, reply: m.reply ?? '', bytes: m.data.length, headers };
  const media = (headers.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const here = headers.format === undefined && headers.physicalTable === undefined && take.lineProtocolTypes.includes(media) && m.data.length <= take.maxWriteBytes;
  if (here) {
    try {
      const parsed = parse(m.data, parsePrecision(headers.precision), BigInt(Date.now()) * 1_000_000n);
      post({ inbound: { ...base, parsed } }, batchBuffers(parsed.batches, parsed.records));
    } catch (e) {
      post({ inbound: { ...base, error: wireError(e) } });
    }
    return;
  }
  const data = transferable(m.data);
  post({ inbound: { ...base, data } }, [data.buffer as ArrayBuffer]);
}

async function takeWrites(take: TakeWrites): Promise<void> {
  try {
    presizeNatsMessageBuffers();
    nc ??= await connectNats({ ...take.connect, maxReconnectAttempts: -1, pingInterval: 10_000, noAsyncTraces: true });
    sub = nc.subscribe(take.subject, { queue: take.queue, callback: (err, m) => { if (!err) inbound(m, take); } });
    // The server knows the subscription once the flush returns: from then on writes come here.
    await nc.flush();
    post({ subscribed: true });
  } catch (e) {
    post({ subscribed: false, error: (e as Error).message });
  }
}

/** Stops taking writes: what the server already sent is forwarded first (drain). */
async function releaseWrites(): Promise<void> {
  const s = sub;
  sub = null;
  await s?.drain().catch(() => undefined);
  await nc?.close().catch(() => undefined);
  nc = null;
  post({ unsubscribed: true });
}

port.on('message', (req: NodeMessage) => {
  if ('take' in req) return void takeWrites(req.take);
  if ('release' in req) return void releaseWrites();
  let reply: WorkerMessage;
  let transfer: ArrayBuffer[] = [];
  try {
    const parsed = parse(req.data, req.precision, req.defaultTimeNs);
    reply = { id: req.id, ...parsed };
    transfer = batchBuffers(parsed.batches, parsed.records);
  } catch (e) {
    reply = { id: req.id, error: wireError(e) };
  }
  post(reply, transfer);
});
post({ ready: true });
