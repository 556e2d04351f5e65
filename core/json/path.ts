// JSON paths as the JSON functions and the json_path processor take them: `$.a.b[0]`, `a.b`, `$['k.x']`, `$.items[*].id`,
// `a:b` (':' separates keys as '.' does, as the jsonb paths GreptimeDB takes) and a filter on the value reached,
// `a.b?(@ == 1)` (==, !=, <, <=, >, >= against a number, a quoted string, true, false or null).
import { arrayGet, eachMember, numberAt, objectGet, stringAt, tagAt, JT } from './jsonb.ts';

/** A filter `?(@ op literal)`: the value reached must compare so with the literal. */
export interface PathFilter { op: '==' | '!=' | '<' | '<=' | '>' | '>='; value: number | string | boolean | null }

/** One step: a key, an index (negative counts from the end), every member (`*` / `[*]`), or a filter. */
export type PathStep = { key: string } | { index: number } | { any: true } | { filter: PathFilter };

export class JsonPathError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

const cache = new Map<string, PathStep[]>();

/** Parses a path (cached: a query evaluates the same constant path for every row). */
export function parsePath(text: string): PathStep[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const steps = parsePathUncached(text);
  if (cache.size > 1000) cache.clear();
  cache.set(text, steps);
  return steps;
}

const KEY_END = new Set(['.', ':', '[', '?']);
const FILTER = /^\?\(\s*@\s*(==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"[^"]*"|'[^']*'|true|false|null)\s*\)/;

function parseFilter(text: string, at: number, steps: PathStep[]): number {
  const m = FILTER.exec(text.slice(at));
  if (!m) throw new JsonPathError('expected a filter ?(@ op value)', at);
  const lit = m[2]!;
  const value = lit === 'true' ? true : lit === 'false' ? false : lit === 'null' ? null : /^["']/.test(lit) ? lit.slice(1, -1) : Number(lit);
  steps.push({ filter: { op: m[1] as PathFilter['op'], value } });
  return at + m[0].length;
}

/** Whether the stored value at p passes the filter (values of another kind never do, except for !=). */
function passesJsonb(s: string, p: number, f: PathFilter): boolean {
  const t = tagAt(s, p);
  const x = t === JT.number ? numberAt(s, p) : t === JT.string ? stringAt(s, p) : t === JT.true ? true : t === JT.false ? false : t === JT.null ? null : undefined;
  return passes(x, f);
}

function passes(x: unknown, f: PathFilter): boolean {
  if (typeof x !== typeof f.value || x === undefined) return f.op === '!=';
  if (x === null || f.value === null) return (x === f.value) === (f.op === '==');
  const a = x as number | string, b = f.value as number | string;
  switch (f.op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

function parsePathUncached(text: string): PathStep[] {
  const steps: PathStep[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && text[i] === ' ') i++;
  if (text[i] === '$') i++;
  let first = true;
  while (i < n) {
    const c = text[i]!;
    if (c === '.' || c === ':') {
      i++;
      if (text[i] === '*') { steps.push({ any: true }); i++; first = false; continue; }
      const s = i;
      while (i < n && !KEY_END.has(text[i]!)) i++;
      if (i === s) throw new JsonPathError('empty key in JSON path', s);
      steps.push({ key: text.slice(s, i) });
    } else if (c === '[') {
      i++;
      if (text[i] === '*') {
        if (text[i + 1] !== ']') throw new JsonPathError("expected ']' after '*'", i + 1);
        steps.push({ any: true });
        i += 2;
      } else if (text[i] === '"' || text[i] === "'") {
        const q = text[i]!;
        const s = ++i;
        while (i < n && text[i] !== q) i++;
        if (i >= n) throw new JsonPathError('unterminated quoted key in JSON path', s - 1);
        steps.push({ key: text.slice(s, i) });
        i++;
        if (text[i] !== ']') throw new JsonPathError("expected ']'", i);
        i++;
      } else {
        const s = i;
        if (text[i] === '-') i++;
        while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
        if (i === s || text[i] !== ']') throw new JsonPathError('expected an index or a quoted key in brackets', s);
        steps.push({ index: Number(text.slice(s, i)) });
        i++;
      }
    } else if (c === '?') {
      i = parseFilter(text, i, steps);
    } else if (first) {
      // A path may start with a bare key (`a.b`), as GreptimeDB's json_get_* take it.
      const s = i;
      while (i < n && !KEY_END.has(text[i]!)) i++;
      steps.push({ key: text.slice(s, i) });
    } else {
      throw new JsonPathError(`unexpected '${c}' in JSON path`, i);
    }
    first = false;
  }
  return steps;
}

/** Start of the value a wildcard-free path names in a stored value, or -1 when it is not there. */
export function jsonbLocate(s: string, steps: PathStep[], pos = 0): number {
  let p = pos;
  for (const st of steps) {
    if ('key' in st) p = objectGet(s, p, st.key);
    else if ('index' in st) p = arrayGet(s, p, st.index);
    else if ('filter' in st) p = passesJsonb(s, p, st.filter) ? p : -1;
    else return -1;
    if (p < 0) return -1;
  }
  return p;
}

/** Every value a path (wildcards allowed) names in a stored value. */
export function jsonbSelect(s: string, steps: PathStep[], from = 0, pos = 0, out: number[] = []): number[] {
  let p = pos;
  for (let k = from; k < steps.length; k++) {
    const st = steps[k]!;
    if ('any' in st) {
      const tag = tagAt(s, p);
      if (tag !== JT.array && tag !== JT.object) return out;
      eachMember(s, p, (_key, vp) => { jsonbSelect(s, steps, k + 1, vp, out); });
      return out;
    }
    if ('filter' in st) {
      if (!passesJsonb(s, p, st.filter)) return out;
      continue;
    }
    p = 'key' in st ? objectGet(s, p, st.key) : arrayGet(s, p, st.index);
    if (p < 0) return out;
  }
  out.push(p);
  return out;
}

/** The same over plain JS values (the json_path processor works on parsed records). */
export function selectValues(v: unknown, steps: PathStep[], from = 0, out: unknown[] = []): unknown[] {
  let cur = v;
  for (let k = from; k < steps.length; k++) {
    const st = steps[k]!;
    if ('filter' in st) {
      if (!passes(cur, st.filter)) return out;
      continue;
    }
    if (cur === null || typeof cur !== 'object') return out;
    if ('any' in st) {
      for (const x of Array.isArray(cur) ? cur : Object.values(cur)) selectValues(x, steps, k + 1, out);
      return out;
    }
    if ('key' in st) {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, st.key)) return out;
      cur = (cur as Record<string, unknown>)[st.key];
    } else {
      if (!Array.isArray(cur)) return out;
      const i = st.index < 0 ? cur.length + st.index : st.index;
      if (i < 0 || i >= cur.length) return out;
      cur = cur[i];
    }
    if (cur === undefined) return out;
  }
  out.push(cur);
  return out;
}
