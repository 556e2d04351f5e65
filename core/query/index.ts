// Public face of the query engine: executeSql over a QueryContext, result shapes and renderers.
export type { QueryContext, ScanSpec, RegionPeer, RegionStat, ClusterPeer, FlowInfo, ScanIndexReport, ProcedureOps, ProcedureInfo, ProcedureStateJson, RegionEventInfo } from './context.ts';
export { ProcessList, QueryCancelledError } from './process_list.ts';
export { checkTimeZone } from './expr/timezone.ts';
export type { IndexStatusRow } from './statements/index_status.ts';
export type { IndexAdviceRow } from './statements/index_advice.ts';
export { setIndex, unsetIndex } from './statements/indexes.ts';
export { SCAN_INDEX_METADATA } from './context.ts';
export { readIndexReport, withIndexReport, withoutReportOnly } from './plan/index_report.ts';
export { executeSql, executeStatement, executeTracked, runPartial } from './execute.ts';
export { PARTIAL_TOO_LARGE, type WireRel } from './plan/partial.ts';
export type { QueryOutput, OutputColumn } from './output/index.ts';
export { formatOutput, relToOutput, jsonValue, outputsJson, outputsJsonBytes, outputsJsonChunks, outputsCsv, outputsCsvBytes, relToArrow, ARROW_STREAM_TYPE, exactJson, JsonNumber, nsAsMs, floatJson, int64Text, words } from './output/index.ts';
export type { Rel, Field } from './plan/rel.ts';
export type { Vec, DType } from './vector.ts';
export { parseTimestampNs, formatTimestamp } from './expr/time.ts';
export { Hll, UddSketch } from './aggregate/sketch.ts';
export { evaluate } from './expr/index.ts';
export { fromValues } from './vector.ts';
