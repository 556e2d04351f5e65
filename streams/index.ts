// Public face of streams/: flow compilation, the RxJS operators of a flow graph, and the running flow.
export type {
  AggregateKind, AggregateSpec, FlowEmission, FlowPlan, FlowRow, FlowStats, FlowValue, GroupKeySpec, OutExpr, OutScope,
  RowExpr, SinkColumn, SinkRole, ValueSlot, WindowSpec,
} from './types.ts';
export { compileFlow, compileFlowSql } from './compile/compile.ts';
export type { CompileOptions } from './compile/compile.ts';
export { createFlow, encodeSnapshot, decodeSnapshot } from './flow.ts';
export type { Flow, FlowOptions, FlowSnapshot, FlowCheckpointHead } from './flow.ts';
export type { WindowPart } from './store.ts';
export { FlowStore } from './store.ts';
export { FlowEvalError } from './values.ts';
export { forEachOpenWindow, lastWindowStart, windowCallOf } from './window.ts';
export { percentileOf } from './cell.ts';
export { decodeRows, decodeBatch, FlowRecordError } from './operators/decode_rows.ts';
export type { DecodedRows } from './operators/decode_rows.ts';
export { watermark } from './operators/watermark.ts';
export type { Watermarked, WatermarkState, IdleAdvance } from './operators/watermark.ts';
export { windowAssign, assignWindows, GLOBAL_WINDOW } from './operators/window_assign.ts';
export type { AssignedRows } from './operators/window_assign.ts';
export { incrementalAggregate } from './operators/incremental_aggregate.ts';
export type { AggregateTick } from './operators/incremental_aggregate.ts';
export { emitOnInterval } from './operators/emit_on_interval.ts';
export { toSinkBatch } from './sink.ts';
