// What every ingest system in the comparison reports, and the shared HTTP ingest loop.
import type { CpuData } from '../tsbs.ts';
import { httpRequest } from '../util.ts';

export interface IngestResult {
  system: string;
  version?: string;
  rows: number;
  values: number;
  /** Seconds from the first write sent to the last write acknowledged. */
  ackedSeconds: number;
  ackedRowsPerSec: number;
  /** Seconds from the first write sent until every value is visible to queries. */
  queryableSeconds?: number;
  queryableRowsPerSec?: number;
  /** Values the system reported back when checked (should equal `values`). */
  valuesVerified?: number;
  /** CPU the server's process tree used (user + system, all threads) from the first write until queryable. */
  cpuSeconds?: number;
  /** Peak resident memory of the server (sum of VmHWM over its process tree). */
  peakRssBytes?: number;
  /** Resident memory after ingest (and flush/merge). */
  rssAfterBytes?: number;
  /** Allocated bytes on disk after flush/merge. */
  diskBytes?: number;
  diskBytesPerValue?: number;
  notes?: string[];
  error?: string;
}

/**
 * POST every batch to `url` with `workers` concurrent clients (each sends its next batch
 * when the previous one is acknowledged). Returns elapsed seconds until the last ack.
 */
export async function postBatches(url: string, data: CpuData, workers: number, okStatus = [200, 204]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= data.batches.length) return;
      const r = await httpRequest('POST', url, data.batches[i], { 'content-type': 'text/plain; charset=utf-8' });
      if (!okStatus.includes(r.status)) {
        throw new Error(`POST ${url} batch ${i}: HTTP ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return (performance.now() - t0) / 1000;
}
