// decodeRows: WriteBatch -> per-row event time, row key, group key and aggregate inputs; a bad row is reported and skipped.
import { map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { EddyError, InvalidArgumentError, timeColumn } from '../../core/index.ts';
import type { WriteBatch } from '../../core/index.ts';
import { rowKeys } from '../batch_scope.ts';
import { batchRel, filterRel, takeRows, valueAt, type Rel, type Vec } from '../core_eval.ts';
import type { FlowPlan, FlowValue } from '../types.ts';
import { isTrue, keyOf, toNumber } from '../values.ts';

/** Rows of one batch ready for windowing. `group[i] === null` marks a row WHERE rejected (it only retracts). */
export interface DecodedRows {
  table: string;
  /** Rows in the batch (including skipped ones). */
  inputRows: number;
  n: number;
  eventTime: bigint[];
  rowKey: string[];
  group: (string | null)[];
  groupVals: (FlowValue[] | null)[];
  vals: (FlowValue[] | null)[];
  maxEventTime: bigint | null;
  errors: number;
  /** Deleted rows: event time i is unknown where this is 1 (the key columns do not give it), see decodeDeletes. */
  unknownTime?: Uint8Array;
}

/** A record that could not be evaluated: where (batch row) and why. */
export class FlowRecordError extends InvalidArgumentError {
  constructor(message: string, readonly table: string, row: number, options?: { cause?: unknown }) {
    super(`Flow input ${table}: ${message}`, { row });
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** Numbers the rows of an append-only source (kept in checkpoints), so equal keys stay distinct rows. */
export interface RowSeq { n: number }

export function decodeBatch(plan: FlowPlan, batch: WriteBatch, onError: (e: EddyError) => void, seq: RowSeq = { n: 0 }): DecodedRows {
  const out: DecodedRows = {
    table: batch.table, inputRows: batch.rows, n: 0, eventTime: [], rowKey: [], group: [], groupVals: [], vals: [], maxEventTime: null, errors: 0,
  };
  if (batch.table !== plan.sourceTable) {
    out.errors = batch.rows;
    onError(new InvalidArgumentError(`Flow ${plan.name} reads ${plan.sourceTable}, not ${batch.table}`));
    return out;
  }
  const rel = batchRel(plan.rowColumns, plan.rowQualifier, batch, plan.rowUnits);
  const keys = rowKeys(batch);
  if (plan.appendOnly) for (let i = 0; i < keys.length; i++) keys[i] += '\u0001' + seq.n++;
  const ts = timeColumn(batch).values as BigInt64Array;
  const report = (i: number, e: unknown): void => {
    out.errors++;
    onError(new FlowRecordError(e instanceof Error ? e.message : String(e), batch.table, i, { cause: e }));
  };
  try {
    decodeRows_(plan, rel, null, ts, keys, out, report);
  } catch {
    // Core evaluates the whole batch at once and fails it whole on one bad value: find the bad rows one by one.
    for (let i = 0; i < batch.rows; i++) {
      try {
        decodeRows_(plan, takeRows(rel, [i]), i, ts, keys, out, report);
      } catch (e) {
        report(i, e);
      }
    }
  }
  return out;
}

/**
 * The columnar part of decoding: event time, WHERE, group keys and aggregate arguments as vectors over `rel` (the
 * batch, or its row `only`), then one pass that lays them out per row. Errors of one row (a NULL event time, a
 * string where sum needs a number) are reported for that row; an error of the evaluation itself is thrown.
 */
function decodeRows_(
  plan: FlowPlan, rel: Rel, only: number | null, ts: BigInt64Array, keys: string[], out: DecodedRows, report: (i: number, e: unknown) => void,
): void {
  const { filter, eventTime, groupKeys, valueSlots } = plan;
  const n = rel.len;
  const et = eventTime ? eventTime.vector(rel) : null;
  const fv = filter ? filter.vector(rel) : null;
  const pass = new Uint8Array(n);
  let passing = 0;
  for (let j = 0; j < n; j++) if (!fv || isTrue(valueAt(fv, j))) { pass[j] = 1; passing++; }
  const sub = passing === n ? rel : filterRel(rel, pass);
  const gk = passing ? groupKeys.map((g) => g.expr.vector(sub)) : [];
  const width = valueSlots.length;
  const vs = passing ? valueSlots.map((s) => (s ? s.expr.vector(sub) : null)) : [];
  // Output expressions are typed as SELECT types them: from the key and argument vectors (the first non-null type).
  for (let q = 0; q < gk.length; q++) if (gk[q]!.dt !== 'Null') plan.groupKeyDts[q] ??= gk[q]!.dt;
  for (const a of plan.aggregates) if (a.slot > 0 && vs[a.slot] && vs[a.slot]!.dt !== 'Null') a.argDt ??= vs[a.slot]!.dt;
  const staged: { eventTime: bigint[]; rowKey: string[]; group: (string | null)[]; groupVals: (FlowValue[] | null)[]; vals: (FlowValue[] | null)[] } =
    { eventTime: [], rowKey: [], group: [], groupVals: [], vals: [] };
  let max = out.maxEventTime;
  let errors = 0;
  for (let j = 0, k = 0; j < n; j++) {
    const i = only ?? j;
    const at = pass[j] ? k++ : -1;
    try {
      let t: bigint;
      if (et) {
        const v = valueAt(et, j);
        if (typeof v !== 'bigint') throw new InvalidArgumentError(`event time ${eventTime!.text} is ${v === null ? 'NULL' : 'not a timestamp'}`);
        t = v;
      } else t = ts[i]!;
      let g: string | null = null;
      let gv: FlowValue[] | null = null;
      let vals: FlowValue[] | null = null;
      if (at >= 0) {
        gv = new Array<FlowValue>(gk.length);
        for (let q = 0; q < gk.length; q++) gv[q] = valueAt(gk[q]!, at);
        g = keyOf(gv);
        vals = new Array<FlowValue>(width);
        vals[0] = ts[i]!;
        for (let s = 1; s < width; s++) {
          const v = valueAt(vs[s]!, at);
          vals[s] = valueSlots[s]!.numeric ? toNumber(v, valueSlots[s]!.expr.text) : v;
        }
      }
      staged.eventTime.push(t);
      staged.rowKey.push(keys[i]!);
      staged.group.push(g);
      staged.groupVals.push(gv);
      staged.vals.push(vals);
      if (max === null || t > max) max = t;
    } catch (e) {
      errors++;
      report(i, e);
    }
  }
  // Only a pass that did not throw lands in `out` (a thrown batch is retried row by row).
  out.eventTime.push(...staged.eventTime);
  out.rowKey.push(...staged.rowKey);
  out.group.push(...staged.group);
  out.groupVals.push(...staged.groupVals);
  out.vals.push(...staged.vals);
  out.n += staged.eventTime.length;
  out.maxEventTime = max;
  void errors;
}

/**
 * Rows deleted from the source (key columns: tags and time index) as rows that only retract, like rows WHERE rejects.
 * Their event time is evaluated from the keys when it can be; otherwise it is unknown and the row is retracted from
 * whichever open window holds it. They do not move event time.
 */
export function decodeDeletes(plan: FlowPlan, batch: WriteBatch, onError: (e: EddyError) => void): DecodedRows {
  const n = batch.table === plan.sourceTable ? batch.rows : 0;
  const out: DecodedRows = {
    table: batch.table, inputRows: batch.rows, n, eventTime: new Array<bigint>(n), rowKey: n ? rowKeys(batch) : [],
    group: new Array<null>(n).fill(null), groupVals: new Array<null>(n).fill(null), vals: new Array<null>(n).fill(null),
    maxEventTime: null, errors: 0, unknownTime: new Uint8Array(n),
  };
  if (n === 0) {
    out.errors = batch.rows;
    if (batch.rows) onError(new InvalidArgumentError(`Flow ${plan.name} reads ${plan.sourceTable}, not ${batch.table}`));
    return out;
  }
  const ts = timeColumn(batch).values as BigInt64Array;
  let et: Vec | null = null;
  if (plan.eventTime) {
    try { et = plan.eventTime.vector(batchRel(plan.rowColumns, plan.rowQualifier, batch, plan.rowUnits)); } catch { et = null; }
  }
  for (let i = 0; i < n; i++) {
    let t: FlowValue = ts[i]!;
    if (plan.eventTime) t = et ? valueAt(et, i) : null;
    if (typeof t === 'bigint') out.eventTime[i] = t;
    else { out.eventTime[i] = 0n; out.unknownTime![i] = 1; }
  }
  return out;
}

/** Decodes each batch against the plan; per-row failures go to `onError`, never downstream. */
export function decodeRows(plan: FlowPlan, onError: (e: EddyError) => void, seq: RowSeq = { n: 0 }): OperatorFunction<WriteBatch, DecodedRows> {
  return map((batch) => decodeBatch(plan, batch, onError, seq));
}
