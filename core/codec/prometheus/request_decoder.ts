// Remote write's decoder: a snappy-compressed WriteRequest -> one batch of its physical metric table, series known
// across requests. Pure (no catalog, no I/O): the node runs it in its parse worker thread (or in place while none is
// ready), and the writer consults the catalog with what it returns.
import { InternalError } from '../../errors.ts';
import { snappyDecode, snappyDecodedLength, MAX_SNAPPY_DECODED } from './snappy.ts';
import { PromSeriesTable } from './series_table.ts';
import { PhysicalBatchBuilder, type PromBatch } from './physical_batch.ts';
import type { DecodedWrite } from './series_table.ts';

/** A request read but not built yet (group commit): its own copy of the columns, and the series table's generation. */
export interface ReadRequest {
  dec: DecodedWrite;
  /** Requests of one generation may be built together; a cleared table voids the ids of the ones before. */
  generation: number;
}

/** Decompressed requests up to this size reuse one buffer; a larger one gets its own. */
const SCRATCH_MAX = 16 * 1024 * 1024;

export class RemoteWriteDecoder {
  private readonly series: PromSeriesTable;
  private readonly builder: PhysicalBatchBuilder;
  private scratch = new Uint8Array(0);

  constructor(maxSeries?: number) {
    this.series = new PromSeriesTable(maxSeries);
    this.builder = new PhysicalBatchBuilder(this.series);
  }

  /** Decompresses and reads a request; throws a 400-class error (positioned) on bad input, keeping nothing of it. */
  decode(data: Uint8Array): PromBatch {
    return this.builder.build(this.decodeRaw(data));
  }

  /**
   * Decompresses and reads a request without building its batch (pure, like decode): its columns are copied out of the
   * reused ones, so several requests read one after the other can be built into one batch (build). `beforeClear` is
   * called first when this read will clear the series table: requests read until then must be built in it.
   */
  read(data: Uint8Array, beforeClear?: () => void): ReadRequest {
    // requests read before are built first (beforeClear) when this read starts the series table again
    if (this.series.full) beforeClear?.();
    const d = this.decodeRaw(data);
    const dec: DecodedWrite = { count: d.count, sid: d.sid.slice(), sampleStart: d.sampleStart.slice(), t: d.t.slice(), v: d.v.slice(), samples: d.samples, metadata: d.metadata };
    return { dec, generation: this.series.generation };
  }

  /** The series table's generation now (read() requests of another one cannot be built). */
  get generation(): number {
    return this.series.generation;
  }

  /** One batch of requests read, in order; all of the current generation. */
  build(reqs: readonly ReadRequest[]): PromBatch {
    for (const r of reqs) if (r.generation !== this.series.generation) throw new InternalError('remote write: a request of a cleared series table cannot be built');
    return this.builder.build(reqs.map((r) => r.dec));
  }

  private decodeRaw(data: Uint8Array): DecodedWrite {
    const len = snappyDecodedLength(data);
    // the scratch buffer grows to the requests' size (never past SCRATCH_MAX), so steady writes allocate none; the
    // decoded bytes are not kept past this call (label bytes are copied into the series table, values into the batch)
    if (len > this.scratch.length && len <= SCRATCH_MAX && len <= MAX_SNAPPY_DECODED && len <= data.length * 22 + 64) this.scratch = new Uint8Array(Math.max(len, Math.min(SCRATCH_MAX, Math.max(this.scratch.length * 2, 64 * 1024))));
    const raw = snappyDecode(data, MAX_SNAPPY_DECODED, this.scratch);
    return this.series.decode(raw);
  }
}
