// Public face of the smart index's pure part: the decision function and its configuration.
export { DEFAULT_SMART_CONFIG, emptyCandidate, observe, settle, tick } from './decide.ts';
export type { Action, CandidateState, Existing, Observation, SmartConfig, SmartKind } from './decide.ts';
