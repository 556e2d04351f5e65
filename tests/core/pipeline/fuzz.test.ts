// Property tests of the pipeline parsers: dissect, regex, date formats and the YAML loader fail only with a
// PipelineError (a 400 naming where), and what they parse they parse right.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PipelineError } from '../../../core/errors.ts';
import { compileFormat, compilePipeline, parseDissect, parseWith, runDissect, utcSeconds } from '../../../core/pipeline/index.ts';

function onlyPipelineErrors(f: () => unknown): void {
  try { f(); } catch (e) { if (!(e instanceof PipelineError)) throw e; }
}

const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const delim = fc.constantFrom(' ', ' - ', ',', '|', ' [', '] "', '" ', ':', '\t');

describe('dissect', () => {
  it('splits any text built from a pattern back into its values', () => {
    fc.assert(fc.property(fc.array(fc.tuple(key, delim), { minLength: 1, maxLength: 6 }), fc.array(fc.stringMatching(/^[A-Za-z0-9./]{0,8}$/), { minLength: 6, maxLength: 6 }), (parts, vals) => {
      const keys = parts.map((p, i) => `${p[0]}${i}`);
      const pattern = parts.map((p, i) => `%{${keys[i]}}${i < parts.length - 1 ? p[1] : ''}`).join('');
      const text = parts.map((p, i) => `${vals[i]}${i < parts.length - 1 ? p[1] : ''}`).join('');
      const d = parseDissect(pattern);
      const m = runDissect(d, text, '');
      // A value may contain nothing of the delimiters (they are not in its alphabet): the split is unique.
      expect(m).not.toBeNull();
      keys.forEach((k, i) => expect(m!.get(k)).toBe(vals[i]));
    }), { numRuns: 500 });
  });

  it('the processor (fast path for plain keys) agrees with the reference matcher on any line', () => {
    const pattern = fc.array(fc.tuple(fc.constantFrom('%{a}', '%{b}', '%{?s}', '%{c->}', '%{}'), fc.constantFrom(' ', ', ', '[', ']')), { minLength: 1, maxLength: 4 })
      .map((ps) => ps.map((p, i) => p[0].replace(/%\{([a-z])/, `%{$1${i}`) + (i < ps.length - 1 ? p[1] : '')).join(''));
    fc.assert(fc.property(pattern, fc.array(fc.string({ maxLength: 12, unit: fc.constantFrom('x', ' ', ',', '[', ']', 'y') }), { minLength: 1, maxLength: 5 }), (pat, lines) => {
      const d = parseDissect(pat);
      const p = compilePipeline('f', `version: 2\nprocessors:\n  - dissect:\n      field: message\n      patterns: [${JSON.stringify(pat)}]\n`);
      const r = p.runLines(lines, { table: 't', nowMs: 0, skipErrors: true });
      const want = lines.map((l) => runDissect(d, l, ''));
      expect(r.rows).toBe(want.filter((m) => m !== null).length);
      const live = want.filter((m) => m !== null);
      for (const k of d.keys) {
        const c = r.batch?.columns.find((x) => x.name === k);
        live.forEach((m, i) => expect(c ? (c.values as (string | null)[])[i] : undefined).toBe(m!.get(k)));
      }
    }), { numRuns: 500 });
  });

  it('handles append, skip, key-reference and padding modifiers', () => {
    const d = parseDissect('%{+name/2} %{+name/1} %{?skip} %{*k}=%{&k} %{pad->} %{rest}');
    expect(Object.fromEntries(runDissect(d, 'doe john x level=warn a    b c', ' ')!)).toEqual({ name: 'john doe', level: 'warn', pad: 'a', rest: 'b c' });
    expect(runDissect(parseDissect('[%{a}]'), 'no brackets', '')).toBeNull();
  });

  it('rejects any malformed pattern with a PipelineError naming the offset', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30, unit: fc.constantFrom('%', '{', '}', 'a', ' ', '+', '?', '*', '&', '/', '1', '-', '>') }), (p) => {
      onlyPipelineErrors(() => parseDissect(p));
    }), { numRuns: 1000 });
    expect(() => parseDissect('%{a}%{b}')).toThrow(/no delimiter/);
    expect(() => parseDissect('%{*k} %{v}')).toThrow(/matching/);
  });
});

describe('date formats', () => {
  it('parse back what they print, to the nanosecond', () => {
    const fmts: [string, (d: Date, ns: number) => string][] = [
      ['%Y-%m-%dT%H:%M:%S%.9f%:z', (d, ns) => `${d.toISOString().slice(0, 19)}.${String(ns).padStart(9, '0')}+00:00`],
      ['%Y-%m-%d %H:%M:%S', (d) => d.toISOString().slice(0, 19).replace('T', ' ')],
      ['%d/%b/%Y:%H:%M:%S %z', (d) => `${String(d.getUTCDate()).padStart(2, '0')}/${d.toUTCString().slice(8, 11)}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`],
      ['%s', (d) => String(Math.floor(d.getTime() / 1000))],
    ];
    fc.assert(fc.property(fc.date({ min: new Date('1971-01-01Z'), max: new Date('2200-01-01Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: fmts.length - 1 }), (d0, ns, k) => {
      const d = new Date(Math.floor(d0.getTime() / 1000) * 1000);
      const [fmt, print] = fmts[k]!;
      const p = parseWith(compileFormat(fmt), print(d, ns));
      expect(p).not.toBeNull();
      expect(utcSeconds(p!) - (p!.offset ?? 0) * 60).toBe(d.getTime() / 1000);
      if (k === 0) expect(p!.nanos).toBe(ns);
    }), { numRuns: 500 });
  });

  it('honour offsets and 12-hour clocks', () => {
    const p = parseWith(compileFormat('%Y-%m-%d %I:%M %p %z'), '2024-03-01 01:30 PM -0230')!;
    expect(utcSeconds(p) - p.offset! * 60).toBe(Date.parse('2024-03-01T16:00:00Z') / 1000);
    expect(parseWith(compileFormat('%Y-%m-%d'), '2024-13-01')).toBeNull();
  });

  it('reject unknown specifiers with a PipelineError, never another exception', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12, unit: fc.constantFrom('%', 'Y', 'm', 'd', 'Q', '.', '3', 'f', ':', 'z', '-', ' ') }), (f) => {
      onlyPipelineErrors(() => compileFormat(f));
    }), { numRuns: 1000 });
  });
});

describe('pipeline YAML', () => {
  it('any text fails only with a PipelineError (with a line where the YAML itself is bad)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom('processors', 'transform', ':', '\n', ' ', '-', '[', ']', '{', '}', 'dissect', 'field', 'type', 'a', '"', "'", '%{', '#') }), (y) => {
      onlyPipelineErrors(() => compilePipeline('fuzz', y));
    }), { numRuns: 1000 });
  });

  it('regex patterns from users fail as PipelineErrors naming the option', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20, unit: fc.constantFrom('(', ')', '?', '<', '>', 'P', 'a', '[', ']', '\\', '*', '+', '{', '}') }), (re) => {
      onlyPipelineErrors(() => compilePipeline('fuzz', `processors:\n  - regex:\n      field: message\n      patterns: [${JSON.stringify(re)}]\ntransform:\n  - field: message\n    type: string\n`));
    }), { numRuns: 1000 });
  });
});
