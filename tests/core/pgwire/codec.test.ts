// The PostgreSQL wire codec: frames decode whole in any chunking; random and truncated frames give a PgProtocolError
// (never another failure); values keep their meaning through their text and binary forms.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BackendWriter, FrameReader, Oid, PgParameterError, PgProtocolError, bindParameters, dateText, findPlaceholders, float4Text, float8Text,
  inferParameterTypes, numericBinary, numericFromBinary, parameterLiteral, splitStatements, timestampText, type AnyFrontendMessage, type FrontendMessage,
} from '../../../core/pgwire/index.ts';

const enc = new TextEncoder();

/** A frontend encoder, written from the protocol documentation, to feed the reader. */
function frame(type: string | null, parts: (Uint8Array | number[])[]): Uint8Array {
  const body = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const len = 4 + body.reduce((a, b) => a + b.length, 0);
  const head = type === null ? [] : [type.charCodeAt(0)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  new DataView(out.buffer).setInt32(head.length, len);
  let at = head.length + 4;
  for (const b of body) { out.set(b, at); at += b.length; }
  return out;
}
const cstr = (s: string) => Uint8Array.from([...enc.encode(s), 0]);
const i16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

function encodeFrontend(m: FrontendMessage): Uint8Array {
  switch (m.type) {
    case 'query': return frame('Q', [cstr(m.sql)]);
    case 'parse': return frame('P', [cstr(m.name), cstr(m.sql), i16(m.paramTypes.length), ...m.paramTypes.map(i32)]);
    case 'bind': return frame('B', [
      cstr(m.portal), cstr(m.statement), i16(m.paramFormats.length), ...m.paramFormats.map(i16), i16(m.params.length),
      ...m.params.flatMap((p) => (p === null ? [i32(-1)] : [i32(p.length), p])), i16(m.resultFormats.length), ...m.resultFormats.map(i16),
    ]);
    case 'describe': return frame('D', [[m.kind.charCodeAt(0)], cstr(m.name)]);
    case 'close': return frame('C', [[m.kind.charCodeAt(0)], cstr(m.name)]);
    case 'execute': return frame('E', [cstr(m.portal), i32(m.maxRows)]);
    case 'sync': return frame('S', []);
    case 'flush': return frame('H', []);
    case 'terminate': return frame('X', []);
    case 'password': return frame('p', [cstr(m.password)]);
    default: throw new Error('not encoded here');
  }
}

const name = fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0'));
const fmt = fc.constantFrom<0 | 1>(0, 1);
const message: fc.Arbitrary<FrontendMessage> = fc.oneof(
  fc.record({ type: fc.constant('query' as const), sql: name }),
  fc.record({ type: fc.constant('parse' as const), name, sql: name, paramTypes: fc.array(fc.nat({ max: 5000 }), { maxLength: 4 }) }),
  fc.integer({ min: 0, max: 4 }).chain((n) => fc.record({
    type: fc.constant('bind' as const), portal: name, statement: name,
    paramFormats: fc.array(fmt, { minLength: n > 0 ? n : 0, maxLength: n }),
    params: fc.array(fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null }), { minLength: n, maxLength: n }),
    resultFormats: fc.array(fmt, { maxLength: 3 }),
  })),
  fc.record({ type: fc.constant('describe' as const), kind: fc.constantFrom<'S' | 'P'>('S', 'P'), name }),
  fc.record({ type: fc.constant('close' as const), kind: fc.constantFrom<'S' | 'P'>('S', 'P'), name }),
  fc.record({ type: fc.constant('execute' as const), portal: name, maxRows: fc.nat() }),
  fc.constantFrom<FrontendMessage>({ type: 'sync' }, { type: 'flush' }, { type: 'terminate' }),
  fc.record({ type: fc.constant('password' as const), password: name }),
);
const startup = (params: Record<string, string>) => frame(null, [i32(196608), ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]), [0]]);

/** Messages with byte values as plain arrays, to compare. */
const plain = (m: unknown): unknown => (m instanceof Uint8Array ? [...m] : Array.isArray(m) ? m.map(plain) : m && typeof m === 'object' ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, plain(v)])) : m);

/** Feeds bytes in the given chunk sizes; returns the messages read, or the error thrown. */
function feed(bytes: Uint8Array, cuts: number[], startupPhase: boolean): { messages: AnyFrontendMessage[]; error?: unknown } {
  const r = new FrameReader(1 << 20);
  r.startup = startupPhase;
  const messages: AnyFrontendMessage[] = [];
  let at = 0;
  try {
    for (const c of [...cuts, bytes.length]) {
      const end = Math.min(bytes.length, at + c);
      if (end > at) r.push(bytes.subarray(at, end));
      at = end;
      for (let m = r.next(); m; m = r.next()) messages.push(m);
    }
  } catch (e) {
    return { messages, error: e };
  }
  return { messages };
}

