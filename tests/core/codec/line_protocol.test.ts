// Line protocol parser and printer: grammar table, exact error positions, round-trip and fuzz properties.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ParseError, SeriesCache, parseLineProtocol, printLineProtocol, stringValues, valueAt, type Column, type WriteBatch } from '../../../core/index.ts';

const enc = new TextEncoder();
const parse = (text: string, opts: Parameters<typeof parseLineProtocol>[1] = {}) => parseLineProtocol(enc.encode(text), opts);

/** A batch as plain rows of { column: value }, for readable expectations. */
function rowsOf(b: WriteBatch): Record<string, unknown>[] {
  return Array.from({ length: b.rows }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const c of b.columns) {
      const v = valueAt(c, i);
      if (v !== null) row[c.name] = v;
    }
    return row;
  });
}
const col = (b: WriteBatch, name: string): Column => b.columns.find((c) => c.name === name)!;

describe('line protocol grammar', () => {
  const cases: [string, string, Record<string, unknown>[]][] = [
    ['float field', 'cpu v=1.5 10', [{ v: 1.5, ts: 10n }]],
    ['tags and fields', 'cpu,host=a,region=eu u=1,s=2 10', [{ host: 'a', region: 'eu', u: 1, s: 2, ts: 10n }]],
    ['scientific notation', 'm a=1e3,b=-2.5E-2,c=.5,d=1.,e=+3 1', [{ a: 1000, b: -0.025, c: 0.5, d: 1, e: 3, ts: 1n }]],
    ['integers', 'm a=123i,b=-9223372036854775808i,c=9223372036854775807i 1', [{ a: 123n, b: -(2n ** 63n), c: 2n ** 63n - 1n, ts: 1n }]],
    ['unsigned', 'm a=123u,b=18446744073709551615u 1', [{ a: 123n, b: 2n ** 64n - 1n, ts: 1n }]],
    ['booleans', 'm a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE 1',
      [{ a: true, b: true, c: true, d: true, e: true, f: false, g: false, h: false, i: false, j: false, ts: 1n }]],
    ['string with spaces, commas, equals', 'm s="a b,c=d" 1', [{ s: 'a b,c=d', ts: 1n }]],
    ['string escapes', String.raw`m s="say \"hi\" \\ \n" 1`, [{ s: 'say "hi" \\ \\n', ts: 1n }]],
    ['string with newline', 'm s="two\nlines",x=1 1', [{ s: 'two\nlines', x: 1, ts: 1n }]],
    ['empty string', 'm s="" 1', [{ s: '', ts: 1n }]],
    ['escaped measurement', String.raw`my\ cpu\,x v=1 1`, [{ v: 1, ts: 1n }]],
    ['escaped tag key and value', String.raw`m,k\ 1\=x=v\,a\ b\=c v=1 1`, [{ 'k 1=x': 'v,a b=c', v: 1, ts: 1n }]],
    ['escaped field key', String.raw`m f\ 1\,\=x=2 1`, [{ 'f 1,=x': 2, ts: 1n }]],
    ['escaped backslash in tag', String.raw`m,k=a\\ v=1 1`, [{ k: 'a\\', v: 1, ts: 1n }]],
    ['literal backslash in tag', String.raw`m,k=a\b v=1 1`, [{ k: 'a\\b', v: 1, ts: 1n }]],
    ['unicode', 'mé,hôte=東京 v="ü" 1', [{ hôte: '東京', v: 'ü', ts: 1n }]],
    ['negative timestamp', 'm v=1 -5', [{ v: 1, ts: -5n }]],
    ['comments and blank lines', '# hello\n\n  \nm v=1 1\n# bye\n', [{ v: 1, ts: 1n }]],
    ['CRLF', 'm v=1 1\r\nm v=2 2\r\n', [{ v: 1, ts: 1n }, { v: 2, ts: 2n }]],
    ['trailing whitespace', 'm v=1 1  \t\nm v=2   \n', [{ v: 1, ts: 1n }, { v: 2, ts: 7n }]],
    ['duplicate field: last wins', 'm v=1,v=2 1', [{ v: 2, ts: 1n }]],
    ['sparse columns', 'm,a=x v=1 1\nm w=2 2', [{ a: 'x', v: 1, ts: 1n }, { w: 2, ts: 2n }]],
    ['missing timestamp uses default', 'm v=1', [{ v: 1, ts: 7n }]],
  ];
  it.each(cases)('%s', (_name, text, rows) => {
    const [b, ...rest] = parse(text, { defaultTimeNs: 7n });
    expect(rest).toHaveLength(0);
    expect(rowsOf(b!)).toEqual(rows);
  });

  it('groups measurements in first-appearance order, one batch each', () => {
    const bs = parse('b v=1 1\na v=2 2\nb v=3 3\n');
    expect(bs.map((b) => [b.table, b.rows])).toEqual([['b', 2], ['a', 1]]);
    expect(Array.from(col(bs[0]!, 'v').values as Float64Array)).toEqual([1, 3]);
  });

  it('produces typed columns with semantics; valid only where a row lacks a value', () => {
    const [b] = parse('m,h=a i=1i,u=2u,f=1.5,b=t,s="x" 1\nm,h=b i=3i 2', { timeColumn: 'time' });
    expect(b!.columns.map((c) => [c.name, c.type, c.semantic])).toEqual([
      ['h', 'string', 'tag'], ['i', 'int64', 'field'], ['u', 'uint64', 'field'], ['f', 'float64', 'field'],
      ['b', 'boolean', 'field'], ['s', 'string', 'field'], ['time', 'timestamp', 'timestamp'],
    ]);
    expect(col(b!, 'i').values).toBeInstanceOf(BigInt64Array);
    expect(col(b!, 'u').values).toBeInstanceOf(BigUint64Array);
    expect(col(b!, 'h').valid).toBeNull();
    expect(col(b!, 'i').valid).toBeNull();
    expect(Array.from(col(b!, 'f').valid!)).toEqual([1, 0]);
    expect(stringValues(col(b!, 's'))).toEqual(['x', null]);
    // String columns come out in dictionary form: codes into a column-local dictionary.
    expect(col(b!, 'h').values).toBeInstanceOf(Int32Array);
    expect(col(b!, 'h').dict).toEqual(['a', 'b']);
  });

  it.each([
    ['s', '1', 1_000_000_000n],
    ['ms', '1', 1_000_000n],
    ['us', '1', 1000n],
    ['ns', '1', 1n],
    ['s', '1451606400', 1451606400000000000n],
    ['s', '-2', -2_000_000_000n],
    ['ns', '9223372036854775807', 2n ** 63n - 1n],
  ] as const)('precision %s: %s', (precision, ts, ns) => {
    const [b] = parse(`m v=1 ${ts}`, { precision });
    expect(valueAt(col(b!, 'ts'), 0)).toBe(ns);
  });
});

