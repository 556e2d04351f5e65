// dissect: splits text by the literal delimiters of a pattern (`%{ip} - %{user} [%{ts}] "%{+req}"`), Elasticsearch's semantics.
// Modifiers: %{} and %{?k} skip; %{+k} and %{+k/N} append (append_separator, N orders); %{*k} / %{&k} take a key and its
// value from the text; %{k->} skips repeats of the delimiter after it. Compiled once into delimiter searches (indexOf).
import type { Options } from '../config.ts';
import { PipelineError } from '../../errors.ts';
import type { YamlPos } from '../config.ts';
import { LineFail, mapField, needText, type Step } from './common.ts';

interface Part {
  key: string;
  kind: 'normal' | 'skip' | 'append' | 'refKey' | 'refValue';
  order: number;
  padRight: boolean;
  /** Literal text after this key ('' for the last key: it takes the rest). */
  delim: string;
}

export interface DissectPattern {
  prefix: string;
  parts: Part[];
  /** Output keys in order of first appearance (append keys once). */
  keys: string[];
}

/** Parses a dissect pattern; errors name the offset in the pattern. */
export function parseDissect(pattern: string, pos?: YamlPos): DissectPattern {
  const fail = (msg: string, at: number) => new PipelineError(`dissect: ${msg} at offset ${at} of pattern '${pattern}'`, pos);
  const parts: Part[] = [];
  let i = pattern.indexOf('%{');
  const prefix = i < 0 ? pattern : pattern.slice(0, i);
  if (i < 0) throw fail('pattern has no %{key}', 0);
  while (i >= 0 && i < pattern.length) {
    const end = pattern.indexOf('}', i + 2);
    if (end < 0) throw fail("unterminated '%{'", i);
    let spec = pattern.slice(i + 2, end);
    let padRight = false;
    if (spec.endsWith('->')) { padRight = true; spec = spec.slice(0, -2); }
    let kind: Part['kind'] = 'normal';
    let order = parts.length;
    if (spec === '' || spec.startsWith('?')) { kind = 'skip'; spec = spec.slice(1); }
    else if (spec.startsWith('+')) {
      kind = 'append';
      spec = spec.slice(1);
      const slash = spec.lastIndexOf('/');
      if (slash >= 0) {
        const o = Number(spec.slice(slash + 1));
        if (!Number.isInteger(o) || o < 0) throw fail(`bad append order '${spec.slice(slash + 1)}'`, i);
        order = o;
        spec = spec.slice(0, slash);
      }
    } else if (spec.startsWith('*')) { kind = 'refKey'; spec = spec.slice(1); }
    else if (spec.startsWith('&')) { kind = 'refValue'; spec = spec.slice(1); }
    if (kind !== 'skip' && spec === '') throw fail('empty key name', i);
    if (/[%{}]/.test(spec)) throw fail(`bad key name '${spec}'`, i);
    const next = pattern.indexOf('%{', end + 1);
    const delim = pattern.slice(end + 1, next < 0 ? pattern.length : next);
    if (delim === '' && next >= 0) throw fail('two keys with no delimiter between them', next);
    parts.push({ key: spec, kind, order, padRight, delim });
    i = next;
  }
  const refKeys = parts.filter((p) => p.kind === 'refKey').map((p) => p.key).sort();
  const refValues = parts.filter((p) => p.kind === 'refValue').map((p) => p.key).sort();
  if (refKeys.join('\0') !== refValues.join('\0')) throw fail('every %{*key} needs a matching %{&key} and the other way round', 0);
  const keys: string[] = [];
  for (const p of parts) if ((p.kind === 'normal' || p.kind === 'append') && !keys.includes(p.key)) keys.push(p.key);
  return { prefix, parts, keys };
}

