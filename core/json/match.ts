// json_path_match: a JSONPath predicate (`$.a == 1`, `$.tags[*] == "x" && $.n > 2`) over a stored JSON value.
import { decodeJsonb } from './jsonb.ts';
import { JsonPathError, jsonbSelect, parsePath, type PathStep } from './path.ts';

type Cmp = { path: PathStep[]; op: '==' | '!=' | '<' | '<=' | '>' | '>='; value: unknown };
type Pred = Cmp | { and: Pred[] } | { or: Pred[] } | { not: Pred };

const cache = new Map<string, Pred>();

/** Compiles a predicate once per text (cached); throws JsonPathError naming the offset of a fault. */
export function compileMatch(text: string): Pred {
  const hit = cache.get(text);
  if (hit) return hit;
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  const orExpr = (): Pred => {
    const parts = [andExpr()];
    for (ws(); text.startsWith('||', i); ws()) { i += 2; parts.push(andExpr()); }
    return parts.length === 1 ? parts[0]! : { or: parts };
  };
  const andExpr = (): Pred => {
    const parts = [unary()];
    for (ws(); text.startsWith('&&', i); ws()) { i += 2; parts.push(unary()); }
    return parts.length === 1 ? parts[0]! : { and: parts };
  };
  const unary = (): Pred => {
    ws();
    if (text[i] === '!' && text[i + 1] !== '=') { i++; return { not: unary() }; }
    if (text[i] === '(') {
      i++;
      const p = orExpr();
      ws();
      if (text[i] !== ')') throw new JsonPathError("expected ')'", i);
      i++;
      return p;
    }
    return cmp();
  };
  const cmp = (): Pred => {
    ws();
    if (text[i] !== '$') throw new JsonPathError("expected a path starting with '$'", i);
    const s = i;
    while (i < text.length && !/[\s=!<>&|)]/.test(text[i]!)) {
      if (text[i] === '[') { const e = text.indexOf(']', i); if (e < 0) throw new JsonPathError("unterminated '['", i); i = e + 1; } else i++;
    }
    const path = parsePath(text.slice(s, i));
    ws();
    const m = /^(==|!=|<=|>=|<|>)/.exec(text.slice(i));
    if (!m) throw new JsonPathError('expected a comparison (== != < <= > >=)', i);
    i += m[0].length;
    ws();
    const lit = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!lit) throw new JsonPathError('expected a literal (number, string, true, false, null)', i);
    i += lit[0].length;
    const t = lit[0];
    const value = t.startsWith("'") ? t.slice(1, -1) : JSON.parse(t);
    return { path, op: m[0] as Cmp['op'], value };
  };
  const p = orExpr();
  ws();
  if (i < text.length) throw new JsonPathError(`unexpected '${text[i]}'`, i);
  if (cache.size > 1000) cache.clear();
  cache.set(text, p);
  return p;
}

function holds(s: string, p: Pred): boolean {
  if ('and' in p) return p.and.every((x) => holds(s, x));
  if ('or' in p) return p.or.some((x) => holds(s, x));
  if ('not' in p) return !holds(s, p.not);
  // As in JSONPath: true when any selected value satisfies the comparison.
  for (const pos of jsonbSelect(s, p.path)) {
    const v = decodeJsonb(s, pos);
    if (compare(v, p.op, p.value)) return true;
  }
  return false;
}

function compare(a: unknown, op: Cmp['op'], b: unknown): boolean {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b && typeof a === typeof b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const x = a as number | string, y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

export function jsonPathMatch(s: string, predicate: string): boolean {
  return holds(s, compileMatch(predicate));
}