describe('line protocol errors', () => {
  const errors: [string, string, string, number, number][] = [
    ['missing fields', 'cpu,host=a', 'missing fields', 1, 11],
    ['missing fields after space', 'cpu ', 'missing fields', 1, 5],
    ['missing tag value', 'cpu,host= v=1', 'missing tag value', 1, 10],
    ['missing tag key', 'cpu,=a v=1', 'missing tag key', 1, 5],
    ['missing field value', 'cpu v=', 'missing field value', 1, 7],
    ['missing =', 'cpu v 1', "missing '='", 1, 6],
    ['bad float', 'cpu v=1.2.3 1', 'invalid field value', 1, 7],
    ['inf rejected', 'cpu v=inf 1', 'invalid field value', 1, 7],
    ['nan rejected', 'cpu v=NaN 1', 'invalid field value', 1, 7],
    ['float overflow', 'cpu v=1e999 1', 'out of range', 1, 7],
    ['int overflow', 'cpu v=9223372036854775808i 1', 'integer out of range', 1, 7],
    ['negative unsigned', 'cpu v=-1u 1', 'unsigned integer out of range', 1, 7],
    ['bad boolean', 'cpu v=tru 1', 'invalid field value', 1, 7],
    ['unterminated string', 'cpu v="abc', 'unterminated string', 1, 7],
    ['junk after string', 'cpu v="a"b 1', "unexpected character 'b'", 1, 10],
    ['bad timestamp', 'cpu v=1 12x', "unexpected character 'x'", 1, 11],
    ['timestamp overflow', 'cpu v=1 9223372036854775808', 'timestamp out of range', 1, 9],
    ['precision overflow', 'cpu v=1 9223372036854775807', 'timestamp out of range', 1, 9],
    ['second line', 'cpu v=1 1\ncpu v=1i 2', 'int64 here but float64', 2, 7],
    ['after a multi-line string', 'cpu s="a\nb",v=x 1', 'invalid field value', 2, 6],
    ['tag key equals field key', 'cpu,v=a v=1 1', 'same line', 1, 9],
    ['tag on one line, field on another', 'cpu,v=a x=1 1\ncpu v=2 2', 'another line', 2, 5],
    ['time column name', 'cpu ts=1 1', 'time column', 1, 5],
    ['missing timestamp without default', 'cpu v=1\n', 'missing timestamp', 1, 8],
    ['unescaped = in tag value', 'cpu,a=b=c v=1 1', "unescaped '='", 1, 8],
    ['after comment and CRLF', '# c\r\ncpu v=1 1\r\ncpu v= 2\r\n', 'missing field value', 3, 7],
  ];
  it.each(errors)('%s', (_name, text, message, line, column) => {
    const precision = _name === 'precision overflow' ? 's' : 'ns';
    let err: unknown;
    try {
      parse(text, { precision });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    const pe = err as ParseError;
    expect(pe.message).toContain(message);
    expect(pe.position).toEqual({ line, column });
    expect(pe.message).toContain(`line ${line}, column ${column}`);
  });

  it('rejects invalid UTF-8 with a position', () => {
    expect(() => parseLineProtocol(new Uint8Array([0x6d, 0x2c, 0x6b, 0x3d, 0xff, 0x20, 0x76, 0x3d, 0x31, 0x20, 0x31]))).toThrow(/UTF-8 at line 1, column 5/);
  });
});

// Names and tag values line protocol can carry: non-empty, no newline; a measurement not starting with '#', tab or CR.
const name = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '_', ' ', ',', '=', '\\', '"', 'é', '東', '1', '-', '#', '\t'), minLength: 1, maxLength: 6 });
const anyText = fc.string({ unit: 'binary', maxLength: 12 });

