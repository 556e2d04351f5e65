// The PromQL tokenizer: turns a query into tokens with offsets, so every parse error can name its position.
import { PromQLParseError } from '../../errors.ts';

export type TokKind = 'num' | 'dur' | 'str' | 'ident' | 'op' | 'eof';
export interface Token { kind: TokKind; text: string; pos: number; num?: number; ms?: number }

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const OPS3 = ['=~', '!~', '==', '!=', '<=', '>='];
const OPS1 = '+-*/%^<>=(){}[],:@';

/** 1-based line and column of an offset in the text. */
export function positionOf(text: string, offset: number): { line: number; column: number; offset: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') { line++; col = 1; } else col++;
  }
  return { line, column: col, offset };
}

export function parseFail(text: string, offset: number, msg: string): never {
  throw new PromQLParseError(msg, positionOf(text, offset));
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':';
const isIdent = (c: string): boolean => isIdentStart(c) || isDigit(c);

/** Parses a duration such as `1h30m` or `500ms`; returns undefined when the text is not one. */
export function parseDuration(s: string): number | undefined {
  const re = /(\d+)(ms|s|m|h|d|w|y)/y;
  let i = 0;
  let total = 0;
  let lastRank = -1;
  const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  if (s.length === 0) return undefined;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    const rank = order.indexOf(m[2]!);
    if (rank <= lastRank) return undefined; // units must go from largest to smallest, each once
    lastRank = rank;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    i = re.lastIndex;
  }
  return total;
}

function readString(text: string, start: number): { value: string; end: number } {
  const q = text[start]!;
  let i = start + 1;
  let out = '';
  if (q === '`') {
    const end = text.indexOf('`', i);
    if (end < 0) parseFail(text, start, 'unterminated raw string');
    return { value: text.slice(i, end), end: end + 1 };
  }
  while (i < text.length) {
    const c = text[i]!;
    if (c === q) return { value: out, end: i + 1 };
    if (c === '\n') break;
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) break;
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };
      if (simple[e] !== undefined) { out += simple[e]; i += 2; continue; }
      let hex = '';
      let n = 0;
      if (e === 'x') { hex = text.slice(i + 2, i + 4); n = 4; } else if (e === 'u') { hex = text.slice(i + 2, i + 6); n = 6; } else if (e === 'U') { hex = text.slice(i + 2, i + 10); n = 10; } else if (e >= '0' && e <= '7') {
        const oct = text.slice(i + 1, i + 4);
        if (!/^[0-7]{3}$/.test(oct)) parseFail(text, i, 'invalid octal escape in string');
        out += String.fromCharCode(parseInt(oct, 8));
        i += 4;
        continue;
      } else parseFail(text, i, `unknown escape sequence '\\${e}'`);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n - 2) parseFail(text, i, 'invalid hex escape in string');
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) parseFail(text, i, 'invalid Unicode code point in string');
      out += String.fromCodePoint(cp);
      i += n;
      continue;
    }
    out += c;
    i++;
  }
  return parseFail(text, start, 'unterminated quoted string');
}

export function tokenize(text: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  let brackets = 0; // inside [...] a colon separates a subquery's range and step
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      const s = readString(text, i);
      toks.push({ kind: 'str', text: s.value, pos: start });
      i = s.end;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      // A number, or a duration when digits run straight into a unit.
      const dm = /(?:\d+(?:ms|s|m|h|d|w|y))+(?![a-zA-Z0-9_])/y;
      dm.lastIndex = i;
      const d = dm.exec(text);
      if (d) {
        const ms = parseDuration(d[0]);
        if (ms === undefined) parseFail(text, i, `bad duration '${d[0]}'`);
        toks.push({ kind: 'dur', text: d[0], pos: start, ms });
        i = dm.lastIndex;
        continue;
      }
      const nm = /0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
      nm.lastIndex = i;
      const m = nm.exec(text)!;
      i = nm.lastIndex;
      if (i < text.length && isIdent(text[i]!) && !(text[i] === ':' && brackets > 0)) parseFail(text, start, `bad number or duration syntax: '${text.slice(start, i + 1)}'`);
      const num = /^0[0-7]+$/.test(m[0]) ? parseInt(m[0], 8) : Number(m[0]);
      toks.push({ kind: 'num', text: m[0], pos: start, num });
      continue;
    }
    if (isIdentStart(c) && !(c === ':' && brackets > 0)) {
      while (i < text.length && isIdent(text[i]!)) i++;
      const word = text.slice(start, i);
      const low = word.toLowerCase();
      if (low === 'inf' || low === 'nan') toks.push({ kind: 'num', text: word, pos: start, num: low === 'inf' ? Infinity : NaN });
      else toks.push({ kind: 'ident', text: word, pos: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (OPS3.includes(two)) { toks.push({ kind: 'op', text: two, pos: start }); i += 2; continue; }
    if (c === '[') brackets++;
    if (c === ']') brackets = Math.max(0, brackets - 1);
    if (OPS1.includes(c)) { toks.push({ kind: 'op', text: c, pos: start }); i++; continue; }
    parseFail(text, i, `unexpected character '${c}'`);
  }
  toks.push({ kind: 'eof', text: '', pos: text.length });
  return toks;
}
