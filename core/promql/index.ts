// The PromQL engine's public face: parse, evaluate at an instant or over a range, an in-memory source for tests.
export type { EvalOptions, LabelMatcher, Labels, PromValue, SeriesSamples, SeriesSource } from './types.ts';
export type { PromExpr, ValueType } from './parser/ast.ts';
export { parsePromQL, typeOf } from './parser/parser.ts';
export { formatDuration, printPromQL } from './parser/printer.ts';
export { astToJson } from './ast_json.ts';
export { formatGoFloat, goFloatInto } from './go_float.ts';
export { parseDuration, positionOf } from './parser/lexer.ts';
export { evalInstant, evalRange } from './engine/evaluator.ts';
export { Annotations } from './engine/annotations.ts';
export { MemorySeriesSource } from './memory_source.ts';
export { matchesAll, compileRegex } from './matchers.ts';
export { isStaleNaN, staleNaN } from './engine/values.ts';
export { PromQLExecError, PromQLParseError } from '../errors.ts';
