// A region scan's workload report on eddy.index.workload.<db>.<table> (JSON): the smart index's observations.
import { Subjects, type ColumnPredicate } from '../../core/index.ts';
import type { ScanStats } from '../../storage/index.ts';

export interface WorkloadReport {
  db: string;
  table: string;
  regionId: string;
  /** The region's clock (ms). */
  at: number;
  /** Column and predicate shape of each conjunct the scan was given. */
  preds: { column: string; op: ColumnPredicate['op'] }[];
  rowsRead: number;
  rowsOut: number;
}

/** Publishes one scan's report (nothing for a scan without predicates); never fails the scan. */
export function publishWorkload(nc: { publish(subject: string, data: Uint8Array): void }, r: Omit<WorkloadReport, 'preds'>, preds: ColumnPredicate[] | undefined): void {
  if (!preds?.length) return;
  const report: WorkloadReport = { ...r, preds: preds.map((p) => ({ column: p.column, op: p.op })) };
  try { nc.publish(Subjects.indexWorkload(r.db, r.table), new TextEncoder().encode(JSON.stringify(report))); } catch { /* closed connection: the report is lost, the scan is not */ }
}

/** A report off the wire, or null when malformed (a bad message is dropped, not fatal). */
export function decodeWorkload(data: Uint8Array): WorkloadReport | null {
  try {
    const r = JSON.parse(new TextDecoder().decode(data)) as WorkloadReport;
    const ok = typeof r.db === 'string' && typeof r.table === 'string' && typeof r.at === 'number' && Number.isFinite(r.rowsRead) && Number.isFinite(r.rowsOut)
      && Array.isArray(r.preds) && r.preds.every((p) => typeof p?.column === 'string' && typeof p.op === 'string');
    return ok ? r : null;
  } catch {
    return null;
  }
}

/** Stats a scan collects for its report. */
export function workloadStats(): ScanStats {
  return { segments: 0, unindexed: 0, indexes: [], rowsRead: 0, rowsOut: 0 };
}
