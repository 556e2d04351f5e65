// What the regions' indexes did in a scan, carried to EXPLAIN ANALYZE as Arrow schema metadata on the scan's batches.
import { RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { SCAN_INDEX_METADATA, type ScanIndexReport } from '../context.ts';

/** The report of every batch that carries one, summed (several regions), or null when none does. */
export function readIndexReport(batches: RecordBatch[]): ScanIndexReport | null {
  let out: ScanIndexReport | null = null;
  for (const b of batches) {
    const text = b.schema.metadata.get(SCAN_INDEX_METADATA);
    if (!text) continue;
    const r = JSON.parse(text) as ScanIndexReport;
    if (!out) { out = { segments: 0, unindexed: 0, indexes: [] }; }
    out.segments += r.segments;
    out.unindexed += r.unindexed;
    for (const u of r.indexes) {
      const t = out.indexes.find((x) => x.kind === u.kind && x.column === u.column);
      if (!t) { out.indexes.push({ ...u }); continue; }
      t.segments += u.segments; t.groupsBefore += u.groupsBefore; t.groupsAfter += u.groupsAfter;
      t.rowsBefore += u.rowsBefore; t.rowsAfter += u.rowsAfter;
    }
  }
  return out;
}

/** The batches with the report on the first one (an empty batch carries it when there are no rows). */
export function withIndexReport(batches: RecordBatch[], report: ScanIndexReport): RecordBatch[] {
  const text = JSON.stringify(report);
  // (RecordBatch's schema-only constructor fails on a schema without fields: the empty struct is given)
  if (batches.length === 0) return [new RecordBatch(new Schema([], new Map([[SCAN_INDEX_METADATA, text]])), makeData({ type: new Struct([]), length: 0, nullCount: 0, children: [] }))];
  const [first, ...rest] = batches;
  const md = new Map(first!.schema.metadata);
  md.set(SCAN_INDEX_METADATA, text);
  return [new RecordBatch(new Schema(first!.schema.fields, md), first!.data), ...rest];
}

/** Batches without the row-less ones that only carry a report (before merging region scans). */
export function withoutReportOnly(batches: RecordBatch[]): RecordBatch[] {
  return batches.filter((b) => b.numRows > 0 || b.schema.fields.length > 0);
}

/** One line for EXPLAIN ANALYZE: per index, the row groups and rows it left of those it was asked about. */
export function describeIndexReport(r: ScanIndexReport): string {
  const parts = r.indexes.map((u) => `${u.kind}(${u.column}): segments=${u.segments} row_groups=${u.groupsAfter}/${u.groupsBefore} rows=${u.rowsAfter}/${u.rowsBefore}`);
  if (r.unindexed > 0) parts.push(`segments_without_index=${r.unindexed}`);
  return parts.length ? `index=[${parts.join('; ')}]` : 'index=[none]';
}