describe('frame reader', () => {
  it('reads every message back whole, however the bytes are chunked', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 30 }), (msgs, cuts) => {
      const bytes = Buffer.concat([startup({ user: 'u', database: 'public' }), ...msgs.map(encodeFrontend)]);
      const out = feed(bytes, cuts, true);
      expect(out.error).toBeUndefined();
      expect(out.messages[0]).toEqual({ type: 'startup', params: { user: 'u', database: 'public' } });
      expect(out.messages.slice(1).map(plain)).toEqual(msgs.map(plain));
    }));
  });

  it('random bytes give a PgProtocolError or wait for more, never another failure', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }), (bytes, phase, cuts) => {
      const out = feed(bytes, cuts, phase);
      if (out.error !== undefined) expect(out.error).toBeInstanceOf(PgProtocolError);
    }), { numRuns: 3000 });
  });

  it('a valid frame cut short is waited for; a frame whose length lies gives a PgProtocolError', () => {
    fc.assert(fc.property(message, fc.nat(), fc.integer({ min: -8, max: 8 }), (m, cut, delta) => {
      const bytes = encodeFrontend(m);
      const short = bytes.subarray(0, cut % bytes.length);
      expect(feed(short, [], false)).toEqual({ messages: [] });
      // the same body under a wrong length word
      if (delta === 0) return;
      const lying = Uint8Array.from(bytes);
      new DataView(lying.buffer).setInt32(1, bytes.length - 1 + delta);
      const out = feed(Buffer.concat([lying, new Uint8Array(16)]), [], false);
      if (out.error !== undefined) expect(out.error).toBeInstanceOf(PgProtocolError);
    }));
  });

  it('answers the startup requests: SSL, GSSENC, cancel, and refuses protocol 2 by name', () => {
    expect(feed(frame(null, [i32(80877103)]), [], true).messages).toEqual([{ type: 'ssl_request' }]);
    expect(feed(frame(null, [i32(80877104)]), [], true).messages).toEqual([{ type: 'gssenc_request' }]);
    expect(feed(frame(null, [i32(80877102), i32(42), i32(-7)]), [], true).messages).toEqual([{ type: 'cancel_request', pid: 42, secret: -7 }]);
    const v2 = feed(frame(null, [i32(0x20000), cstr('user'), cstr('u'), [0]]), [], true).error as PgProtocolError;
    expect(v2.message).toMatch(/unsupported frontend protocol 2\.0/);
    expect(v2.sqlstate).toBe('0A000');
    const noUser = feed(startup({ database: 'x' }), [], true).error as PgProtocolError;
    expect(noUser.sqlstate).toBe('28000');
    expect((feed(Uint8Array.from([0x5a, 0, 0, 0, 4]), [], false).error as Error).message).toMatch(/invalid frontend message type 90/);
  });
});

