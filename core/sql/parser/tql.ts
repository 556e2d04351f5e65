// TQL statements (PromQL inside SQL), also the source of CREATE FLOW ... AS TQL EVAL (...).
import type { SourcePos, Statement, TqlSource } from '../ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr } from './expr.ts';

type Base = { span: { start: number; end: number; text: string }; pos: SourcePos };

/** TQL EVAL|EXPLAIN|ANALYZE [(start, end, step [, lookback])] <promql>: the PromQL is kept as source text. */
export function parseTql(p: Cursor, base: Base): Statement {
  return { ...parseTqlSource(p), ...base };
}

/** `nested`: the TQL sits inside parentheses (a CTE's body) and its PromQL ends at the closing one. */
export function parseTqlSource(p: Cursor, nested = false): TqlSource {
  const pos = p.pos();
  p.expectKw('TQL');
  const k = p.peek();
  const kind = k.kind === 'word' ? (['EVAL', 'EVALUATE', 'EXPLAIN', 'ANALYZE'] as const).find((x) => x === k.upper) : undefined;
  if (!kind) throw p.error('EVAL, EXPLAIN or ANALYZE after TQL');
  p.next();
  if (kind === 'EXPLAIN' || kind === 'ANALYZE') p.eatKw('VERBOSE');
  const params = p.isOp('(') ? p.parenList(() => parseExpr(p)) : [];
  // GreptimeDB also takes a comma between the parameters and the query: TQL EVAL (0, 30, '10s'), up
  if (params.length && p.isOp(',')) p.next();
  const start = p.peek().offset;
  for (let depth = 0; !p.atEnd(); p.next()) {
    if (nested && p.isOp('(')) depth++;
    else if (nested && p.isOp(')') && depth-- === 0) break;
  }
  const promql = p.text.slice(start, p.prev().end > start ? p.prev().end : start).trim();
  return { type: 'tql', kind: kind === 'EVALUATE' ? 'EVAL' : kind, params, promql, pos };
}
