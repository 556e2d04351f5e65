// The PromQL syntax tree: what the parser builds, the printer prints and the evaluator walks.
import type { LabelMatcher } from '../types.ts';

export type ValueType = 'scalar' | 'string' | 'vector' | 'matrix';

/** `@` modifier: a fixed time (ms) or the query's start()/end(). */
export type AtModifier = { kind: 'time'; ms: number } | { kind: 'start' } | { kind: 'end' };

export interface NumberLiteral { kind: 'number'; value: number; pos: number }
export interface StringLiteral { kind: 'string'; value: string; pos: number }
export interface VectorSelector {
  kind: 'vector';
  name?: string;
  matchers: LabelMatcher[];
  offsetMs: number;
  at?: AtModifier;
  pos: number;
}
export interface MatrixSelector { kind: 'matrix'; vector: VectorSelector; rangeMs: number; pos: number }
export interface SubqueryExpr {
  kind: 'subquery';
  expr: PromExpr;
  rangeMs: number;
  /** 0 means the default evaluation interval. */
  stepMs: number;
  offsetMs: number;
  at?: AtModifier;
  pos: number;
}
export interface Call { kind: 'call'; func: string; args: PromExpr[]; pos: number }
export type AggregateOp =
  | 'sum' | 'avg' | 'min' | 'max' | 'count' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values'
  | 'limitk' | 'limit_ratio';
export interface AggregateExpr {
  kind: 'aggregate';
  op: AggregateOp;
  expr: PromExpr;
  param?: PromExpr;
  grouping: string[];
  without: boolean;
  pos: number;
}
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '^' | 'atan2'
  | '==' | '!=' | '<' | '>' | '<=' | '>='
  | 'and' | 'or' | 'unless';
export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** True for `on(...)`, false for `ignoring(...)` (or no clause: ignoring nothing). */
  on: boolean;
  labels: string[];
  /** Extra labels named in group_left(...)/group_right(...). */
  include: string[];
}
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  lhs: PromExpr;
  rhs: PromExpr;
  bool: boolean;
  matching?: VectorMatching;
  pos: number;
}
export interface UnaryExpr { kind: 'unary'; op: '-' | '+'; expr: PromExpr; pos: number }
export interface ParenExpr { kind: 'paren'; expr: PromExpr; pos: number }

export type PromExpr =
  | NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | SubqueryExpr | Call | AggregateExpr | BinaryExpr
  | UnaryExpr | ParenExpr;

export const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>=']);
export const SET_OPS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);