interface FieldSpec { name: string; type: 'float64' | 'int64' | 'uint64' | 'boolean' | 'string' }
const valueArb = (type: FieldSpec['type']): fc.Arbitrary<unknown> => {
  switch (type) {
    case 'float64': return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'uint64': return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 'boolean': return fc.boolean();
    case 'string': return anyText.filter((s) => new TextDecoder().decode(enc.encode(s)) === s);
  }
};

/** Batches in the shape the parser produces: unique tables, string tags, typed fields, every row with a field. */
const batchesArb: fc.Arbitrary<WriteBatch[]> = fc
  .uniqueArray(name.filter((s) => !/^[#\t\r]/.test(s)), { minLength: 1, maxLength: 3 })
  .chain((tables) => fc.tuple(...tables.map((table) => batchArb(table))));

function batchArb(table: string): fc.Arbitrary<WriteBatch> {
  return fc
    .record({
      names: fc.uniqueArray(name.filter((s) => s !== 'ts'), { minLength: 1, maxLength: 6 }),
      types: fc.array(fc.constantFrom('float64', 'int64', 'uint64', 'boolean', 'string') as fc.Arbitrary<FieldSpec['type']>, { minLength: 6, maxLength: 6 }),
      nTags: fc.nat(3),
      rows: fc.integer({ min: 1, max: 8 }),
    })
    .chain(({ names, types, nTags, rows }) => {
      const tagNames = names.slice(0, Math.min(nTags, names.length - 1));
      const fields: FieldSpec[] = names.slice(tagNames.length).map((n, i) => ({ name: n, type: types[i]! }));
      const cell = (a: fc.Arbitrary<unknown>) => fc.option(a, { nil: null, freq: 3 });
      return fc.tuple(
        fc.array(fc.tuple(...tagNames.map(() => cell(name))), { minLength: rows, maxLength: rows }),
        fc.array(fc.tuple(...fields.map((f) => cell(valueArb(f.type)))), { minLength: rows, maxLength: rows }),
        fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: rows, maxLength: rows }),
      ).map(([tagRows, fieldRows, times]) => {
        // Line protocol needs a field on every line: fill the first field where a row has none.
        for (const fr of fieldRows as unknown[][]) if (!fr.some((v) => v !== null)) fr[0] = fields[0]!.type === 'string' ? 'x' : fields[0]!.type === 'boolean' ? true : fields[0]!.type === 'float64' ? 1 : 1n;
        const columns: Column[] = [];
        tagNames.forEach((n, t) => columns.push(mkColumn(n, 'string', 'tag', tagRows.map((r) => r[t] as string | null))));
        fields.forEach((f, k) => columns.push(mkColumn(f.name, f.type, 'field', fieldRows.map((r) => r[k] ?? null))));
        columns.push({ name: 'ts', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(times), valid: null });
        return { table, rows, columns };
      });
    });
}

function mkColumn(name: string, type: Column['type'], semantic: Column['semantic'], vals: unknown[]): Column {
  const valid = vals.some((v) => v === null) ? Uint8Array.from(vals, (v) => (v === null ? 0 : 1)) : null;
  let values: Column['values'];
  switch (type) {
    case 'float64': values = Float64Array.from(vals, (v) => (v as number) ?? 0); break;
    case 'int64': case 'timestamp': values = BigInt64Array.from(vals, (v) => (v as bigint) ?? 0n); break;
    case 'uint64': values = BigUint64Array.from(vals, (v) => (v as bigint) ?? 0n); break;
    case 'boolean': values = Uint8Array.from(vals, (v) => (v ? 1 : 0)); break;
    case 'string': values = vals as (string | null)[]; break;
  }
  return { name, type, semantic, values, valid };
}

/** Every non-null value of a batch keyed by column name, for comparison regardless of column order. */
function cells(b: WriteBatch): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const c of b.columns) {
    const vs = Array.from({ length: b.rows }, (_, i) => valueAt(c, i));
    if (vs.some((v) => v !== null)) m.set(`${c.name}:${c.semantic}:${c.type}`, vs);
  }
  return m;
}

