// Output formats round-trip typed result columns exactly: JSON (numbers with every digit), CSV, Arrow (type and unit).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tableFromIPC, Type, TimeUnit as ArrowUnit, type Data } from 'apache-arrow';
import { outputsCsv, outputsJson, outputsJsonChunks, relToArrow, relToOutput, int64Text, words, type Rel, type Vec } from '../../../../core/query/index.ts';
import { unitsOf } from '../../../../core/query/output/digits.ts';
import { formatOutput } from '../../../../core/query/index.ts';
import { dictStrVec } from '../../../../core/query/vector.ts';
import { floatOf, numText, parseCsv, parseExactJson } from './decode.ts';

const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n;
const UNIT_NS = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n } as const;
type Unit = keyof typeof UNIT_NS;
const UNITS: Unit[] = ['s', 'ms', 'us', 'ns'];
const ARROW_UNIT = { s: ArrowUnit.SECOND, ms: ArrowUnit.MILLISECOND, us: ArrowUnit.MICROSECOND, ns: ArrowUnit.NANOSECOND };

const edgeI64 = fc.oneof(fc.constantFrom(I64_MIN, I64_MAX, 0n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 1700000000123456789n), fc.bigInt({ min: I64_MIN, max: I64_MAX }));
const edgeU64 = fc.oneof(fc.constantFrom(0n, U64_MAX, 2n ** 63n, 2n ** 53n + 1n), fc.bigInt({ min: 0n, max: U64_MAX }));
/** A timestamp in `unit` (as a count of units) whose nanoseconds fit int64: far past and future included. */
const tsIn = (unit: Unit) => {
  const lim = I64_MAX / UNIT_NS[unit];
  return fc.oneof(fc.constantFrom(-lim, lim, 0n, 1n, -1n), fc.bigInt({ min: -lim, max: lim }));
};
const edgeF64 = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, 0.1, 1e21, 1e-7),
  fc.double(),
);
const edgeStr = fc.oneof(
  fc.constantFrom('', '"', ',', '\n', '\r\n', 'a,"b"\nc', '😀𝄞', '\\', '\u0000', 'null', 'NaN'),
  fc.string({ unit: 'binary' }),
);

interface Row { i: bigint | null; u: bigint; f: number; s: string | null; b: boolean; t: Record<Unit, bigint> }
const rowArb: fc.Arbitrary<Row> = fc.record({
  i: fc.option(edgeI64, { freq: 5 }), u: edgeU64, f: edgeF64, s: fc.option(edgeStr, { freq: 5 }), b: fc.boolean(),
  t: fc.record({ s: tsIn('s'), ms: tsIn('ms'), us: tsIn('us'), ns: tsIn('ns') }),
});

/** Result columns as the executor holds them: 64-bit ints in BigInt64Array/BigUint64Array, timestamps as ns. */
function relOf(rows: Row[]): Rel {
  const n = rows.length;
  const i = new BigInt64Array(n), u = new BigUint64Array(n), f = new Float64Array(n), b = new Uint8Array(n);
  const iValid = new Uint8Array(n).fill(1);
  rows.forEach((r, k) => { if (r.i === null) iValid[k] = 0; else i[k] = r.i; u[k] = r.u; f[k] = r.f; b[k] = r.b ? 1 : 0; });
  const ts = UNITS.map((unit): Vec => ({
    kind: 'ts', dt: { s: 'TimestampSecond', ms: 'TimestampMillisecond', us: 'TimestampMicrosecond', ns: 'TimestampNanosecond' }[unit], unit,
    v: BigInt64Array.from(rows.map((r) => r.t[unit] * UNIT_NS[unit])), valid: null,
  }));
  const cols: Vec[] = [
    { kind: 'num', dt: 'Int64', v: i as unknown as Float64Array, valid: iValid },
    { kind: 'num', dt: 'UInt64', v: u as unknown as Float64Array, valid: null },
    { kind: 'num', dt: 'Float64', v: f, valid: null },
    { kind: 'str', dt: 'String', v: rows.map((r) => r.s) },
    { kind: 'bool', dt: 'Boolean', v: b, valid: null },
    ...ts,
  ];
  const names = ['i', 'u', 'f', 's', 'b', ...UNITS.map((x) => `t_${x}`)];
  return { fields: cols.map((c, k) => ({ name: names[k]!, dt: c.dt })), cols, len: n };
}

