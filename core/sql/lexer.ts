// SQL lexer: turns text into tokens carrying offset, line and column; keywords are contextual words.
import { ParseError } from '../errors.ts';

/** param: a PostgreSQL parameter `$n` (value: its text), meaningful in PREPARE ... AS and bound before a statement runs. */
export type TokenKind = 'word' | 'qident' | 'number' | 'string' | 'op' | 'param' | 'eof';

export interface SourcePos {
  /** 0-based UTF-16 offset into the source text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface Token extends SourcePos {
  kind: TokenKind;
  /** The source text of the token, quotes included. */
  raw: string;
  /**
   * word: lowercased; qident: content without quotes (case kept);
   * string: unescaped content; number and op: the text.
   */
  value: string;
  /** word only: the uppercased text, for keyword matching. */
  upper: string;
  /** qident: the quote character; string: 'E' for E'..' strings. */
  quote?: string;
  /** Offset just past the token. */
  end: number;
}

/** Longest operators first so the scanner can match greedily. */
const OPERATORS = [
  '!~*', '::', '<=', '>=', '<>', '!=', '||', '!~', '~*', '<<', '>>', '=>', '==', '@@',
  '=', '<', '>', '+', '-', '*', '/', '%', '~', '(', ')', ',', ';', '.', '[', ']', '{', '}',
  '&', '|', '^', '#', '@', ':', '?', '!',
] as const;

function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127;
}
function isIdentPart(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) > 127;
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Human-readable name of a token for error messages. */
export function describeToken(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'string') return `string ${t.raw.length > 40 ? t.raw.slice(0, 37) + '...' : t.raw}`;
  return t.raw.length > 40 ? `'${t.raw.slice(0, 37)}...'` : t.raw;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;

  const here = (): SourcePos => ({ offset: i, line, column: i - lineStart + 1 });
  const fail = (msg: string, p: SourcePos): never => {
    throw new ParseError(msg, { line: p.line, column: p.column, offset: p.offset });
  };
  // Advance over text[i..to), keeping line bookkeeping right across newlines.
  const advanceTo = (to: number): void => {
    for (; i < to; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
  };
  const push = (kind: TokenKind, start: SourcePos, value: string, extra?: Partial<Token>): void => {
    const raw = text.slice(start.offset, i);
    tokens.push({ kind, raw, value, upper: kind === 'word' ? raw.toUpperCase() : '', end: i, ...start, ...extra });
  };

  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') {
      advanceTo(i + 1);
      continue;
    }
    const start = here();
    if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      advanceTo(nl < 0 ? n : nl);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) fail('Expected end of comment */, found end of input', start);
      advanceTo(close + 2);
      continue;
    }
    if ((c === 'E' || c === 'e') && text[i + 1] === "'") {
      i++;
      const value = scanString(true);
      push('string', start, value, { quote: 'E' });
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text[j]!)) j++;
      i = j;
      const raw = text.slice(start.offset, i);
      push('word', start, raw.toLowerCase());
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      let j = i;
      while (isDigit(text[j])) j++;
      if (text[j] === '.' && text[j + 1] !== '.') {
        j++;
        while (isDigit(text[j])) j++;
      }
      if ((text[j] === 'e' || text[j] === 'E') && (isDigit(text[j + 1]) || ((text[j + 1] === '+' || text[j + 1] === '-') && isDigit(text[j + 2])))) {
        j += 2;
        while (isDigit(text[j])) j++;
      }
      i = j;
      push('number', start, text.slice(start.offset, i));
      continue;
    }
    if (c === '$' && isDigit(text[i + 1])) {
      let j = i + 1;
      while (isDigit(text[j])) j++;
      if (j >= n || !isIdentPart(text[j]!)) {
        i = j;
        push('param', start, text.slice(start.offset, i));
        continue;
      }
    }
    if (c === "'") {
      const value = scanString(false);
      push('string', start, value);
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= n) fail(`Expected closing ${c} of quoted identifier, found end of input`, start);
        const d = text[j]!;
        if (d === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += d;
        j++;
      }
      advanceTo(j + 1);
      push('qident', start, value, { quote: c });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      i += op.length;
      push('op', start, op);
      continue;
    }
    fail(`Expected a token, found unexpected character ${JSON.stringify(c)}`, start);
  }
  tokens.push({ kind: 'eof', raw: '', value: '', upper: '', offset: i, end: i, line, column: i - lineStart + 1 });
  return tokens;

  // Scans a '...' literal starting at the quote at text[i]; '' is an escaped quote, and with
  // backslash escapes enabled (E'..') \n, \t, \\ and \' are understood too.
  function scanString(backslash: boolean): string {
    const start = here();
    let j = i + 1;
    let value = '';
    for (;;) {
      if (j >= n) fail("Expected closing ' of string literal, found end of input", start);
      const d = text[j]!;
      if (d === "'") {
        if (text[j + 1] === "'") {
          value += "'";
          j += 2;
          continue;
        }
        break;
      }
      if (backslash && d === '\\' && j + 1 < n) {
        const e = text[j + 1]!;
        value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
        j += 2;
        continue;
      }
      value += d;
      j++;
    }
    advanceTo(j + 1);
    return value;
  }
}
