// What an expression is evaluated against: the relation, the query's environment and precomputed columns.
import type { Expr } from '../../sql/index.ts';
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import type { ColumnNamer } from './names.ts';

export interface Env {
  qctx: QueryContext;
  nowNs: bigint;
  /** Results of uncorrelated subqueries, computed before evaluation. */
  subqueries: Map<Expr, unknown>;
  /** Set by EXPLAIN ANALYZE: each operator appends what it did, the rows it produced and its time. */
  trace?: TraceEntry[];
  /** Set by EXPLAIN ANALYZE with the trace, or from the context's `timing.stages`: milliseconds per query stage (see plan/state.ts stageTime). */
  stages?: Record<string, number>;
}

import type { ScratchPool } from '../../scratch.ts';

export interface TraceEntry { op: string; detail: string; rows: number; ms?: number; depth?: number }

export interface Scope {
  rel: Rel;
  env: Env;
  /** Expressions already computed as columns of rel (group keys, aggregates, windows), by name. */
  exprMap?: Map<string, number>;
  namer: ColumnNamer;
  /**
   * Memory for large temporaries (a kernel's output included) when every vector evaluated in this scope dies before
   * the code that set it returns, except what it copies out (plan/group.ts's group keys); absent: fresh arrays.
   */
  scratch?: ScratchPool;
}

/** Evaluates a sub-expression: passed to node kernels so they need not import the dispatcher. */
export type Evaluate = (e: Expr, s: Scope) => import('../vector.ts').Vec;
