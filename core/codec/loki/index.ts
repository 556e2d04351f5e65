// Public face of the Loki push codec.
export { decodeLokiProtobuf, decodeLokiJson, parseLabels, lokiPipeline, LOKI_TIME, LOKI_LINE, LOKI_METADATA, type LokiBatch } from './push.ts';
