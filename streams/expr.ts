// Flow compiler helpers: positioned errors, SQL text of an expression, and the duration / timestamp literals of
// windows. Expressions themselves are evaluated by core's evaluator (streams/core_eval.ts).
import { InvalidArgumentError, exprToSql, parseTimestampNs } from '../core/index.ts';
import { isDurationSyntax, scanInterval } from '../core/duration.ts';
import type { Expr, SourcePos } from '../core/index.ts';

export function unsupported(what: string, pos: SourcePos | undefined): InvalidArgumentError {
  return new InvalidArgumentError(`${what} is not supported in a flow`, pos ? { line: pos.line, column: pos.column } : undefined);
}

export function positioned(msg: string, pos: SourcePos | undefined): InvalidArgumentError {
  return new InvalidArgumentError(msg, pos ? { line: pos.line, column: pos.column } : undefined);
}

export function sqlText(e: Expr): string {
  return exprToSql(e);
}

/** An interval or duration literal ('5m', INTERVAL '1 minute', '1h30m') in ns; calendar months are rejected. */
export function durationNs(e: Expr, what: string): bigint {
  let text: string | undefined;
  let unit: string | undefined;
  // '10s'::INTERVAL and CAST('10s' AS INTERVAL) read like INTERVAL '10s'.
  if (e.type === 'cast' && /^INTERVAL/i.test(e.dataType.raw) && e.expr.type === 'string') e = e.expr;
  if (e.type === 'typed_string' && /^INTERVAL/i.test(e.dataType.raw)) e = { type: 'string', value: e.value, pos: e.pos };
  if (e.type === 'interval' && (e.value.type === 'string' || e.value.type === 'number')) {
    text = e.value.value;
    unit = e.unit?.toLowerCase();
  } else if (e.type === 'string') text = e.value;
  else if (e.type === 'number') text = e.value + 's';
  const iv = text === undefined ? undefined : scanInterval(text, unit ?? 'second');
  if (!iv) throw positioned(`${what}: expected a duration such as '1 minute' or INTERVAL '5m'`, e.pos);
  if (isDurationSyntax(iv)) throw positioned(`${what}: '${text}' is not a duration: ${iv.error} at position ${iv.offset + 1}`, e.pos);
  if (iv.months !== 0) throw positioned(`${what}: month-based intervals are not supported in a flow window`, e.pos);
  return BigInt(iv.days) * 86_400_000_000_000n + iv.nanos;
}

/** A timestamp literal ('2021-07-01 00:00:00', TIMESTAMP '...', or an integer of ns) in ns. */
export function timestampNs(e: Expr, what: string): bigint {
  // '2021-07-01 00:00:00'::Timestamp / CAST(... AS TimestampNanosecond): the literal is the instant either way.
  if (e.type === 'cast' && /^TIMESTAMP/i.test(e.dataType.raw) && (e.expr.type === 'string' || e.expr.type === 'number')) e = e.expr;
  if (e.type === 'string' || e.type === 'typed_string') {
    const v = parseTimestampNs(e.value);
    if (v !== null) return v;
  }
  if (e.type === 'number' && /^-?\d+$/.test(e.value)) return BigInt(e.value);
  throw positioned(`${what}: expected a timestamp literal such as '2024-01-01 00:00:00'`, e.pos);
}
