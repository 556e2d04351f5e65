// The state a query runs in (environment, CTEs in scope, the nested-query seam) and EXPLAIN ANALYZE tracing.
import type { Query, TqlSource } from '../../sql/index.ts';
import type { Env } from '../expr/eval.ts';
import type { Rel } from './rel.ts';

/**
 * Records one operator for EXPLAIN ANALYZE (no-op unless tracing). `detail` is a function so that a query not traced
 * prints no expression: formatting the WHERE, GROUP BY and ORDER BY of every query was a few percent of its CPU.
 */
export function traceOp(env: Env, op: string, detail: () => string, rows: number, t0: number): void {
  if (env.trace) env.trace.push({ op, detail: detail(), rows, ms: performance.now() - t0 });
}

export const clock = (env: Env): number => (env.trace || env.stages ? performance.now() : 0);

/** Adds the time since t0 to a query stage for EXPLAIN ANALYZE or the caller's timing (no-op unless either asked). */
export function stageTime(env: Env, stage: string, t0: number): void {
  if (env.stages) env.stages[stage] = (env.stages[stage] ?? 0) + performance.now() - t0;
}

export interface QState {
  env: Env;
  ctes: Map<string, Rel>;
  /**
   * Runs a nested query (a subquery in FROM, a view's body) in this state. The SELECT pipeline is set here by
   * whoever makes the state (execute.ts), so FROM, views and information_schema call back into it without
   * importing it: the planner's modules form no import cycle.
   */
  run: (q: Query, st: QState) => Promise<Rel>;
  /** Runs a TQL EVAL (a CTE's body), set by execute.ts for the same reason. */
  tql?: (s: TqlSource) => Promise<Rel>;
}