/** Matches one text; returns the values by key, or null when the text does not fit the pattern. */
export function runDissect(d: DissectPattern, text: string, appendSep: string): Map<string, string> | null {
  if (!text.startsWith(d.prefix)) return null;
  let p = d.prefix.length;
  const vals: string[] = new Array(d.parts.length);
  const n = d.parts.length;
  for (let k = 0; k < n; k++) {
    const part = d.parts[k]!;
    let end: number;
    if (part.delim === '') end = text.length;
    else {
      end = text.indexOf(part.delim, p);
      if (end < 0) return null;
    }
    vals[k] = text.slice(p, end);
    p = end + part.delim.length;
    if (part.padRight && part.delim !== '') while (text.startsWith(part.delim, p)) p += part.delim.length;
  }
  const out = new Map<string, string>();
  const appends = new Map<string, { order: number; v: string }[]>();
  const refK = new Map<string, string>();
  const refV = new Map<string, string>();
  for (let k = 0; k < n; k++) {
    const part = d.parts[k]!;
    const v = vals[k]!;
    if (part.kind === 'normal') out.set(part.key, v);
    else if (part.kind === 'append') {
      const l = appends.get(part.key) ?? [];
      l.push({ order: part.order, v });
      appends.set(part.key, l);
    } else if (part.kind === 'refKey') refK.set(part.key, v);
    else if (part.kind === 'refValue') refV.set(part.key, v);
  }
  for (const [k, l] of appends) {
    l.sort((a, b) => a.order - b.order);
    const prev = out.get(k);
    out.set(k, (prev !== undefined ? [prev] : []).concat(l.map((x) => x.v)).join(appendSep));
  }
  for (const [name, key] of refK) out.set(key, refV.get(name) ?? '');
  return out;
}

/** Fast path for patterns of plain and skipped keys (the common case): values go straight into their columns, no Map. */
function simpleOf(d: DissectPattern): boolean {
  return d.parts.every((p) => p.kind === 'normal' || p.kind === 'skip') && new Set(d.parts.filter((p) => p.kind === 'normal').map((p) => p.key)).size === d.parts.filter((p) => p.kind === 'normal').length;
}

function runSimple(d: DissectPattern, text: string, outs: (unknown[] | null)[], row: number): boolean {
  if (!text.startsWith(d.prefix)) return false;
  let p = d.prefix.length;
  const n = d.parts.length;
  // Find every boundary first: a line that does not fit writes nothing.
  const ends = scratchEnds.length >= 2 * n ? scratchEnds : (scratchEnds = new Int32Array(2 * n));
  for (let k = 0; k < n; k++) {
    const part = d.parts[k]!;
    let end: number;
    if (part.delim === '') end = text.length;
    else {
      end = text.indexOf(part.delim, p);
      if (end < 0) return false;
    }
    ends[2 * k] = p;
    ends[2 * k + 1] = end;
    p = end + part.delim.length;
    if (part.padRight && part.delim !== '') while (text.startsWith(part.delim, p)) p += part.delim.length;
  }
  for (let k = 0; k < n; k++) { const o = outs[k]; if (o) o[row] = text.slice(ends[2 * k]!, ends[2 * k + 1]!); }
  return true;
}
let scratchEnds = new Int32Array(64);

export function dissect(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'patterns', 'pattern', 'append_separator']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const sources = o.has('patterns') ? o.strings('patterns') : o.strings('pattern', true);
  if (sources.length === 0) throw o.error("option 'patterns' needs at least one pattern", 'patterns');
  const patterns = sources.map((p) => parseDissect(p, o.posOf('patterns') ?? o.posOf('pattern') ?? o.pos));
  const sep = o.string('append_separator', '');
  const simple = patterns.map(simpleOf);
  return (ctx) => {
    const outs = patterns.map((d, k) => (simple[k] ? d.parts.map((p) => (p.kind === 'normal' ? ctx.out(p.key) : null)) : null));
    for (const f of fields) {
      mapField(ctx, 'dissect', f.input, ignore, (v, row) => {
        const text = needText(v);
        for (let k = 0; k < patterns.length; k++) {
          const d = patterns[k]!;
          if (outs[k]) { if (runSimple(d, text, outs[k]!, row)) return undefined; continue; }
          const m = runDissect(d, text, sep);
          if (!m) continue;
          for (const [k, val] of m) ctx.out(k)[row] = val;
          return undefined;
        }
        throw new LineFail(`no dissect pattern matches '${text.length > 120 ? text.slice(0, 120) + '...' : text}'`);
      });
    }
  };
}