describe('line protocol properties', () => {
  it('print then parse gives back the same values', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const text = printLineProtocol(batches);
        const parsed = parseLineProtocol(enc.encode(text));
        expect(parsed.map((b) => [b.table, b.rows])).toEqual(batches.map((b) => [b.table, b.rows]));
        parsed.forEach((b, k) => expect(cells(b)).toEqual(cells(batches[k]!)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps -0 and extreme floats', () => {
    const [b] = parse(printLineProtocol([{ table: 'm', rows: 1, columns: [
      mkColumn('a', 'float64', 'field', [-0]), mkColumn('b', 'float64', 'field', [Number.MIN_VALUE]),
      mkColumn('c', 'float64', 'field', [-Number.MAX_VALUE]), mkColumn('d', 'float64', 'field', [0.1 + 0.2]),
      mkColumn('ts', 'timestamp', 'timestamp', [0n]),
    ] }]));
    expect(Object.is(valueAt(col(b!, 'a'), 0), -0)).toBe(true);
    expect([valueAt(col(b!, 'b'), 0), valueAt(col(b!, 'c'), 0), valueAt(col(b!, 'd'), 0)]).toEqual([Number.MIN_VALUE, -Number.MAX_VALUE, 0.1 + 0.2]);
  });

  it('prints in a coarser precision when timestamps divide evenly', () => {
    const batch = { table: 'm', rows: 1, columns: [mkColumn('v', 'float64', 'field', [1]), mkColumn('ts', 'timestamp', 'timestamp', [5_000_000n])] };
    expect(printLineProtocol([batch], 'ms')).toBe('m v=1 5\n');
    expect(() => printLineProtocol([batch], 's')).toThrow(/whole number/);
  });

  const onlyParseErrors = (input: Uint8Array, defaultTimeNs?: bigint) => {
    try {
      parseLineProtocol(input, defaultTimeNs === undefined ? {} : { defaultTimeNs });
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      const pos = (e as ParseError).position!;
      expect(pos.line).toBeGreaterThanOrEqual(1);
      expect(pos.column).toBeGreaterThanOrEqual(1);
    }
  };
  it('random bytes throw nothing but positioned ParseErrors', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), (bytes, t) => onlyParseErrors(bytes, t ?? undefined)), { numRuns: 2000 });
  });
  it('random line-protocol-ish text throws nothing but positioned ParseErrors', () => {
    const unit = fc.constantFrom('m', 'x', '1', '0', '-', '.', 'e', 'i', 'u', 't', 'f', '"', '\\', ',', '=', ' ', '\n', '\r', '#', '\t', 'é');
    fc.assert(fc.property(fc.string({ unit, maxLength: 60 }), fc.boolean(), (s, d) => onlyParseErrors(enc.encode(s), d ? 0n : undefined)), { numRuns: 3000 });
  });
});

