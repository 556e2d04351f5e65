// Remote write's decoder: a snappy-compressed WriteRequest -> one batch of its physical metric table, series known
// across requests. Pure (no catalog, no I/O): the node runs it in its parse worker thread (or in place while none is
// ready), and the writer consults the catalog with what it returns.
import { snappyDecode, snappyDecodedLength, MAX_SNAPPY_DECODED } from './snappy.ts';
import { PromSeriesTable } from './series_table.ts';
import { PhysicalBatchBuilder, type PromBatch } from './physical_batch.ts';

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
    const len = snappyDecodedLength(data);
    // the scratch buffer grows to the requests' size (never past SCRATCH_MAX), so steady writes allocate none; the
    // decoded bytes are not kept past this call (label bytes are copied into the series table, values into the batch)
    if (len > this.scratch.length && len <= SCRATCH_MAX && len <= MAX_SNAPPY_DECODED && len <= data.length * 22 + 64) this.scratch = new Uint8Array(Math.max(len, Math.min(SCRATCH_MAX, Math.max(this.scratch.length * 2, 64 * 1024))));
    const raw = snappyDecode(data, MAX_SNAPPY_DECODED, this.scratch);
    return this.builder.build(this.series.decode(raw));
  }
}
