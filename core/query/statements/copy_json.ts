// JSON text to values as JSON.parse reads it, except that an integer a double cannot hold exactly comes back as a
// bigint with all its digits (COPY FROM reads 64-bit ids and counters from JSON lines; JSON.parse would round them).

/** A JSON syntax error at a 1-based column of the text. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly column: number) {
    super(`${message} at column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [k: string]: ExactJson };

export function parseExactJson(text: string): ExactJson {
  let i = 0;
  const n = text.length;
  const fail = (why: string, at = i): never => { throw new JsonSyntaxError(why, at + 1); };
  const ws = (): void => { while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++; };
  const value = (): ExactJson => {
    ws();
    if (i >= n) fail('unexpected end of JSON');
    const ch = text[i]!;
    if (ch === '{') {
      i++;
      const o: { [k: string]: ExactJson } = {};
      ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const k = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        // an own property even for "__proto__", as JSON.parse makes it
        Object.defineProperty(o, k, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return o; }
        fail("expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      const a: ExactJson[] = [];
      ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return a; }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') return str();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return num();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    return fail(`unexpected character '${ch}'`);
  };
  const str = (): string => {
    // the string's extent by the grammar, its value by JSON.parse (escapes and surrogates as the standard reads them)
    const start = i++;
    while (i < n && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control character in a string');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= n) fail('unterminated string', start);
    i++;
    try { return JSON.parse(text.slice(start, i)) as string; } catch { return fail('bad escape in a string', start); }
  };
  const num = (): number | bigint => {
    const start = i;
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (text[i]! >= '1' && text[i]! <= '9') while (text[i]! >= '0' && text[i]! <= '9') i++;
    else fail('expected a digit');
    let integer = true;
    if (text[i] === '.') {
      integer = false;
      i++;
      if (!(text[i]! >= '0' && text[i]! <= '9')) fail('expected a digit after the decimal point');
      while (text[i]! >= '0' && text[i]! <= '9') i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      integer = false;
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!(text[i]! >= '0' && text[i]! <= '9')) fail('expected a digit in the exponent');
      while (text[i]! >= '0' && text[i]! <= '9') i++;
    }
    const t = text.slice(start, i);
    const x = Number(t);
    if (integer && t.length > 15) {
      const b = BigInt(t);
      if (BigInt(x) !== b) return b;
    }
    return x;
  };
  const v = value();
  ws();
  if (i < n) fail('unexpected text after the JSON value');
  return v;
}
