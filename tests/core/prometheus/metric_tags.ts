// Shared check of remote write's physical batches: metricTags says exactly which metrics fill which label columns.
import { expect } from 'vitest';
import type { PromBatch } from '../../../core/codec/prometheus/physical_batch.ts';

/** A metric has a column in metricTags exactly when one of its rows fills it (columns[0] is __table_id; the last two value and time). */
export function expectMetricTags(p: PromBatch): void {
  const b = p.batch;
  for (let c = 1; c < b.columns.length - 2; c++) {
    const col = b.columns[c]!;
    for (let m = 0; m < p.metrics.length; m++) {
      let fills = false;
      for (let r = 0; r < b.rows; r++) if ((b.columns[0]!.values as Int32Array)[r] === m && (col.valid === null || col.valid[r] === 1)) fills = true;
      expect(p.metricTags[c * p.metrics.length + m] === 1).toBe(fills);
    }
  }
}
