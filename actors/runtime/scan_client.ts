// Client side of eddy.region.<id>.scan: sends the request and gathers the Arrow IPC chunks until the empty sentinel.
import type { NatsConnection } from '@nats-io/transport-node';
import type { RecordBatch } from 'apache-arrow';
import { EddyError, StatusCode, Subjects, RegionOps, fromWireError, type WireError } from '../../core/index.ts';
import { ipcToBatches, type ScanRequest } from '../../storage/index.ts';
import { encodeScanRequest } from './scan_wire.ts';

export async function scanRegion(nc: NatsConnection, regionId: string, req: ScanRequest, timeoutMs = 60_000): Promise<RecordBatch[]> {
  const replies = await nc.requestMany(Subjects.region(regionId, RegionOps.scan), encodeScanRequest(req), {
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
