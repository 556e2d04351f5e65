// The expression evaluator's public face: evaluate an expression over a relation, casts, comparisons and
// the scalar function registry. SELECT, INSERT, SHOW and (through streams/) flows evaluate here.
export { evalExpr, evaluate } from './eval.ts';
export type { Env, Evaluate, Scope, TraceEntry } from './scope.ts';
export { evalBinary } from './binary.ts';
export { castTo, castVec, coerceTo, commonType, displayValue, formatNumber, mapTs, sqlTypeToDt } from './cast.ts';
export { compare } from './compare.ts';
export { refusedCast } from './cast_matrix.ts';
export { constVec, numberLiteral } from './const.ts';
export { notVec, toBool } from './logic.ts';
export { valueKey } from './predicates.ts';
export { callScalar, hasScalar, registerScalar, AGGREGATES, WINDOW_ONLY, isAggregateName, arrowTypeName } from './functions.ts';
export type { Fn as ScalarFn } from './functions.ts';
export { ExecError } from '../../errors.ts';
export { addInterval, datePart, floorDiv, formatInterval, formatTimestamp, intervalNs, nsToUnit, parseInterval, parseTimestampNs, parseTimestampOrThrow, truncTo } from './time.ts';
export { exprName, relNamer } from './names.ts';
export type { ColumnNamer } from './names.ts';
