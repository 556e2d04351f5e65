// The Region actor's request-reply subjects (eddy.region.<id>.<op>): decodes a request, runs it on the host, answers.
import type { Msg } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  EddyError, StatusCode, RegionOps, attachSeriesHints, decodeBatches, encodeBatches, seriesHintsSize, writeSeriesHints, toWireError,
  type BatchPart, type Clock, type TableSchema, type WriteBatch,
} from '../../core/index.ts';
import { batchesToIPC, type ScanRequest } from '../../storage/index.ts';
import { PARTIAL_TOO_LARGE, runPartial, type QueryContext, type WireRel } from '../../core/query/index.ts';
import type { RecordBatch } from 'apache-arrow';
import { decodeScanRequest } from '../runtime/scan_wire.ts';
import type { RegionHost } from './host.ts';

/** Header of a region write carrying its idempotency key (RegionHost.write's sourceId). */
export const SOURCE_ID_HEADER = 'Eddy-Source-Id';
/** Header of a region write whose body is its WAL record followed by the batches' series hints: the record's length. */
export const RECORD_BYTES_HEADER = 'Eddy-Record-Bytes';

/**
 * A region write's body: the parts' WAL record (the region appends it as received), then, when a part carries its
 * producer's series numbers, those (core/codec/series_hints.ts) and `recordBytes` set. One buffer, written in place:
 * a part that is some rows of a batch (a split) is encoded from the batch's columns, never copied out.
 */
export function regionWriteBody(parts: readonly BatchPart[]): { body: Uint8Array; recordBytes: number | null } {
  const hintBytes = seriesHintsSize(parts);
  const record = encodeBatches(parts, hintBytes);
  if (hintBytes === 0) return { body: record, recordBytes: null };
  const body = new Uint8Array(record.buffer, record.byteOffset, record.length + hintBytes);
  writeSeriesHints(parts, body, record.length);
  return { body, recordBytes: record.length };
}

/** The batches of a region write (string columns in dictionary form, as the memtable takes them) and its WAL record. */
function regionWriteOf(msg: Msg): { batches: WriteBatch[]; record: Uint8Array } {
  const n = msg.headers?.get(RECORD_BYTES_HEADER);
  const len = n ? Number(n) : msg.data.length;
  if (!Number.isInteger(len) || len < 0 || len > msg.data.length) throw new EddyError(StatusCode.InvalidArguments, `region write: ${RECORD_BYTES_HEADER} ${n} does not fit a body of ${msg.data.length} bytes`);
  const record = msg.data.subarray(0, len);
  const batches = decodeBatches(record, { dictionary: true });
  if (len < msg.data.length) attachSeriesHints(batches, msg.data.subarray(len));
  return { batches, record };
}

/** Remote scans that carry a cancel key, by `<region>/<key>`, while they run (RegionOps.scanCancel aborts one). */
const running = new Map<string, AbortController>();

async function cancellableScan(host: RegionHost, key: string, req: ScanRequest): Promise<RecordBatch[]> {
  const ac = new AbortController();
  const id = `${host.regionId}/${key}`;
  running.set(id, ac);
  try {
    return await host.scan({ ...req, signal: ac.signal });
  } finally {
    running.delete(id);
  }
}

export async function answerRegionOp(host: RegionHost, msg: Msg, maxChunkBytes: number): Promise<void> {
  const op = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
  try {
    switch (op) {
      case RegionOps.write: {
        const { batches, record } = regionWriteOf(msg);
        const rows = await host.write(batches, msg.headers?.get(SOURCE_ID_HEADER) || undefined, record);
        msg.respond(JSON.stringify({ ok: true, rows }));
        return;
      }
      case RegionOps.delete: {
        const rows = await host.delete(decodeBatches(msg.data)[0]!);
        msg.respond(JSON.stringify({ ok: true, rows }));
        return;
      }
      case RegionOps.scan: {
        const { cancelKey, ...req } = decodeScanRequest(msg.data);
        const batches = cancelKey === undefined ? await host.scan(req) : await cancellableScan(host, cancelKey, req);
        for (const chunk of batchesToIPC(batches, { maxBytes: maxChunkBytes })) msg.respond(chunk);
        msg.respond(new Uint8Array(0));
        return;
      }
      case RegionOps.scanCancel:
        running.get(`${host.regionId}/${new TextDecoder().decode(msg.data)}`)?.abort(new EddyError(StatusCode.Cancelled, `scan of region ${host.regionId} cancelled by its query`));
        return;
      case RegionOps.aggregate: {
        const text = JSON.stringify({ ok: true, rel: await host.aggregate(new TextDecoder().decode(msg.data)) });
        if (text.length > maxChunkBytes) throw new EddyError(StatusCode.Unsupported, `${PARTIAL_TOO_LARGE} for one message (${text.length} bytes)`);
        msg.respond(text);
        return;
      }
      case RegionOps.flush:
        await host.flush();
        msg.respond(JSON.stringify({ ok: true }));
        return;
      case RegionOps.compact:
        await host.compact();
        msg.respond(JSON.stringify({ ok: true }));
        return;
      case RegionOps.stats:
        msg.respond(JSON.stringify({ ok: true, stats: host.stats() }));
        return;
      default:
        throw new EddyError(StatusCode.Unsupported, `unknown region operation '${op}'`);
    }
  } catch (e) {
    const h = natsHeaders();
    h.set('Eddy-Error', '1');
    msg.respond(JSON.stringify({ ok: false, error: toWireError(e) }), { headers: h });
  }
}

/** A partial aggregate (one SELECT over the region's table) over one region's rows only: the table is all it sees. */
export function aggregateRegion(schema: () => TableSchema, clock: Clock, scan: (spec: ScanRequest) => Promise<RecordBatch[]>, sql: string): Promise<WireRel> {
  const ctx = {
    db: schema().db,
    now: () => clock.now(),
    getTable: async (db: string, name: string) => (db === schema().db && name === schema().name ? schema() : null),
    listTables: async () => [schema().name],
    listDatabases: async () => [schema().db],
    scan: (_s: TableSchema, spec: ScanRequest) => scan(spec),
  } as unknown as QueryContext;
  return runPartial(ctx, sql);
}