describe('values', () => {
  it('float8 and float4 text read back to the same value, in PostgreSQL layout', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (x) => { expect(Number(float8Text(x))).toBe(x); }));
    fc.assert(fc.property(fc.float({ noNaN: true }), (x) => { expect(Math.fround(Number(float4Text(x)))).toBe(Math.fround(x)); }));
    expect([float8Text(1e15), float8Text(123456.5), float8Text(0.0001), float8Text(0.00001), float8Text(-2.5e-300), float8Text(NaN), float8Text(-Infinity)])
      .toEqual(['1e+15', '123456.5', '0.0001', '1e-05', '-2.5e-300', 'NaN', '-Infinity']);
    expect([float4Text(1.1), float4Text(1e6), float4Text(3.4028235e38)]).toEqual(['1.1', '1e+06', '3.4028235e+38']);
  });

  it('numeric binary round-trips decimal text with its scale', () => {
    const dec = fc.tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,30}$/), fc.option(fc.stringMatching(/^[0-9]{0,20}$/), { nil: undefined }))
      .map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f !== undefined ? '.' + f : ''}`);
    fc.assert(fc.property(dec, (s) => {
      const [i, f = ''] = s.replace('-', '').split('.');
      const int = i!.replace(/^0+/, '') || '0';
      const zero = /^0*$/.test(int + f);
      const want = `${s.startsWith('-') && !zero ? '-' : ''}${int}${f ? '.' + f : ''}`;
      expect(numericFromBinary(numericBinary(s))).toBe(want);
    }));
    expect(numericFromBinary(numericBinary('NaN'))).toBe('NaN');
    expect(() => numericFromBinary(Uint8Array.of(0, 1))).toThrow(PgParameterError);
  });

  it('timestamps and dates print as PostgreSQL prints them', () => {
    expect(timestampText(1_704_067_200_123_456_789n)).toBe('2024-01-01 00:00:00.123456');
    expect(timestampText(-1n)).toBe('1969-12-31 23:59:59.999999');
    expect(dateText(0)).toBe('1970-01-01');
  });

  it('a Bind value of any bytes is a literal of its type or a PgParameterError', () => {
    const types = [Oid.bool, Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric, Oid.text, Oid.bytea, Oid.timestamp, Oid.date, Oid.time, Oid.jsonb, 0];
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), fc.constantFrom(...types), fc.constantFrom<0 | 1>(0, 1), (b, t, f) => {
      try {
        expect(typeof parameterLiteral(b, t, f, 1)).toBe('string');
      } catch (e) {
        expect(e).toBeInstanceOf(PgParameterError);
      }
    }), { numRuns: 3000 });
    expect(parameterLiteral(enc.encode("it's"), Oid.text, 0, 1)).toBe("'it''s'");
    expect(parameterLiteral(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 42), Oid.int8, 1, 1)).toBe('42');
    // time: microseconds since midnight in binary, its text as given
    expect(parameterLiteral(Uint8Array.of(0, 0, 0, 0x0a, 0xb0, 0x0f, 0xd2, 0xe0), Oid.time, 1, 1)).toBe("TIME '12:45:03.500'");
    expect(parameterLiteral(enc.encode('07:08:09'), Oid.time, 0, 1)).toBe("TIME '07:08:09'");
    expect(() => parameterLiteral(Uint8Array.of(0, 0, 0, 0x14, 0x7d, 0x35, 0x70, 0x00), Oid.time, 1, 1)).toThrow(PgParameterError);
    expect(() => parameterLiteral(enc.encode('70000'), Oid.int2, 0, 1)).toThrow(/out of range for type int2/);
    expect(() => parameterLiteral(enc.encode('x1'), Oid.int4, 0, 2)).toThrow(/invalid input syntax for type int4: "x1" \(parameter \$2\)/);
  });
});

describe('placeholders and statements', () => {
  it('finds $n outside literals, names and comments, and binds them', () => {
    const sql = `SELECT $1, '$2', "$3", $$ $4 $$, E'\\' $5', -- $6\n /* $7 */ $2::int4 FROM t LIMIT $3`;
    const sites = findPlaceholders(sql);
    expect(sites.map((s) => s.n)).toEqual([1, 2, 3]);
    expect(inferParameterTypes(sql, sites, [])).toEqual([Oid.text, Oid.int4, Oid.int8]);
    expect(inferParameterTypes(sql, sites, [Oid.float8])).toEqual([Oid.float8, Oid.int4, Oid.int8]);
    const bound = bindParameters(sql, sites, [Oid.text, Oid.int4, Oid.int8], [0], [enc.encode('a'), enc.encode('7'), null]);
    expect(bound).toBe(`SELECT 'a', '$2', "$3", $$ $4 $$, E'\\' $5', -- $6\n /* $7 */ 7::int4 FROM t LIMIT NULL`);
    expect(() => bindParameters('SELECT $1', findPlaceholders('SELECT $1'), [Oid.text], [], [])).toThrow(/supplies 0 parameters, but prepared statement requires 1/);
  });

  it('splits on top-level semicolons only', () => {
    expect(splitStatements("SELECT 1; SELECT ';' ; -- c;\n ; /* ; */ SELECT \"a;b\"").map((s) => s.text.trim()))
      .toEqual(['SELECT 1', "SELECT ';'", '/* ; */ SELECT "a;b"']);
    expect(splitStatements(' ; -- nothing\n')).toEqual([]);
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 8 }).map((s) => `SELECT '${s.replace(/'/g, "''")}'`), { minLength: 1, maxLength: 5 }), (stmts) => {
      const sql = stmts.join(';');
      const parts = splitStatements(sql);
      expect(parts.map((p) => p.text)).toEqual(stmts);
      for (const p of parts) expect(sql.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
    }));
  });

  it('writes backend messages with their length words', () => {
    const w = new BackendWriter();
    w.commandComplete('SELECT 1');
    w.readyForQuery('I');
    expect([...w.take()]).toEqual([0x43, 0, 0, 0, 13, ...enc.encode('SELECT 1'), 0, 0x5a, 0, 0, 0, 5, 0x49]);
  });
});
