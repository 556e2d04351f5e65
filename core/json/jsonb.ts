// The JSON column's stored form: a tagged, length-prefixed binary layout carried in a string (one char per unit), read without re-parsing.
//
// Layout (every structural unit is a char code below 0x80, so it is one byte in the segment's UTF-8 column):
//   value   := NULL | FALSE | TRUE | NUMBER len text | STRING len chars | ARRAY count len value* | OBJECT count len (keylen key value)*
//   tags    :  0x01   0x02    0x03   0x04               0x05               0x06                      0x07
//   len/count: unsigned varint, 6 bits a unit, low group first, 0x40 set on every unit but the last.
// `len` of a container is the length (in units) of its body, so a reader skips any value in O(1) and finds a key or an
// index by hopping over its siblings; only the value asked for is decoded (a number's text by Number(), a string sliced).
// Strings and keys are stored as their own chars (no quoting, no escapes). A stored value always starts with a tag < 0x08,
// so it cannot be mistaken for JSON text.
export const JT = { null: 1, false: 2, true: 3, number: 4, string: 5, array: 6, object: 7 } as const;

function varint(n: number): string {
  let s = '';
  while (n >= 0x40) {
    s += String.fromCharCode((n & 0x3f) | 0x40);
    n = Math.floor(n / 64);
  }
  return s + String.fromCharCode(n);
}

/** Encodes a JS value (from JSON.parse or a pipeline) into the stored form; undefined and functions become null. */
export function encodeJsonb(v: unknown): string {
  if (v === null || v === undefined) return '\x01';
  switch (typeof v) {
    case 'boolean': return v ? '\x03' : '\x02';
    case 'number': {
      if (!Number.isFinite(v)) return '\x01';
      const t = String(v);
      return '\x04' + varint(t.length) + t;
    }
    case 'bigint': { const t = v.toString(); return '\x04' + varint(t.length) + t; }
    case 'string': return '\x05' + varint(v.length) + v;
    case 'object': {
      if (Array.isArray(v)) {
        let body = '';
        for (const x of v) body += encodeJsonb(x);
        return '\x06' + varint(v.length) + varint(body.length) + body;
      }
      if (v instanceof Date) return encodeJsonb(v.toISOString());
      let body = '';
      let count = 0;
      for (const k in v as Record<string, unknown>) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined) continue;
        body += varint(k.length) + k + encodeJsonb(x);
        count++;
      }
      return '\x07' + varint(count) + varint(body.length) + body;
    }
    default: return '\x01';
  }
}

/** Parses JSON text into the stored form; throws SyntaxError on bad text. */
export function jsonbFromText(text: string): string {
  return encodeJsonb(JSON.parse(text));
}

/** True when a string is a stored JSON value (its first unit is a tag). */
export function isJsonb(s: string): boolean {
  const c = s.charCodeAt(0);
  return c >= 1 && c <= 7;
}

// A cursor: reads a varint at pos, leaving the position after it in `at`.
let at = 0;
function readVarint(s: string, pos: number): number {
  let n = 0;
  let mul = 1;
  for (;;) {
    const c = s.charCodeAt(pos++);
    n += (c & 0x3f) * mul;
    if ((c & 0x40) === 0) break;
    mul *= 64;
  }
  at = pos;
  return n;
}

/** Position just after the value that starts at pos. */
export function skipValue(s: string, pos: number): number {
  const tag = s.charCodeAt(pos);
  if (tag <= 3) return pos + 1;
  if (tag === 4 || tag === 5) { const len = readVarint(s, pos + 1); return at + len; }
  readVarint(s, pos + 1);
  const len = readVarint(s, at);
  return at + len;
}

export function tagAt(s: string, pos: number): number {
  return s.charCodeAt(pos);
}

/** Value start of `key` in the object at pos, or -1. */
export function objectGet(s: string, pos: number, key: string): number {
  if (s.charCodeAt(pos) !== JT.object) return -1;
  const count = readVarint(s, pos + 1);
  readVarint(s, at);
  let p = at;
  for (let i = 0; i < count; i++) {
    const kl = readVarint(s, p);
    const ks = at;
    const vs = ks + kl;
    if (kl === key.length && s.startsWith(key, ks)) return vs;
    p = skipValue(s, vs);
  }
  return -1;
}

