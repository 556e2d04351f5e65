// The one door from the Prometheus HTTP API and TQL statements to the PromQL engine (index.ts): they import only these.
export { parsePromQL, printPromQL, astToJson, evalInstant, evalRange, PromQLParseError, compileRegex, positionOf, Annotations } from './index.ts';
export type { PromExpr } from './index.ts';
