// Public face of streams/: flow compilation, the RxJS operators of a flow graph, and the running flow.
export type {
  AggregateKind, AggregateSpec, FlowEmission, FlowPlan, FlowRow, FlowStats, FlowValue, GroupKeySpec, OutExpr, OutScope,
  RowExpr, RowScope, SinkColumn, SinkRole, ValueSlot, WindowSpec,
} from './types.ts';
export { compileFlow, compileFlowSql, rewriteDurations } from './compile.ts';
export type { CompileOptions } from './compile.ts';
export { createFlow, encodeSnapshot, decodeSnapshot } from './flow.ts';
export type { Flow, FlowOptions, FlowSnapshot } from './flow.ts';
export { FlowStore } from './store.ts';
export { FlowEvalError } from './values.ts';
export { forEachOpenWindow, lastWindowStart, windowCallOf } from './window.ts';
export { percentileOf } from './cell.ts';
export { decodeRows, decodeBatch, FlowRecordError } from './operators/decodeRows.ts';
export type { DecodedRows } from './operators/decodeRows.ts';
export { watermark } from './operators/watermark.ts';
export type { Watermarked, WatermarkState, IdleAdvance } from './operators/watermark.ts';
export { windowAssign, assignWindows, GLOBAL_WINDOW } from './operators/windowAssign.ts';
export type { AssignedRows } from './operators/windowAssign.ts';
export { incrementalAggregate } from './operators/incrementalAggregate.ts';
export type { AggregateTick } from './operators/incrementalAggregate.ts';
export { emitOnInterval } from './operators/emitOnInterval.ts';
export { toSinkBatch } from './sink.ts';
