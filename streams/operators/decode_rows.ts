// decodeRows: WriteBatch -> per-row event time, row key, group key and aggregate inputs; a bad row is reported and skipped.
import { map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { EddyError, InvalidArgumentError, timeColumn } from '../../core/index.ts';
import type { WriteBatch } from '../../core/index.ts';
import { BatchScope, rowKeys } from '../batch_scope.ts';
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

export function decodeBatch(
  plan: FlowPlan, batch: WriteBatch, onError: (e: EddyError) => void, scope = new BatchScope(plan.rowColumns), seq: RowSeq = { n: 0 },
): DecodedRows {
  const out: DecodedRows = {
    table: batch.table, inputRows: batch.rows, n: 0, eventTime: [], rowKey: [], group: [], groupVals: [], vals: [], maxEventTime: null, errors: 0,
  };
  if (batch.table !== plan.sourceTable) {
    out.errors = batch.rows;
    onError(new InvalidArgumentError(`Flow ${plan.name} reads ${plan.sourceTable}, not ${batch.table}`));
    return out;
  }
  scope.bind(batch);
  const keys = rowKeys(batch);
  if (plan.appendOnly) for (let i = 0; i < keys.length; i++) keys[i] += '\u0001' + seq.n++;
  const ts = timeColumn(batch).values as BigInt64Array;
  const { filter, eventTime, groupKeys, valueSlots } = plan;
  const width = valueSlots.length;
  let max: bigint | null = null;
  for (let i = 0; i < batch.rows; i++) {
    try {
      let t: bigint;
      if (eventTime) {
        const v = eventTime.eval(scope, i);
        if (typeof v !== 'bigint') throw new InvalidArgumentError(`event time ${eventTime.text} is ${v === null ? 'NULL' : 'not a timestamp'}`);
        t = v;
      } else t = ts[i]!;
      let gk: string | null = null;
      let gv: FlowValue[] | null = null;
      let vals: FlowValue[] | null = null;
      if (!filter || isTrue(filter.eval(scope, i))) {
        gv = new Array<FlowValue>(groupKeys.length);
        for (let k = 0; k < groupKeys.length; k++) gv[k] = groupKeys[k]!.expr.eval(scope, i);
        gk = keyOf(gv);
        vals = new Array<FlowValue>(width);
        vals[0] = ts[i]!;
        for (let s = 1; s < width; s++) {
          const slot = valueSlots[s]!;
          const v = slot.expr.eval(scope, i);
          vals[s] = slot.numeric ? toNumber(v, slot.expr.text) : v;
        }
      }
      out.eventTime.push(t);
      out.rowKey.push(keys[i]!);
      out.group.push(gk);
      out.groupVals.push(gv);
      out.vals.push(vals);
      out.n++;
      if (max === null || t > max) max = t;
    } catch (e) {
      out.errors++;
      const msg = e instanceof Error ? e.message : String(e);
      onError(new FlowRecordError(msg, batch.table, i, { cause: e }));
    }
  }
  out.maxEventTime = max;
  return out;
}

/**
 * Rows deleted from the source (key columns: tags and time index) as rows that only retract, like rows WHERE rejects.
 * Their event time is evaluated from the keys when it can be; otherwise it is unknown and the row is retracted from
 * whichever open window holds it. They do not move event time.
 */
export function decodeDeletes(plan: FlowPlan, batch: WriteBatch, onError: (e: EddyError) => void, scope = new BatchScope(plan.rowColumns)): DecodedRows {
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
  scope.bind(batch);
  const ts = timeColumn(batch).values as BigInt64Array;
  for (let i = 0; i < n; i++) {
    let t: FlowValue = ts[i]!;
    if (plan.eventTime) {
      try { t = plan.eventTime.eval(scope, i); } catch { t = null; }
    }
    if (typeof t === 'bigint') out.eventTime[i] = t;
    else { out.eventTime[i] = 0n; out.unknownTime![i] = 1; }
  }
  return out;
}

/** Decodes each batch against the plan; per-row failures go to `onError`, never downstream. */
export function decodeRows(plan: FlowPlan, onError: (e: EddyError) => void, seq: RowSeq = { n: 0 }): OperatorFunction<WriteBatch, DecodedRows> {
  const scope = new BatchScope(plan.rowColumns);
  return map((batch) => decodeBatch(plan, batch, onError, scope, seq));
}
