// JSON paths as the JSON functions and the json_path processor take them. One grammar covers the SQL/JSON path form
// GreptimeDB documents for its functions and the JSONPath form of its json_path processor:
//   `$` root; `.name`, `:name`, `["name"]` / `['name']` keys; `.*` / `[*]` every member; `[1, 2]` unions; `[-1]`,
//   `[last]`, `[last - 1]` from the end; `[1 to last]` ranges; `[1:3]` slices; `..name` descendants; `$.[1]` (a dot
//   before a bracket); filters `?(@.price < 10)` on the current item and `[?(@.active)]` on an array's members, with
//   `== != < <= > >=`, `&& || !`, `exists(...)`, and a bare path meaning "exists". A path may start with a bare key (`a.b`).
// Paths evaluate over stored values (`jsonbLocate`, `jsonbSelect`) and plain JS values (`selectValues`).
import { arrayGet, decodeJsonb, eachMember, objectGet, tagAt, JT } from './jsonb.ts';

/** An index counted from the start (negative: from the end) or, with `last`, from the last element. */
export interface Idx { last: boolean; off: number }
export type Sel = { key: string } | { at: Idx } | { from: Idx; to: Idx } | { slice: [number | undefined, number | undefined] };

/** One step: a key, an index, every member, a bracket list, descendants, or a filter. */
export type PathStep =
  | { key: string } | { index: number } | { any: true } | { sels: Sel[] } | { descend: true }
  | { filter: Pred; members: boolean };

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
/** A path from the root (`$`) or the current item (`@`), or a literal. */
export type Operand = { path: PathStep[]; rel: boolean } | { lit: unknown };
export type Pred =
  | { cmp: [Operand, CmpOp, Operand] } | { exists: Operand } | { and: Pred[] } | { or: Pred[] } | { not: Pred };

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
  const p = new Parser(text);
  const steps = p.path(true);
  p.ws();
  if (p.i < text.length) throw new JsonPathError(`unexpected '${text[p.i]}' in JSON path`, p.i);
  if (cache.size > 1000) cache.clear();
  cache.set(text, steps);
  return steps;
}

/** Parses a predicate (`$.a == 1 && exists($.b)`), as json_path_match takes it. */
export function parsePredicate(text: string): Pred {
  const p = new Parser(text);
  const pred = p.or();
  p.ws();
  if (p.i < text.length) throw new JsonPathError(`unexpected '${text[p.i]}'`, p.i);
  return pred;
}

