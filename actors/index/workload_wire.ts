// Region scans' workload reports on eddy.index.workload.<db>.<table> (a JSON array of reports): the smart index's
// observations, gathered per node and published together, not one message per scan.
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

/** How long a report may wait for others before its batch is published, and the most a batch holds. */
export const WORKLOAD_BATCH = { delayMs: 200, maxReports: 256 } as const;

type Publisher = { publish(subject: string, data: Uint8Array): void };

/**
 * Gathers scans' reports and publishes them in batches (one message per table, after `delayMs` or at `maxReports`),
 * so a scan costs an array push instead of a NATS message, a wake-up of the observer and an actor event each.
 * flush() publishes at once (the smart index calls it before reading what it observed; the node on stop).
 */
export class WorkloadReporter {
  private pending: WorkloadReport[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly nc: Publisher, private readonly batch: { delayMs: number; maxReports: number } = WORKLOAD_BATCH) {}

  /** Records one scan's report (nothing for a scan without predicates); never fails the scan. */
  report(r: Omit<WorkloadReport, 'preds'>, preds: ColumnPredicate[] | undefined): void {
    if (!preds?.length) return;
    this.pending.push({ ...r, preds: preds.map((p) => ({ column: p.column, op: p.op })) });
    if (this.pending.length >= this.batch.maxReports) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batch.delayMs).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const bySubject = new Map<string, WorkloadReport[]>();
    for (const r of this.pending) {
      const subject = Subjects.indexWorkload(r.db, r.table);
      const list = bySubject.get(subject);
      if (list) list.push(r);
      else bySubject.set(subject, [r]);
    }
    this.pending = [];
    const enc = new TextEncoder();
    for (const [subject, list] of bySubject) {
      try { this.nc.publish(subject, enc.encode(JSON.stringify(list))); } catch { /* closed connection: the reports are lost, the scans are not */ }
    }
  }
}

function validReport(r: WorkloadReport): boolean {
  return typeof r === 'object' && r !== null && typeof r.db === 'string' && typeof r.table === 'string' && typeof r.at === 'number'
    && Number.isFinite(r.rowsRead) && Number.isFinite(r.rowsOut)
    && Array.isArray(r.preds) && r.preds.every((p) => typeof p?.column === 'string' && typeof p.op === 'string');
}

/** The reports of a message (an array, or one report as older nodes send it); malformed ones are dropped, not fatal. */
export function decodeWorkload(data: Uint8Array): WorkloadReport[] {
  try {
    const j = JSON.parse(new TextDecoder().decode(data)) as WorkloadReport | WorkloadReport[];
    return (Array.isArray(j) ? j : [j]).filter(validReport);
  } catch {
    return [];
  }
}

/** Stats a scan collects for its report. */
export function workloadStats(): ScanStats {
  return { segments: 0, unindexed: 0, indexes: [], rowsRead: 0, rowsOut: 0 };
}
