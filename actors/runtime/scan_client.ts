// Client side of eddy.region.<id>.scan: sends the request and gathers the Arrow IPC chunks until the empty sentinel.
import type { NatsConnection } from '@nats-io/transport-node';
import type { RecordBatch } from 'apache-arrow';
import { EddyError, StatusCode, Subjects, RegionOps, fromWireError, type WireError } from '../../core/index.ts';
import { ipcToBatches, type ScanRequest } from '../../storage/index.ts';
import { encodeScanRequest } from './scan_wire.ts';

/**
 * With `req.signal`: the request carries a cancel key, and when the signal aborts the region is told to stop the scan
 * (`scan_cancel`, where it next checks: storage ScanRequest.signal) and this call rejects at once with the signal's reason.
 */
export async function scanRegion(nc: NatsConnection, regionId: string, req: ScanRequest, timeoutMs = 60_000): Promise<RecordBatch[]> {
  const signal = req.signal;
  if (!signal) return gather(nc, regionId, encodeScanRequest(req), timeoutMs);
  signal.throwIfAborted();
  const cancelKey = globalThis.crypto.randomUUID();
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      try {
        nc.publish(Subjects.region(regionId, RegionOps.scanCancel), cancelKey);
      } catch { /* a closed connection: the region's scan ends with its answer, which nobody reads */ }
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const run = gather(nc, regionId, encodeScanRequest(req, cancelKey), timeoutMs);
  run.catch(() => undefined);
  try {
    return await Promise.race([run, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function gather(nc: NatsConnection, regionId: string, request: string, timeoutMs: number): Promise<RecordBatch[]> {
  const replies = await nc.requestMany(Subjects.region(regionId, RegionOps.scan), request, {
    strategy: 'sentinel',
    maxWait: timeoutMs,
  });
  const chunks: Uint8Array[] = [];
  let sawEnd = false;
  for await (const m of replies) {
    if (m.headers?.get('Eddy-Error')) {
      const body = JSON.parse(new TextDecoder().decode(m.data)) as { error: WireError };
      throw fromWireError(body.error);
    }
    if (m.data.length === 0) {
      sawEnd = true;
      break;
    }
    chunks.push(m.data);
  }
  if (!sawEnd) throw new EddyError(StatusCode.StorageUnavailable, `scan of region ${regionId} timed out or was cut short`);
  return ipcToBatches(chunks);
}