/** Value start of element idx (negative: from the end) of the array at pos, or -1. */
export function arrayGet(s: string, pos: number, idx: number): number {
  if (s.charCodeAt(pos) !== JT.array) return -1;
  const count = readVarint(s, pos + 1);
  readVarint(s, at);
  let p = at;
  if (idx < 0) idx += count;
  if (idx < 0 || idx >= count) return -1;
  for (let i = 0; i < idx; i++) p = skipValue(s, p);
  return p;
}

/** Calls fn(keyOrIndex, valuePos) for each member of a container. */
export function eachMember(s: string, pos: number, fn: (key: string | number, vpos: number) => void): void {
  const tag = s.charCodeAt(pos);
  if (tag !== JT.array && tag !== JT.object) return;
  const count = readVarint(s, pos + 1);
  readVarint(s, at);
  let p = at;
  for (let i = 0; i < count; i++) {
    if (tag === JT.object) {
      const kl = readVarint(s, p);
      const key = s.slice(at, at + kl);
      const vs = at + kl;
      fn(key, vs);
      p = skipValue(s, vs);
    } else {
      fn(i, p);
      p = skipValue(s, p);
    }
  }
}

/** The number at pos (NaN when it is not a number). */
export function numberAt(s: string, pos: number): number {
  if (s.charCodeAt(pos) !== JT.number) return NaN;
  const len = readVarint(s, pos + 1);
  return Number(s.slice(at, at + len));
}

/** The text of a number at pos, as written (keeps every digit of big integers). */
export function numberTextAt(s: string, pos: number): string | null {
  if (s.charCodeAt(pos) !== JT.number) return null;
  const len = readVarint(s, pos + 1);
  return s.slice(at, at + len);
}

/** The string at pos, or null when it is not a string. */
export function stringAt(s: string, pos: number): string | null {
  if (s.charCodeAt(pos) !== JT.string) return null;
  const len = readVarint(s, pos + 1);
  return s.slice(at, at + len);
}

/** Decodes the value at pos into a plain JS value (slow path: printing, dryrun). */
export function decodeJsonb(s: string, pos = 0): unknown {
  const tag = s.charCodeAt(pos);
  switch (tag) {
    case JT.null: return null;
    case JT.false: return false;
    case JT.true: return true;
    case JT.number: return numberAt(s, pos);
    case JT.string: return stringAt(s, pos);
    case JT.array: { const out: unknown[] = []; eachMember(s, pos, (_k, vp) => out.push(decodeJsonb(s, vp))); return out; }
    case JT.object: { const out: Record<string, unknown> = {}; eachMember(s, pos, (k, vp) => { Object.defineProperty(out, k as string, { value: decodeJsonb(s, vp), enumerable: true, writable: true, configurable: true }); }); return out; }
    default: throw new SyntaxError(`not a stored JSON value (unit 0x${tag.toString(16)} at ${pos})`);
  }
}

/** JSON text of the value at pos, as GreptimeDB prints a JSON column (compact, keys in stored order, numbers as written). */
export function jsonbToText(s: string, pos = 0): string {
  const tag = s.charCodeAt(pos);
  switch (tag) {
    case JT.null: return 'null';
    case JT.false: return 'false';
    case JT.true: return 'true';
    case JT.number: return numberTextAt(s, pos)!;
    case JT.string: return JSON.stringify(stringAt(s, pos));
    case JT.array: { const parts: string[] = []; eachMember(s, pos, (_k, vp) => parts.push(jsonbToText(s, vp))); return `[${parts.join(',')}]`; }
    case JT.object: { const parts: string[] = []; eachMember(s, pos, (k, vp) => parts.push(`${JSON.stringify(k)}:${jsonbToText(s, vp)}`)); return `{${parts.join(',')}}`; }
    default: throw new SyntaxError(`not a stored JSON value (unit 0x${tag.toString(16)} at ${pos})`);
  }
}
