// Test helpers: compact s-expressions of expression ASTs and a position stripper for structural comparison.
import type { Expr } from '../../../core/sql/index.ts';
import { parseExpr } from '../../../core/sql/index.ts';

/** (op left right) rendering that makes precedence visible: `a + b * c` -> `(+ a (* b c))`. */
export function sx(e: Expr): string {
  switch (e.type) {
    case 'number': return e.value;
    case 'string': return `'${e.value}'`;
    case 'boolean': return String(e.value);
    case 'null': return 'null';
    case 'column': return e.path.map((i) => i.value).join('.');
    case 'wildcard': return '*';
    case 'unary': return `(${e.op} ${sx(e.expr)})`;
    case 'binary': return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'is': return `(is${e.negated ? '-not' : ''} ${sx(e.expr)} ${e.test})`;
    case 'between': return `(${e.negated ? 'not-' : ''}between ${sx(e.expr)} ${sx(e.low)} ${sx(e.high)})`;
    case 'in_list': return `(${e.negated ? 'not-' : ''}in ${sx(e.expr)} [${e.list.map(sx).join(' ')}])`;
    case 'like': return `(${e.negated ? 'not-' : ''}${e.caseInsensitive ? 'ilike' : 'like'} ${sx(e.expr)} ${sx(e.pattern)})`;
    case 'cast': return `(cast ${sx(e.expr)} ${e.dataType.name})`;
    case 'function': return `${e.name.map((i) => i.value).join('.')}(${e.distinct ? 'distinct ' : ''}${e.args.map(sx).join(' ')})`;
    case 'range': return `(range ${sx(e.expr)} ${sx(e.range)}${e.fill ? ' ' + e.fill : ''})`;
    case 'index': return `(index ${sx(e.expr)} ${sx(e.index)})`;
    default: return `<${e.type}>`;
  }
}

export function sxOf(text: string): string {
  return sx(parseExpr(text));
}

/** Deep copy without `pos`, `span` and `raw` so that ASTs from different texts compare equal. */
export function stripPos<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripPos) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos' && k !== 'span' && k !== 'raw') out[k] = stripPos(x);
    return out as T;
  }
  return v;
}