const NAME_END = /[.[\]:?()\s=!<>&|,]/;
const LITERAL = /^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/;

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void { while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++; }
  private fail(why: string, at = this.i): never { throw new JsonPathError(why, at); }
  private name(): string {
    const st = this.i;
    while (this.i < this.s.length && !NAME_END.test(this.s[this.i]!)) this.i++;
    if (this.i === st) this.fail('empty key in JSON path');
    return this.s.slice(st, this.i);
  }
  private quoted(): string {
    const q = this.s[this.i]!;
    const st = this.i++;
    let out = '';
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\' && this.i + 1 < this.s.length) this.i++;
      out += this.s[this.i++];
    }
    if (this.i >= this.s.length) this.fail('unterminated quoted key in JSON path', st);
    this.i++;
    return out;
  }
  private int(): number | undefined {
    const m = /^[+-]?\d+/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return Number(m[0]);
  }
  private idx(): Idx | undefined {
    if (this.s.startsWith('last', this.i)) {
      this.i += 4;
      this.ws();
      const c = this.s[this.i];
      if (c !== '-' && c !== '+') return { last: true, off: 0 };
      this.i++;
      this.ws();
      const n = this.int();
      if (n === undefined) this.fail("expected a number after 'last -'");
      return { last: true, off: c === '-' ? -n : n };
    }
    const n = this.int();
    return n === undefined ? undefined : { last: false, off: n };
  }
  private filter(members: boolean): PathStep {
    // at '?': `?(pred)` / `? (pred)`
    this.i++;
    this.ws();
    if (this.s[this.i] !== '(') this.fail("expected '(' after '?'");
    this.i++;
    const pred = this.or();
    this.ws();
    if (this.s[this.i] !== ')') this.fail("expected ')'");
    this.i++;
    return { filter: pred, members };
  }
  private bracket(): PathStep {
    // after '['
    this.ws();
    let step: PathStep;
    if (this.s[this.i] === '*') { this.i++; step = { any: true }; }
    else if (this.s[this.i] === '?') step = this.filter(true);
    else {
      const sels: Sel[] = [];
      for (;;) {
        this.ws();
        const c = this.s[this.i];
        if (c === '"' || c === "'") sels.push({ key: this.quoted() });
        else {
          const a = this.idx();
          this.ws();
          if (this.s[this.i] === ':') {
            this.i++;
            this.ws();
            const b = this.int();
            if (a?.last) this.fail("'last' cannot start a slice");
            sels.push({ slice: [a?.off, b] });
          } else if (a === undefined) this.fail('expected an index or a quoted key in brackets');
          else if (this.s.startsWith('to', this.i)) {
            this.i += 2;
            this.ws();
            const b = this.idx();
            if (b === undefined) this.fail("expected an index after 'to'");
            sels.push({ from: a, to: b });
          } else sels.push({ at: a });
        }
        this.ws();
        if (this.s[this.i] === ',') { this.i++; continue; }
        break;
      }
      const only = sels[0]!;
      step = sels.length === 1 && 'key' in only ? { key: only.key }
        : sels.length === 1 && 'at' in only && !only.at.last ? { index: only.at.off } : { sels };
    }
    this.ws();
    if (this.s[this.i] !== ']') this.fail("expected ']'");
    this.i++;
    return step;
  }

  /** Steps until something that is not a step; `top`: a bare key may start the path. */
  path(top: boolean): PathStep[] {
    const steps: PathStep[] = [];
    this.ws();
    if (this.s[this.i] === '$' || (!top && this.s[this.i] === '@')) this.i++;
    else if (top && this.i < this.s.length && !/[.[:?]/.test(this.s[this.i]!)) steps.push({ key: this.name() });
    for (;;) {
      const c = this.s[this.i];
      if (c === '.' && this.s[this.i + 1] === '.') {
        this.i += 2;
        steps.push({ descend: true });
        if (this.s[this.i] === '*') { this.i++; steps.push({ any: true }); }
        else if (this.s[this.i] === '[') { this.i++; steps.push(this.bracket()); }
        else steps.push({ key: this.name() });
      } else if (c === '.') {
        this.i++;
        const d = this.s[this.i];
        if (d === '*') { this.i++; steps.push({ any: true }); }
        else if (d === '[') { this.i++; steps.push(this.bracket()); }
        else if (d === '"' || d === "'") steps.push({ key: this.quoted() });
        else steps.push({ key: this.name() });
      } else if (c === ':') { this.i++; steps.push({ key: this.name() }); }
      else if (c === '[') { this.i++; steps.push(this.bracket()); }
      else {
        // A filter may follow after spaces (`$.a ? (@ > 1)`); anything else ends the path.
        const save = this.i;
        this.ws();
        if (this.s[this.i] === '?') { steps.push(this.filter(false)); continue; }
        this.i = save;
        return steps;
      }
    }
  }

  or(): Pred {
    const parts = [this.and()];
    for (this.ws(); this.s.startsWith('||', this.i); this.ws()) { this.i += 2; parts.push(this.and()); }
    return parts.length === 1 ? parts[0]! : { or: parts };
  }
  private and(): Pred {
    const parts = [this.unary()];
    for (this.ws(); this.s.startsWith('&&', this.i); this.ws()) { this.i += 2; parts.push(this.unary()); }
    return parts.length === 1 ? parts[0]! : { and: parts };
  }
  private unary(): Pred {
    this.ws();
    if (this.s[this.i] === '!' && this.s[this.i + 1] !== '=') { this.i++; return { not: this.unary() }; }
    if (this.s[this.i] === '(') {
      this.i++;
      const p = this.or();
      this.ws();
      if (this.s[this.i] !== ')') this.fail("expected ')'");
      this.i++;
      return p;
    }
    if (/^exists\s*\(/.test(this.s.slice(this.i))) {
      this.i = this.s.indexOf('(', this.i) + 1;
      const o = this.operand();
      this.ws();
      if (this.s[this.i] !== ')') this.fail("expected ')'");
      this.i++;
      return { exists: o };
    }
    const left = this.operand();
    this.ws();
    const m = /^(==|!=|<>|<=|>=|<|>)/.exec(this.s.slice(this.i));
    if (!m) {
      if ('lit' in left) this.fail('expected a comparison (== != < <= > >=)');
      return { exists: left };
    }
    this.i += m[0].length;
    const right = this.operand();
    return { cmp: [left, (m[0] === '<>' ? '!=' : m[0]) as CmpOp, right] };
  }
  private operand(): Operand {
    this.ws();
    const c = this.s[this.i];
    if (c === '$' || c === '@') return { path: this.path(false), rel: c === '@' };
    const lit = LITERAL.exec(this.s.slice(this.i));
    if (!lit) this.fail("expected a path starting with '$' or '@', or a literal (number, string, true, false, null)");
    this.i += lit[0].length;
    const t = lit[0];
    return { lit: t.startsWith("'") ? t.slice(1, -1).replace(/\\(.)/g, '$1') : JSON.parse(t) };
  }
}

function resolve(x: Idx, len: number): number {
  return x.last ? len - 1 + x.off : x.off < 0 ? len + x.off : x.off;
}

/** Indices of an array of `len` elements that bracket selections name, in order. */
function pickIndices(sels: Sel[], len: number): number[] {
  const out: number[] = [];
  for (const s of sels) {
    if ('at' in s) { const i = resolve(s.at, len); if (i >= 0 && i < len) out.push(i); }
    else if ('from' in s) {
      const a = Math.max(0, resolve(s.from, len)), b = Math.min(len - 1, resolve(s.to, len));
      for (let i = a; i <= b; i++) out.push(i);
    } else if ('slice' in s) {
      const norm = (v: number | undefined, d: number) => v === undefined ? d : v < 0 ? Math.max(0, len + v) : Math.min(len, v);
      const a = norm(s.slice[0], 0), b = norm(s.slice[1], len);
      for (let i = a; i < b; i++) out.push(i);
    }
  }
  return out;
}

function isSimple(st: PathStep): boolean {
  return 'key' in st || 'index' in st;
}

// ---- predicates over plain JS values

function operandValues(o: Operand, cur: unknown, root: () => unknown): unknown[] {
  if ('lit' in o) return [o.lit];
  return selectValues(o.rel ? cur : root(), o.path, 0, [], root);
}

function compare(a: unknown, op: CmpOp, b: unknown): boolean {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b && typeof a === typeof b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const x = a as number | string, y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

/** Whether a predicate holds for the current item `cur` (as JSONPath: a comparison holds when any pair of selected values does). */
export function predicateHolds(p: Pred, cur: unknown, root: () => unknown, values = operandValues): boolean {
  if ('and' in p) return p.and.every((x) => predicateHolds(x, cur, root, values));
  if ('or' in p) return p.or.some((x) => predicateHolds(x, cur, root, values));
  if ('not' in p) return !predicateHolds(p.not, cur, root, values);
  if ('exists' in p) return values(p.exists, cur, root).length > 0;
  const [l, op, r] = p.cmp;
  const rs = values(r, cur, root);
  for (const a of values(l, cur, root)) for (const b of rs) if (compare(a, op, b)) return true;
  return false;
}

// ---- over stored values

/** Start of the first value a path names in a stored value, or -1 when there is none. */
export function jsonbLocate(s: string, steps: PathStep[], pos = 0): number {
  let p = pos;
  for (const st of steps) {
    if ('key' in st) p = objectGet(s, p, st.key);
    else if ('index' in st) p = arrayGet(s, p, st.index);
    else return jsonbSelect(s, steps)[0] ?? -1;
    if (p < 0) return -1;
  }
  return p;
}

/** Every value a path names in a stored value, in document order. */
export function jsonbSelect(s: string, steps: PathStep[], from = 0, pos = 0, out: number[] = []): number[] {
  let p = pos;
  for (let k = from; k < steps.length; k++) {
    const st = steps[k]!;
    if ('key' in st) p = objectGet(s, p, st.key);
    else if ('index' in st) p = arrayGet(s, p, st.index);
    else {
      for (const q of jsonbStep(s, st, p)) jsonbSelect(s, steps, k + 1, q, out);
      return out;
    }
    if (p < 0) return out;
  }
  out.push(p);
  return out;
}

function jsonbStep(s: string, st: PathStep, p: number): number[] {
  const tag = tagAt(s, p);
  const members: number[] = [];
  if ('any' in st) { eachMember(s, p, (_k, vp) => members.push(vp)); return members; }
  if ('descend' in st) { const out: number[] = []; descendStored(s, p, out); return out; }
  if ('sels' in st) {
    if (tag === JT.object) {
      for (const x of st.sels) if ('key' in x) { const q = objectGet(s, p, x.key); if (q >= 0) members.push(q); }
      return members;
    }
    if (tag !== JT.array) return members;
    eachMember(s, p, (_k, vp) => members.push(vp));
    return pickIndices(st.sels, members.length).map((i) => members[i]!);
  }
  if (!('filter' in st)) return members;
  const root = () => decodeJsonb(s);
  // Over an array's members (lax: a filter on an array filters its elements), or `[?()]` over an object's values.
  if (tag === JT.array || (st.members && tag === JT.object)) {
    eachMember(s, p, (_k, vp) => members.push(vp));
    return members.filter((vp) => predicateHolds(st.filter, decodeJsonb(s, vp), root));
  }
  if (st.members) return members;
  return predicateHolds(st.filter, decodeJsonb(s, p), root) ? [p] : [];
}

function descendStored(s: string, p: number, out: number[]): void {
  out.push(p);
  eachMember(s, p, (_k, vp) => descendStored(s, vp, out));
}

// ---- over plain JS values (the json_path processor works on parsed records)

/** Every value a path names in a plain JS value, in document order. */
export function selectValues(v: unknown, steps: PathStep[], from = 0, out: unknown[] = [], root: () => unknown = () => v): unknown[] {
  let cur = v;
  for (let k = from; k < steps.length; k++) {
    const st = steps[k]!;
    if (!isSimple(st)) {
      for (const x of valueStep(cur, st, root)) selectValues(x, steps, k + 1, out, root);
      return out;
    }
    if (cur === null || typeof cur !== 'object') return out;
    if ('key' in st) {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, st.key)) return out;
      cur = (cur as Record<string, unknown>)[st.key];
    } else if ('index' in st) {
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

function valueStep(cur: unknown, st: PathStep, root: () => unknown): unknown[] {
  const container = cur !== null && typeof cur === 'object';
  if ('any' in st) return container ? (Array.isArray(cur) ? cur : Object.values(cur)) : [];
  if ('descend' in st) { const out: unknown[] = []; descendValues(cur, out); return out; }
  if ('sels' in st) {
    if (Array.isArray(cur)) return pickIndices(st.sels, cur.length).map((i) => cur[i]);
    if (!container) return [];
    const o = cur as Record<string, unknown>;
    return st.sels.flatMap((x) => ('key' in x && Object.prototype.hasOwnProperty.call(o, x.key) ? [o[x.key]] : []));
  }
  if (!('filter' in st)) return [];
  const items = Array.isArray(cur) ? cur : st.members ? (container ? Object.values(cur) : []) : [cur];
  return items.filter((x) => predicateHolds(st.filter, x, root));
}

function descendValues(v: unknown, out: unknown[]): void {
  out.push(v);
  if (v !== null && typeof v === 'object') for (const x of Array.isArray(v) ? v : Object.values(v)) descendValues(x, out);
}
