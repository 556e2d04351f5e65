// incrementalAggregate: applies windowed rows to the keyed, retraction-aware FlowStore and closes windows the watermark passed.
import { map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { FlowStore } from '../store.ts';
import type { AssignedRows } from './window_assign.ts';

export interface AggregateTick {
  /** (row, window) contributions applied. */
  changed: number;
  /** Windows that became final. */
  finalized: number;
  late: number;
  expired: number;
  errors: number;
  inputRows: number;
  watermark: bigint | null;
}

export function incrementalAggregate(store: FlowStore): OperatorFunction<AssignedRows, AggregateTick> {
  return map((a) => ({
    changed: store.apply(a),
    finalized: store.advance(a.watermark),
    late: a.late,
    expired: a.expired,
    errors: a.rows?.errors ?? 0,
    inputRows: a.rows?.inputRows ?? 0,
    watermark: a.watermark,
  }));
}
