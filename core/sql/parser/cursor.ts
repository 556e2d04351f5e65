// Token cursor shared by the parser modules: lookahead, keyword matching and positioned errors.
import { ParseError } from '../../errors.ts';
import { describeToken, type SourcePos, type Token } from '../lexer.ts';
import type { FunctionCall, Ident, Query } from '../ast.ts';
import { tryParseInterval } from '../../duration.ts';

/**
 * Words that never start a column reference and never serve as an implicit alias (`SELECT a b`).
 * Everything else (including non-reserved keywords such as `ts`, `value`, `time`) is an identifier
 * wherever an identifier is expected, as in GreptimeDB's sqlparser dialect.
 */
export const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT',
  'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'OUTER', 'ON', 'USING', 'AND', 'OR', 'NOT',
  'WHEN', 'THEN', 'ELSE', 'END', 'AS', 'BY', 'ALIGN', 'RANGE', 'FILL', 'WITH', 'INTO', 'VALUES', 'SET',
  'IS', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'CASE', 'DISTINCT', 'ALL', 'WINDOW', 'FETCH', 'QUALIFY', 'LATERAL',
  'TO', 'OVER', 'FILTER', 'EXPLAIN', 'ANALYZE', 'CREATE', 'DROP', 'ALTER', 'INSERT', 'DELETE', 'ESCAPE',
]);

/** Words that cannot be used as an implicit table alias (`FROM t x`), on top of RESERVED. */
const TABLE_ALIAS_STOP = new Set(['SEMI', 'ANTI', 'PARTITION', 'SINK', 'EXPIRE', 'COMMENT', 'EVAL']);

/** Deeper nesting than this is refused with a ParseError instead of overflowing the stack. */
export const MAX_DEPTH = 256;

/**
 * The parsers an expression reaches back into: a subquery is a query, and a call's tail parses expressions.
 * They travel on the cursor (parser.ts hands the same table to every cursor) so that parser/expr.ts imports neither
 * select.ts nor call.ts: the mutual recursion stays, the module import cycle does not.
 */
export interface SubParsers {
  query(p: Cursor): Query;
  call(p: Cursor, name: Ident[], pos: SourcePos): FunctionCall;
}

export class Cursor {
  i = 0;
  depth = 0;
  /**
   * Inside CREATE TASK (the InfluxQL-style dialect) `5m`, `1h30m`, `500ms` are duration literals. Elsewhere GreptimeDB's
   * sqlparser reads `5m` as the number 5 aliased `m` (and `now() - 5m` as an error), so the flag is off by default.
   */
  bareDurations = false;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
    readonly sub: SubParsers,
  ) {}

  peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  /** The last consumed token. */
  prev(): Token {
    return this.tokens[Math.max(0, this.i - 1)]!;
  }
  atEnd(): boolean {
    const t = this.peek();
    return t.kind === 'eof' || (t.kind === 'op' && t.value === ';');
  }

  isKw(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'word' && t.upper === word;
  }
  /** True when the next tokens are exactly these keywords. */
  isKws(...words: string[]): boolean {
    return words.every((w, k) => this.isKw(w, k));
  }
  eatKw(...words: string[]): boolean {
    if (!this.isKws(...words)) return false;
    this.i += words.length;
    return true;
  }
  expectKw(...words: string[]): Token {
    const t = this.peek();
    for (const w of words) {
      if (!this.isKw(w)) throw this.error(words.join(' '));
      this.next();
    }
    return t;
  }
  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.value === op;
  }
  eatOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }
  expectOp(op: string): Token {
    if (!this.isOp(op)) throw this.error(op);
    return this.next();
  }

  /** Runs `f` one nesting level deeper, refusing absurd nesting with a positioned ParseError. */
  nested<T>(f: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      this.depth = 0;
      throw this.errorAt(`Expected at most ${MAX_DEPTH} levels of nesting, found more`, this.pos());
    }
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /**
   * A bare duration at the cursor (`5m`: a number token and a unit word with nothing between them), when bare durations
   * are on; its text, consuming both tokens. Unit words the duration parser does not know leave the tokens alone.
   */
  bareDuration(): { text: string; pos: SourcePos } | null {
    if (!this.bareDurations) return null;
    const t = this.peek(), u = this.peek(1);
    if (t.kind !== 'number' || u.kind !== 'word' || u.offset !== t.end || !/^\d+(\.\d+)?$/.test(t.value)) return null;
    const text = this.text.slice(t.offset, u.end);
    if (!/^(\d+(\.\d+)?[a-z]+)+$/i.test(text) || !tryParseInterval(text)) return null;
    this.i += 2;
    return { text, pos: this.pos(t) };
  }

  /** A ParseError "Expected <expected>, found <token>" at the token. */
  error(expected: string, t: Token = this.peek()): ParseError {
    return new ParseError(`Expected ${expected}, found ${describeToken(t)}`, { line: t.line, column: t.column, offset: t.offset });
  }
  errorAt(message: string, p: SourcePos): ParseError {
    return new ParseError(message, { line: p.line, column: p.column, offset: p.offset });
  }

  pos(t: Token = this.peek()): SourcePos {
    return { offset: t.offset, line: t.line, column: t.column };
  }

  /** Is the next token usable as an identifier (quoted, or a non-reserved word)? */
  isIdent(k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'qident' || (t.kind === 'word' && !RESERVED.has(t.upper));
  }
  /** An identifier; `allowReserved` accepts any word (after a dot, or where the grammar is unambiguous). */
  ident(what = 'an identifier', allowReserved = false): Ident {
    const t = this.peek();
    if (t.kind === 'qident') {
      this.next();
      return { value: t.value, quote: t.quote as '"' | '`', pos: this.pos(t) };
    }
    if (t.kind === 'word' && (allowReserved || !RESERVED.has(t.upper))) {
      this.next();
      return { value: t.value, pos: this.pos(t) };
    }
    throw this.error(what);
  }
  /** a, a.b, a.b.c */
  objectName(what = 'a name'): Ident[] {
    const parts = [this.ident(what)];
    while (this.isOp('.')) {
      this.next();
      parts.push(this.ident(what, true));
    }
    return parts;
  }
  /** An implicit alias is allowed if the word is not reserved and not a table-level keyword. */
  isTableAliasCandidate(): boolean {
    const t = this.peek();
    if (t.kind === 'qident') return true;
    return t.kind === 'word' && !RESERVED.has(t.upper) && !TABLE_ALIAS_STOP.has(t.upper);
  }

  /** A comma-separated list, at least one element. */
  commaList<T>(item: () => T): T[] {
    const out = [item()];
    while (this.eatOp(',')) out.push(item());
    return out;
  }
  /** ( item, ... ) with an optional trailing comma; empty allowed when `allowEmpty`. */
  parenList<T>(item: () => T, allowEmpty = false): T[] {
    this.expectOp('(');
    const out: T[] = [];
    if (this.isOp(')') && allowEmpty) {
      this.next();
      return out;
    }
    for (;;) {
      out.push(item());
      if (this.eatOp(',')) {
        if (this.isOp(')')) break;
        continue;
      }
      break;
    }
    this.expectOp(')');
    return out;
  }
  /** A string literal's value. */
  string(what = 'a string literal'): string {
    const t = this.peek();
    if (t.kind !== 'string') throw this.error(what);
    this.next();
    return t.value;
  }
}
