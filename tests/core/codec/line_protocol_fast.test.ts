// The line protocol parser's fast paths against plain ones: the float scanner against Number(), and a payload parsed
// whole (series key cache, keys repeated from the previous line, float fields by position) against its lines parsed
// one by one, where no line has a previous one to repeat.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FLOAT, scanFloat } from '../../../core/codec/line_protocol/numbers.ts';
import { RawKey, matchesKey, sameRanges, viewOf } from '../../../core/codec/line_protocol/raw_key.ts';
import { ParseError, SeriesCache, parseLineProtocol, valueAt, type WriteBatch } from '../../../core/index.ts';

const enc = new TextEncoder();
const FLOAT_SYNTAX = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function scan(text: string): { end: number; value: number } {
  const end = scanFloat(enc.encode(text), 0, text.length);
  return { end, value: FLOAT[0]! };
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const decimal = fc
  .tuple(fc.constantFrom('', '-', '+'), digits(0, 20), fc.option(digits(0, 20)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), digits(1, 3))))
  .map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`);

describe('float scanner', () => {
  it('equals Number() on decimal text, including the short digits.digits form', () => {
    const texts = fc.oneof(
      decimal,
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.tuple(fc.nat(100_000), digits(1, 4)).map(([a, b]) => `${a}.${b}`),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const { end, value } = scan(text);
        if (!FLOAT_SYNTAX.test(text)) {
          expect(end).toBe(-1);
          return;
        }
        expect(end).toBe(text.length);
        expect(Object.is(value, Number(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('stops at the first byte that is not part of the number', () => {
    expect(scan('12.5,x')).toEqual({ end: 4, value: 12.5 });
    expect(scan('-0 ')).toEqual({ end: 2, value: -0 });
    expect(scan('1e400').value).toBe(Infinity);
    expect(scan('123456789012345678.5').value).toBe(123456789012345678.5);
    expect(scan('0.1e-30').value).toBe(1e-31);
    for (const bad of ['', '.', '-', 'e5', '1e', '1e+', '+.e1']) expect(scan(bad).end).toBe(-1);
  });
});

describe('key compare by words', () => {
  const sameBytes = (a: Uint8Array, s: number, b: Uint8Array, t: number, len: number) => a.subarray(s, s + len).every((x, k) => x === b[t + k]);

  it('equals a byte by byte compare, at any offset and length', () => {
    // few distinct bytes, so that equal and nearly equal ranges are common
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => a.map((x) => x & 3));
    fc.assert(
      fc.property(bytes, fc.nat(), fc.nat(), fc.nat(), (buf, a, b, l) => {
        const len = l % (buf.length + 1);
        const s = a % (buf.length - len + 1);
        const t = b % (buf.length - len + 1);
        const key = new RawKey(buf.slice(t, t + len));
        const view = viewOf(buf.subarray(0));
        expect(matchesKey(view, buf, s, key)).toBe(sameBytes(buf, s, buf, t, len));
        expect(sameRanges(view, buf, s, t, len)).toBe(sameBytes(buf, s, buf, t, len));
      }),
      { numRuns: 5000 },
    );
  });

  it('tells keys apart in their last bytes and in a view that starts inside its buffer', () => {
    const buf = enc.encode('xxm,h=abm,h=ac');
    const view = viewOf(buf.subarray(2));
    const inner = buf.subarray(2);
    expect(matchesKey(view, inner, 0, new RawKey(enc.encode('m,h=ab')))).toBe(true);
    expect(matchesKey(view, inner, 6, new RawKey(enc.encode('m,h=ab')))).toBe(false);
    expect(matchesKey(view, inner, 6, new RawKey(enc.encode('m,h=ac')))).toBe(true);
  });
});

/** A batch as its table and plain rows of { column: value }. */
const rowsOf = (b: WriteBatch) => Array.from({ length: b.rows }, (_, i) => Object.fromEntries(b.columns.flatMap((c) => {
  const v = valueAt(c, i);
  return v === null ? [] : [[c.name, v]];
})));

type Parsed = { rows: Map<string, Record<string, unknown>[]> } | { error: string; line: number; column: number };

function parsed(text: string, cache?: SeriesCache): Parsed {
  try {
    const rows = new Map<string, Record<string, unknown>[]>();
    for (const b of parseLineProtocol(enc.encode(text), { seriesCache: cache })) rows.set(b.table, rowsOf(b));
    return { rows };
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return { error: e.message, line: e.position?.line ?? 0, column: e.position?.column ?? 0 };
  }
}

/** The payload's lines parsed one at a time: each alone, with nothing before it to repeat. */
function lineByLine(lines: string[]): Parsed {
  const rows = new Map<string, Record<string, unknown>[]>();
  for (let k = 0; k < lines.length; k++) {
    const one = parsed(lines[k]!);
    if ('error' in one) return { error: one.error.replace(/\bat line 1,/, `at line ${k + 1},`), line: k + 1, column: one.column };
    for (const [t, rs] of one.rows) rows.set(t, [...(rows.get(t) ?? []), ...rs]);
  }
  return { rows };
}

describe('whole payload == line by line', () => {
  // Each field key keeps one kind of value, so that no error depends on an earlier line; values may be malformed
  // (but strings are closed: an open one would run into the next line).
  // mostly well formed, so that payloads get past their first lines; now and then malformed or out of range
  const rarely = <T>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) => fc.oneof({ arbitrary: common, weight: 15 }, { arbitrary: rare, weight: 1 });
  const floatText = rarely(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), digits(1, 4), fc.constantFrom('1.5', '-0.25', '.5', '7.')), fc.oneof(decimal, fc.constantFrom('1e999', '1.5x', '1..2', '-', 'NaN')));
  const value = (key: string) =>
    key.startsWith('f') ? floatText
      : key.startsWith('i') ? rarely(fc.constantFrom('1i', '-7i'), fc.constantFrom('99999999999999999999i', 'xi'))
        : key.startsWith('s') ? fc.constantFrom('"a"', '"b,c"', '"d\\""')
          : rarely(fc.constantFrom('t', 'false', 'T'), fc.constant('nope'));
  const fieldKey = fc.constantFrom('f1', 'f2', 'f\\ 3', 'i1', 's1', 'b1', 'f1=');
  const line = fc
    .tuple(
      fc.constantFrom('m', 'n', 'm\\,x'),
      fc.array(fc.tuple(fc.constantFrom('h', 'r', 'h\\=2'), fc.constantFrom('a', 'b', 'a\\ b', '')), { maxLength: 3 }),
      fc.array(fieldKey.chain((k) => value(k).map((v) => `${k}=${v}`)), { minLength: 1, maxLength: 4 }),
      rarely(fc.constantFrom('1', '2', '-5'), fc.constantFrom('', '10x')),
    )
    .map(([m, tags, fields, ts]) => `${m}${tags.map(([k, v]) => `,${k}=${v}`).join('')} ${fields.join(',')}${ts ? ` ${ts}` : ''}`);
  // lines repeat one another as payloads do (same keys, new values)
  const payload = fc.array(line, { minLength: 1, maxLength: 4 }).chain((ls) => fc.array(fc.constantFrom(...ls), { minLength: 1, maxLength: 12 }));

  it('gives the same rows or the same error at the same position, with and without a kept cache', () => {
    const cache = new SeriesCache(40);
    fc.assert(
      fc.property(payload, (lines) => {
        const plain = lineByLine(lines);
        expect(parsed(lines.join('\n'))).toEqual(plain);
        expect(parsed(lines.join('\n'), cache)).toEqual(plain);
      }),
      { numRuns: 1500 },
    );
  });

  it('parses TSBS-shaped lines (ten float fields by position) like the lines alone', () => {
    const host = fc.nat(5).map((h) => `cpu,hostname=host_${h},region=eu-west-1,arch=x64`);
    const fields = fc.array(fc.tuple(fc.nat(10_000), fc.nat(99)).map(([a, b]) => `${a}.${b}`), { minLength: 10, maxLength: 10 })
      .map((vs) => vs.map((v, k) => `usage_${k}=${v}`).join(','));
    const tsbs = fc.array(fc.tuple(host, fields, fc.nat(3)).map(([h, f, t]) => `${h} ${f} ${1_700_000_000_000_000_000n + BigInt(t)}`), { minLength: 1, maxLength: 30 });
    const cache = new SeriesCache();
    fc.assert(
      fc.property(tsbs, (lines) => {
        expect(parsed(lines.join('\n'), cache)).toEqual(lineByLine(lines));
      }),
      { numRuns: 300 },
    );
  });
});