const sameFloat = (got: number, want: number) => Object.is(got, want);

describe('output formats', () => {
  it('int64Text and unitsOf agree with BigInt on every int64/uint64', () => {
    fc.assert(fc.property(fc.array(edgeI64), fc.array(edgeU64), (xs, us) => {
      const a = BigInt64Array.from(xs), w = words(a);
      xs.forEach((x, k) => expect(int64Text(w, k, false, a)).toBe(x.toString()));
      const b = BigUint64Array.from(us), wb = words(b);
      us.forEach((x, k) => expect(int64Text(wb, k, true, b)).toBe(x.toString()));
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.constantFrom<Unit>('s', 'ms', 'us'), fc.bigInt({ min: I64_MIN, max: I64_MAX }), (unit, ns) => {
      const a = BigInt64Array.of(ns);
      const q = unitsOf(words(a), 0, unit);
      // Exact when it answers; it answers for every whole count of the unit short of the double's limits.
      if (q !== null) expect(BigInt(q) * UNIT_NS[unit]).toBe(ns);
      if (ns % UNIT_NS[unit] !== 0n) expect(q).toBeNull();
    }), { numRuns: 500 });
  });

  it('JSON: 64-bit integers and timestamps as JSON numbers with every digit; NaN/Inf as the strings NaN, inf, -inf; -0 kept', () => {
    fc.assert(fc.property(fc.array(rowArb, { maxLength: 20 }), (rows) => {
      const rel = relOf(rows);
      const body = parseExactJson(outputsJson([relToOutput(rel)], 7)) as { output: { records: { rows: unknown[][]; total_rows: { num: string } } }[]; execution_time_ms: { num: string } };
      expect(numText(body.execution_time_ms)).toBe('7');
      const got = body.output[0]!.records.rows;
      expect(got.length).toBe(rows.length);
      rows.forEach((r, k) => {
        const row = got[k]!;
        expect(row[0] === null ? null : BigInt(numText(row[0]))).toBe(r.i);
        expect(BigInt(numText(row[1]))).toBe(r.u);
        if (Number.isFinite(r.f)) expect(sameFloat(Number(numText(row[2])), r.f)).toBe(true);
        else expect(row[2]).toBe(Number.isNaN(r.f) ? 'NaN' : r.f > 0 ? 'inf' : '-inf');
        expect(row[3]).toBe(r.s);
        expect(row[4]).toBe(r.b);
        UNITS.forEach((unit, j) => expect(BigInt(numText(row[5 + j]))).toBe(r.t[unit]));
      });
    }), { numRuns: 150 });
  });

  it('JSON in chunks (a streamed body) joins to exactly the whole body, whatever the chunk size', () => {
    fc.assert(fc.property(fc.array(rowArb, { maxLength: 40 }), fc.integer({ min: 1, max: 300 }), (rows, chunk) => {
      const outs = [relToOutput(relOf(rows)), relToOutput(relOf(rows.slice(0, 3)))];
      const parts = [...outputsJsonChunks(outs, 5, chunk)];
      expect(Buffer.concat(parts).toString('utf8')).toBe(outputsJson(outs, 5));
      if (rows.length > 10) expect(parts.length).toBeGreaterThan(1);
    }), { numRuns: 150 });
  });

  it('CSV: every digit, NaN/inf/-inf/-0 kept, strings quoted so they read back (NULL empty, empty string "")', () => {
    fc.assert(fc.property(fc.array(rowArb, { maxLength: 20 }), (rows) => {
      const got = parseCsv(outputsCsv([relToOutput(relOf(rows))]));
      expect(got.length).toBe(rows.length);
      rows.forEach((r, k) => {
        const row = got[k]!;
        expect(row[0] === null ? null : BigInt(row[0]!)).toBe(r.i);
        expect(BigInt(row[1]!)).toBe(r.u);
        expect(sameFloat(floatOf(row[2]!), r.f)).toBe(true);
        expect(row[3]).toBe(r.s === null ? null : r.s.replace(/\r\n/g, '\r\n'));
        expect(row[4]).toBe(String(r.b));
        UNITS.forEach((unit, j) => expect(BigInt(row[5 + j]!)).toBe(r.t[unit]));
      });
    }), { numRuns: 150 });
  });

  it('a dictionary-coded string column (tags from a scan) writes JSON and CSV as its plain strings do, whatever codes rows use', () => {
    fc.assert(fc.property(fc.array(fc.option(edgeStr, { freq: 5 }), { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 25 }), fc.array(fc.boolean(), { maxLength: 25 }), (dict, picks, nulls) => {
      const codes = Int32Array.from(picks.map((p, i) => (nulls[i] ? -1 : p % dict.length)));
      const plain = Array.from(codes, (k) => (k < 0 ? null : dict[k]!));
      const relWith = (c: Vec): Rel => ({ fields: [{ name: 's', dt: 'String' }], cols: [c], len: codes.length });
      const coded = relWith(dictStrVec('String', codes, dict));
      const flat = relWith({ kind: 'str', dt: 'String', v: plain });
      expect(outputsJson([relToOutput(coded)], 1)).toBe(outputsJson([relToOutput(flat)], 1));
      expect(outputsCsv([relToOutput(coded)])).toBe(outputsCsv([relToOutput(flat)]));
    }), { numRuns: 200 });
  });

  it('Arrow: each column in its own type and unit, values exact (int64 max, uint64 max, ns, far timestamps)', () => {
    fc.assert(fc.property(fc.array(rowArb, { maxLength: 20 }), (rows) => {
      const t = tableFromIPC(relToArrow(relOf(rows)));
      expect(t.numRows).toBe(rows.length);
      const f = t.schema.fields;
      expect(f.map((x) => x.name)).toEqual(['i', 'u', 'f', 's', 'b', 't_s', 't_ms', 't_us', 't_ns']);
      expect([f[0]!.type.typeId, (f[0]!.type as { bitWidth?: number; isSigned?: boolean }).bitWidth, (f[0]!.type as { isSigned?: boolean }).isSigned]).toEqual([Type.Int, 64, true]);
      expect([f[1]!.type.typeId, (f[1]!.type as { isSigned?: boolean }).isSigned]).toEqual([Type.Int, false]);
      expect(f[2]!.type.typeId).toBe(Type.Float);
      expect(f[3]!.type.typeId).toBe(Type.Utf8);
      expect(f[4]!.type.typeId).toBe(Type.Bool);
      UNITS.forEach((unit, j) => {
        expect(f[5 + j]!.type.typeId).toBe(Type.Timestamp);
        expect((f[5 + j]!.type as { unit: number }).unit).toBe(ARROW_UNIT[unit]);
      });
      const raw = (name: string, k: number) => { const d = t.getChild(name)!.data[0] as Data; return (d.values as BigInt64Array)[d.offset + k]!; };
      rows.forEach((r, k) => {
        expect(t.getChild('i')!.isValid(k) ? raw('i', k) : null).toBe(r.i);
        expect(raw('u', k)).toBe(r.u);
        expect(sameFloat(t.getChild('f')!.get(k) as number, r.f)).toBe(true);
        expect(t.getChild('s')!.get(k)).toBe(r.s === null ? null : Buffer.from(r.s, 'utf8').toString('utf8'));
        expect(t.getChild('b')!.get(k)).toBe(r.b);
        UNITS.forEach((unit) => expect(raw(`t_${unit}`, k)).toBe(r.t[unit]));
      });
    }), { numRuns: 100 });
  });

  it('ints held as Float64Array (narrow widths) get their own Arrow width; Date is Date32; an empty result is a valid stream', () => {
    const rel: Rel = {
      fields: [{ name: 'a', dt: 'Int32' }, { name: 'b', dt: 'UInt8' }, { name: 'c', dt: 'Int64' }, { name: 'd', dt: 'Date' }, { name: 'e', dt: 'Float32' }],
      cols: [
        { kind: 'num', dt: 'Int32', v: Float64Array.of(-2147483648, 7), valid: null },
        { kind: 'num', dt: 'UInt8', v: Float64Array.of(255, 0), valid: Uint8Array.of(1, 0) },
        { kind: 'num', dt: 'Int64', v: Float64Array.of(-(2 ** 53), 2 ** 53), valid: null },
        { kind: 'ts', dt: 'Date', unit: 'ms', v: BigInt64Array.of(-86_400_000_000_000n * 3n + 1n, 19_000n * 86_400_000_000_000n), valid: null },
        { kind: 'num', dt: 'Float32', v: Float64Array.of(1.5, -0), valid: null },
      ],
      len: 2,
    };
    const t = tableFromIPC(relToArrow(rel));
    expect(t.schema.fields.map((x) => String(x.type))).toEqual(['Int32', 'Uint8', 'Int64', 'Date32<DAY>', 'Float32']);
    expect(t.getChild('a')!.toArray()).toEqual(Int32Array.of(-2147483648, 7));
    expect(t.getChild('b')!.get(1)).toBeNull();
    expect(t.getChild('c')!.toArray()).toEqual(BigInt64Array.of(-(2n ** 53n), 2n ** 53n));
    expect((t.getChild('d')!.data[0]!.values as Int32Array)[0]).toBe(-3);
    expect((t.getChild('d')!.data[0]!.values as Int32Array)[1]).toBe(19000);
    expect(Object.is(t.getChild('e')!.get(1), -0)).toBe(true);
    expect(outputsJson([relToOutput(rel)], 0)).toContain('"rows":[[-2147483648,255,-9007199254740992,"1969-12-29",1.5],[7,null,9007199254740992,"2022-01-08",-0]]');
    const empty = tableFromIPC(relToArrow({ fields: [{ name: 'x', dt: 'TimestampNanosecond' }], cols: [{ kind: 'ts', dt: 'TimestampNanosecond', unit: 'ns', v: new BigInt64Array(0), valid: null }], len: 0 }));
    expect(empty.numRows).toBe(0);
    expect(String(empty.schema.fields[0]!.type)).toBe('Timestamp<NANOSECOND>');
  });

  it('rows (for in-process callers) and the ASCII table keep 64-bit values exact', () => {
    const rel = relOf([{ i: I64_MAX, u: U64_MAX, f: 1.5, s: 'x', b: true, t: { s: 1n, ms: 1n, us: 1n, ns: 1700000000123456789n } }]);
    const o = relToOutput(rel);
    expect(o.kind === 'records' && o.rows[0]).toEqual([I64_MAX, U64_MAX, 1.5, 'x', true, 1, 1, 1, 1700000000123456789n]);
    expect(formatOutput(o)).toContain('9223372036854775807');
    expect(formatOutput(o)).toContain('18446744073709551615');
  });

  it('property: a dictionary column writes as its strings do, again over the same dictionary array, and after an entry changed', () => {
    fc.assert(fc.property(fc.array(edgeStr, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), edgeStr, (dict, picks, changed) => {
      const codes = Int32Array.from(picks, (p) => (p % (dict.length + 1)) - 1);
      const plain = (): Rel => ({ fields: [{ name: 's', dt: 'String' }], cols: [{ kind: 'str', dt: 'String', v: Array.from(codes, (c) => (c < 0 ? null : dict[c]!)) }], len: codes.length });
      const coded = (): Rel => ({ fields: [{ name: 's', dt: 'String' }], cols: [dictStrVec('String', codes, dict)], len: codes.length });
      for (let round = 0; round < 2; round++) {
        expect(outputsJson([relToOutput(coded())], 0)).toBe(outputsJson([relToOutput(plain())], 0));
        expect(outputsCsv([relToOutput(coded())], 'none')).toBe(outputsCsv([relToOutput(plain())], 'none'));
      }
      dict[0] = changed;
      expect(outputsJson([relToOutput(coded())], 0)).toBe(outputsJson([relToOutput(plain())], 0));
      expect(outputsCsv([relToOutput(coded())], 'none')).toBe(outputsCsv([relToOutput(plain())], 'none'));
    }), { numRuns: 300 });
  });
});
