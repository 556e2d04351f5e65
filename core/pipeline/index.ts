// Public face of the logs pipelines (GreptimeDB's model): compile YAML once, run it over batches of records or lines.
export { compilePipeline, compileSource, identityPipeline, DEFAULT_TIME_INDEX, IDENTITY_PIPELINE } from './compile.ts';
export type { CompiledPipeline, PipelineResult, RunOptions } from './compile.ts';
export type { LineError, Col as PipelineColumn } from './context.ts';
export { TimeCol } from './context.ts';
export { loadPipelineYaml, type PipelineSource } from './yaml.ts';
export { parseDissect, runDissect, splitCsv } from './processors/index.ts';
export { compileFormat, parseWith, utcSeconds } from './strftime.ts';
export { parseInput, type ParsedInput } from './input.ts';
export { setNs, wordsOf } from './time_words.ts';
export { identityParams, identityWith, flattenRecord, type IdentityParams } from './identity_params.ts';
