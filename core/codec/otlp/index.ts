// Public face of the OTLP logs codec.
export { decodeOtlpLogsProtobuf, decodeOtlpLogsJson, otlpLogsColumns, otlpLogsPipeline, anyValue, OTLP_COLUMNS, type OtlpLogsBatch } from './logs.ts';
export { otlpJsonRequest } from './json.ts';
