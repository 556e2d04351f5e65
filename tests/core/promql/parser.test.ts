// Unit and property tests of the PromQL parser: the trees it builds, error positions, and print/parse round trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PromQLParseError, parsePromQL, printPromQL, type PromExpr } from '../../../core/promql/index.ts';

function parseErr(q: string): PromQLParseError {
  try {
    parsePromQL(q);
  } catch (e) {
    expect(e).toBeInstanceOf(PromQLParseError);
    return e as PromQLParseError;
  }
  throw new Error(`expected ${q} to fail`);
}

/** Drops positions and parentheses, and -0 offsets, so trees compare by meaning. */
function strip(e: PromExpr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => {
    if (k === 'pos') return undefined;
    if (v && typeof v === 'object' && v.kind === 'paren') return stripParen(v);
    if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Inf';
    if (v === -Infinity) return '-Inf';
    if (Object.is(v, -0)) return 0;
    return v;
  }));
}
function stripParen(e: PromExpr): PromExpr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

describe('parsePromQL', () => {
  it('follows Prometheus precedence: ^ right-assoc above unary minus above * above + above comparisons above and above or', () => {
    const e = parsePromQL('a or b and c == d + e * f ^ g ^ h');
    expect(printPromQL(e)).toBe('a or (b and (c == (d + (e * (f ^ (g ^ h))))))');
    expect(printPromQL(parsePromQL('-2 ^ 2'))).toBe('-(2 ^ 2)');
    expect(printPromQL(parsePromQL('-a * b'))).toBe('(-a) * b');
    expect(printPromQL(parsePromQL('a - b - c'))).toBe('(a - b) - c');
    expect(printPromQL(parsePromQL('a atan2 b + c'))).toBe('(a atan2 b) + c');
  });

  it('reads selectors, modifiers, subqueries, durations and literals', () => {
    const e = parsePromQL('rate(http_requests{job=~"api.*", code!="500"}[1h30m] offset -5m @ 100.5)');
    expect(e).toMatchObject({
      kind: 'call', func: 'rate',
      args: [{ kind: 'matrix', rangeMs: 5_400_000, vector: { name: 'http_requests', offsetMs: -300_000, at: { kind: 'time', ms: 100_500 } } }],
    });
    expect(parsePromQL('max_over_time(rate(x[5m])[30m:1m] @ end())')).toMatchObject({ args: [{ kind: 'subquery', rangeMs: 1_800_000, stepMs: 60_000, at: { kind: 'end' } }] });
    expect(parsePromQL('0x1F')).toMatchObject({ kind: 'number', value: 31 });
    expect(parsePromQL('-Inf')).toMatchObject({ kind: 'number', value: -Infinity });
    expect((parsePromQL('nan') as { value: number }).value).toBeNaN();
    expect(parsePromQL("'a\\n\\x41\\u00e9'")).toMatchObject({ kind: 'string', value: 'a\nAé' });
    expect(parsePromQL('`raw\\n`')).toMatchObject({ kind: 'string', value: 'raw\\n' });
    expect(parsePromQL('sum without (a) (x) ')).toMatchObject({ kind: 'aggregate', op: 'sum', without: true, grouping: ['a'] });
    expect(parsePromQL('topk(3, x) by (b)')).toMatchObject({ kind: 'aggregate', op: 'topk', grouping: ['b'], param: { value: 3 } });
    expect(parsePromQL('a * on(x) group_left(y) b')).toMatchObject({ matching: { card: 'many-to-one', on: true, labels: ['x'], include: ['y'] } });
    expect(parsePromQL('a > bool 1')).toMatchObject({ kind: 'binary', bool: true });
    expect(parsePromQL('SUM(x)')).toMatchObject({ kind: 'aggregate', op: 'sum' });
    expect(parsePromQL('x[5m:]')).toMatchObject({ kind: 'subquery', stepMs: 0 });
    expect(parsePromQL('foo:bar:rate5m')).toMatchObject({ kind: 'vector', name: 'foo:bar:rate5m' });
  });

  it('rejects bad queries with PromQLParseError at the right line and column', () => {
    expect(parseErr('sum(rate(x[5m])').position).toMatchObject({ line: 1, column: 16 });
    expect(parseErr('rate(x)').position).toMatchObject({ line: 1, column: 1 });
    expect(parseErr('x{a="b"\n  , c=~"("}').position).toMatchObject({ line: 2, column: 8 });
    expect(parseErr('1 +').position).toMatchObject({ column: 4 });
    expect(parseErr('x[5x]').position).toMatchObject({ column: 3 });
    expect(parseErr('{}').message).toMatch(/non-empty matcher/);
    expect(parseErr('{a=""}').message).toMatch(/non-empty matcher/);
    expect(parseErr('1 > 2').message).toMatch(/BOOL/);
    expect(parseErr('"a" + 1').message).toMatch(/scalar and instant vector/);
    expect(parseErr('x[5m][5m]').message).toMatch(/ranges only allowed|subquery/);
    expect(parseErr('foo(x)').message).toMatch(/unknown function/);
    expect(parseErr('1 and 2').message).toMatch(/set operator/);
    expect(parseErr('x offset 5m offset 1m').message).toMatch(/multiple/);
    expect(parseErr('sum(x, y)').message).toMatch(/too many|unexpected/);
    expect(parseErr('x @ foo').message).toMatch(/@/);
    expect(parseErr('"unterminated').position).toMatchObject({ column: 1 });
    expect(parseErr('').errorType).toBe('bad_data');
    expect(parseErr('a + on(b) group_left(b) c').message).toMatch(/ON and GROUP/);
    expect(parseErr('label_replace(x, "a")').message).toMatch(/argument/);
  });

  it('never throws anything but PromQLParseError, whatever the input', () => {
    const alphabet = fc.constantFrom(...'abx_{}[]()"\'`=~!,:@+-*/%^<>0159.emhs \n\\#'.split(''), 'sum', 'rate', 'by', 'on', 'offset', 'bool', 'group_left', 'inf', '5m', '1h');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (q) => {
      try {
        parsePromQL(q);
      } catch (e) {
        if (!(e instanceof PromQLParseError)) throw e;
        expect(e.position?.line).toBeGreaterThanOrEqual(1);
      }
    }), { numRuns: 3000 });
  });

  it('prints a generated tree so that it parses back to the same tree', () => {
    const label = fc.constantFrom('job', 'instance', 'le', 'code');
    const matcher = fc.record({ name: label, op: fc.constantFrom('=', '!=', '=~', '!~'), value: fc.constantFrom('a', 'b.*', 'x"y', 'ü\n') });
    const dur = fc.integer({ min: 1, max: 100_000 }).map((n) => n * 1000);
    const offset = fc.oneof(fc.constant(0), fc.integer({ min: -50, max: 50 }).map((n) => n * 60_000));
    const selector = fc.record({ name: fc.constantFrom('up', 'http_requests_total', 'a:b'), matchers: fc.array(matcher, { maxLength: 2 }), offsetMs: offset })
      .map(({ name, matchers, offsetMs }) => ({ kind: 'vector' as const, name, matchers: [{ name: '__name__', op: '=' as const, value: name }, ...matchers], offsetMs, pos: 0 }));
    const num = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: 0, max: 1000 })).map((value): PromExpr => ({ kind: 'number', value, pos: 0 }));
    const tree = fc.letrec<{ vec: PromExpr; sc: PromExpr }>((tie) => ({
      vec: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        selector,
        fc.record({ fn: fc.constantFrom('rate', 'max_over_time', 'changes'), sel: selector, range: dur })
          .map(({ fn, sel, range }) => ({ kind: 'call' as const, func: fn, args: [{ kind: 'matrix' as const, vector: { ...sel, offsetMs: 0 }, rangeMs: range, pos: 0 }], pos: 0 })),
        fc.record({ op: fc.constantFrom('sum', 'max', 'count'), e: tie('vec'), by: fc.array(label, { maxLength: 2 }), without: fc.boolean() })
          .map(({ op, e, by, without }) => ({ kind: 'aggregate' as const, op: op as 'sum', expr: e, grouping: by, without, pos: 0 })),
        fc.record({ op: fc.constantFrom('+', '-', '*', '/', '^', 'atan2', '==', '<'), l: tie('vec'), r: tie('vec'), bool: fc.boolean(), on: fc.boolean(), labels: fc.array(label, { maxLength: 2 }) })
          .map(({ op, l, r, bool, on, labels }) => ({
            kind: 'binary' as const, op: op as '+', lhs: l, rhs: r, bool: bool && (op === '==' || op === '<'),
            ...(on || labels.length ? { matching: { card: 'one-to-one' as const, on, labels, include: [] } } : {}), pos: 0,
          })),
        fc.record({ op: fc.constantFrom('and', 'or', 'unless'), l: tie('vec'), r: tie('vec') })
          .map(({ op, l, r }) => ({ kind: 'binary' as const, op: op as 'and', lhs: l, rhs: r, bool: false, matching: { card: 'many-to-many' as const, on: false, labels: [], include: [] }, pos: 0 })),
        fc.record({ e: tie('vec'), range: dur, step: fc.oneof(fc.constant(0), dur) })
          .map(({ e, range, step }) => ({ kind: 'call' as const, func: 'avg_over_time', args: [{ kind: 'subquery' as const, expr: e, rangeMs: range, stepMs: step, offsetMs: 0, pos: 0 }], pos: 0 })),
        tie('vec').map((e) => ({ kind: 'unary' as const, op: '-' as const, expr: e, pos: 0 })),
        fc.record({ s: tie('sc'), e: tie('vec') }).map(({ s, e }) => ({ kind: 'binary' as const, op: '*' as const, lhs: s, rhs: e, bool: false, pos: 0 })),
      ),
      sc: fc.oneof(num, fc.constant<PromExpr>({ kind: 'call', func: 'time', args: [], pos: 0 })),
    }));
    fc.assert(fc.property(tree.vec, (t) => {
      const text = printPromQL(t);
      const back = parsePromQL(text);
      expect(strip(back)).toEqual(strip(t));
      expect(printPromQL(back)).toBe(text);
    }), { numRuns: 500 });
  });
});