describe('series key cache kept across parses', () => {
  /** Parses each payload with the shared cache and alone; both must give the same rows or the same error. */
  const sameAsFresh = (payloads: string[], cache: SeriesCache) => {
    for (const text of payloads) {
      let fresh: WriteBatch[] | Error, cached: WriteBatch[] | Error;
      try { fresh = parse(text); } catch (e) { fresh = e as Error; }
      try { cached = parse(text, { seriesCache: cache }); } catch (e) { cached = e as Error; }
      if (fresh instanceof Error) expect((cached as Error).message).toBe(fresh.message);
      else expect((cached as WriteBatch[]).map((b) => [b.table, b.columns.map((c) => c.name), rowsOf(b)])).toEqual(fresh.map((b) => [b.table, b.columns.map((c) => c.name), rowsOf(b)]));
    }
  };

  it('gives the same batches as a fresh parse, payload after payload', () => {
    const cache = new SeriesCache();
    sameAsFresh([
      'cpu,host=a,dc=x u=1 1\ncpu,host=b,dc=x u=2 1\ncpu,host=a,dc=x u=3 2\n',
      'cpu,host=b,dc=x u=4 3\ncpu,host=a,dc=x s="q" 3\nmem,host=a v=1i 3\ncpu,host=c u=5 4\n',
      'mem,host=a v=2i 5\ncpu,host=a,dc=x u=6 5\ncpu,host\\ x=a\\,b,dc=x u=7 6\ncpu,host\\ x=a\\,b,dc=x u=8 6\n',
    ], cache);
    expect(cache.size).toBeGreaterThan(0);
  });

  it('reports a tag key used as a field where the fresh parse does', () => {
    const cache = new SeriesCache();
    sameAsFresh(['cpu,host=a u=1 1\n', 'cpu host=1 1\ncpu,host=a u=1 2\n', 'cpu,host=a u=1 1\ncpu,ts=a u=1 1\n'], cache);
    sameAsFresh(['cpu,ts=a u=1 1\n'], cache);
    // The time column's name is an option: a key cached under one name is checked again under another.
    parse('cpu,time=a u=1 1\n', { seriesCache: cache });
    expect(() => parse('cpu,time=a u=1 1\n', { seriesCache: cache, timeColumn: 'time' })).toThrow(/time column/);
  });

  it('starts over when full, with the same results', () => {
    const cache = new SeriesCache(3);
    const lines = Array.from({ length: 20 }, (_, i) => `m,k=${i % 7} v=${i} ${i}`).join('\n');
    sameAsFresh([lines, lines], cache);
    expect(cache.size).toBeLessThanOrEqual(3);
  });

  it('random payloads through one cache parse like fresh ones', () => {
    const cache = new SeriesCache(50);
    const line = fc.tuple(
      fc.constantFrom('m', 'n', 'm\\ x'),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'ts', 'v'), fc.constantFrom('1', 'x', 'y\\,z', '')), { maxLength: 3 }),
      fc.array(fc.tuple(fc.constantFrom('a', 'v', 'w'), fc.constantFrom('1', '2i', '"s"', 't')), { minLength: 1, maxLength: 3 }),
    ).map(([m, tags, fields]) => `${m}${tags.map(([k, v]) => `,${k}=${v}`).join('')} ${fields.map(([k, v]) => `${k}=${v}`).join(',')} 1`);
    fc.assert(fc.property(fc.array(fc.array(line, { maxLength: 6 }).map((ls) => ls.join('\n')), { maxLength: 5 }), (payloads) => sameAsFresh(payloads, cache)), { numRuns: 500 });
  });
});
