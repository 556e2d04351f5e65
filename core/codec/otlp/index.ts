// Public face of the OTLP logs codec.
export { decodeOtlpLogsProtobuf, decodeOtlpLogsJson, otlpLogsColumns, otlpLogsPipeline, anyValue, OTLP_COLUMNS, type OtlpLogsBatch } from './logs.ts';
export { otlpJsonRequest } from './json.ts';
export { parseExtractKeys, KeyExtractor, EXTRACT_KEYS_HEADER, type ExtractedColumn, type ExtractType } from './extract_keys.ts';
