// Series selectors (`name{label="v", other=~"re"}`) parsed into label matchers: the `match[]` parameter of the
// labels/series APIs, independent of the PromQL engine. Positions in messages are 1-based columns.
import { InvalidArgumentError } from '../errors.ts';
import type { LabelMatcher } from './types.ts';

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OP = /=~|!~|!=|=/y;
const WS = /\s*/y;

/** Parses one selector starting at `pos`; returns the matchers and where it ended. */
export function parseSelectorAt(text: string, pos = 0): { matchers: LabelMatcher[]; end: number } {
  const bad = (at: number, why: string): never => {
    throw new InvalidArgumentError(`1:${at + 1}: parse error: ${why}`);
  };
  const skip = () => {
    WS.lastIndex = pos;
    WS.exec(text);
    pos = WS.lastIndex;
  };
  const matchers: LabelMatcher[] = [];
  skip();
  NAME.lastIndex = pos;
  const nm = NAME.exec(text);
  if (nm) {
    matchers.push({ name: '__name__', op: '=', value: nm[0] });
    pos = NAME.lastIndex;
    skip();
  }
  if (text[pos] === '{') {
    pos++;
    skip();
    while (text[pos] !== '}') {
      if (pos >= text.length) bad(pos, 'unexpected end of input inside braces');
      LABEL.lastIndex = pos;
      const lm = LABEL.exec(text);
      if (!lm) bad(pos, `unexpected character '${text[pos]}' in label matching, expected label`);
      pos = LABEL.lastIndex;
      skip();
      OP.lastIndex = pos;
      const om = OP.exec(text);
      if (!om) bad(pos, `unexpected character '${text[pos] ?? ''}' in label matching, expected =, !=, =~ or !~`);
      pos = OP.lastIndex;
      skip();
      const q = text[pos];
      if (q !== '"' && q !== "'" && q !== '`') bad(pos, 'expected a quoted label value');
      const start = pos++;
      let value = '';
      while (text[pos] !== q) {
        if (pos >= text.length) bad(start, 'unterminated quoted string');
        if (text[pos] === '\\' && q !== '`') {
          const c = text[pos + 1];
          value += c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === undefined ? '' : c === '"' || c === "'" || c === '\\' ? c : '\\' + c;
          pos += 2;
        } else value += text[pos++];
      }
      pos++;
      matchers.push({ name: lm![0], op: om![0] as LabelMatcher['op'], value });
      skip();
      if (text[pos] === ',') {
        pos++;
        skip();
      } else if (text[pos] !== '}') bad(pos, `unexpected character '${text[pos] ?? ''}' in label matching, expected ',' or '}'`);
    }
    pos++;
  }
  if (matchers.length === 0) bad(pos, 'expected a metric name or label matchers');
  return { matchers, end: pos };
}

/** A whole `match[]` value: exactly one selector. */
export function parseSelector(text: string): LabelMatcher[] {
  const { matchers, end } = parseSelectorAt(text);
  if (text.slice(end).trim() !== '') throw new InvalidArgumentError(`1:${end + 1}: parse error: unexpected '${text.slice(end).trim()}' after the selector`);
  return matchers;
}
