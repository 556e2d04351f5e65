// Test-side readers of the output formats that lose nothing: JSON numbers kept as their text, RFC 4180 CSV.

/** A JSON value where every number is its source text (so 64-bit integers can be compared exactly). */
export type ExactJson = string | { num: string } | boolean | null | ExactJson[] | { [k: string]: ExactJson };

/** JSON.parse, but numbers come back as { num: text }: quotes each number token outside strings first. */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64))!;
      out += `{"num":"${m[0]}"}`;
      i += m[0].length;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out);
}

/** The text of a { num } cell, or throws. */
export function numText(v: unknown): string {
  if (v === null || typeof v !== 'object' || !('num' in v)) throw new Error(`not a number: ${JSON.stringify(v)}`);
  return (v as { num: string }).num;
}

/** RFC 4180 records: quoted cells may hold commas, quotes ("") and newlines. A quoted empty cell is '' (not null). */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let cell: string | null;
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++;
          break;
        }
        s += text[i++];
      }
      cell = s;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      cell = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else { rows.push(row); row = []; i++; }
  }
  return rows;
}

/** A CSV or JSON float text back to the double (NaN, inf, -inf included). */
export function floatOf(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}
