// matches(text, query): GreptimeDB's full-text query (terms, "phrases", +must, -must-not, AND / OR, parentheses).
import type { FunctionCall } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { BoolVec, Vec } from '../vector.ts';
import { boolVec, getValue, isNull } from '../vector.ts';
import { StatusCode } from '../../errors.ts';

type Node =
  | { t: 'term'; text: string }
  | { t: 'and' | 'or'; kids: Node[] }
  /** Juxtaposed clauses, as in Lucene: all musts and no must-nots; else any optional and no must-nots. */
  | { t: 'seq'; kids: { prefix: '' | '+' | '-'; node: Node }[] };

type Tok = { k: '(' | ')' | '+' | '-' | 'AND' | 'OR' } | { k: 'word'; text: string };

function lex(q: string, call: FunctionCall): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { out.push({ k: c }); i++; continue; }
    if ((c === '+' || c === '-') && i + 1 < q.length && !/\s/.test(q[i + 1]!)) { out.push({ k: c }); i++; continue; }
    if (c === '"') {
      const end = q.indexOf('"', i + 1);
      if (end < 0) throw new PlanError(`matches: unterminated phrase in '${q}'`, call.pos, StatusCode.InvalidArguments);
      out.push({ k: 'word', text: q.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < q.length && !/[\s()"]/.test(q[j]!)) j++;
    const w = q.slice(i, j);
    out.push(w === 'AND' || w === 'OR' ? { k: w } : { k: 'word', text: w });
    i = j;
  }
  return out;
}

function parse(q: string, call: FunctionCall): Node {
  const toks = lex(q, call);
  let p = 0;
  const fail = (msg: string): never => { throw new PlanError(`matches: ${msg} in '${q}'`, call.pos, StatusCode.InvalidArguments); };
  const orExpr = (): Node => {
    const kids = [andExpr()];
    while (toks[p]?.k === 'OR') { p++; kids.push(andExpr()); }
    return kids.length === 1 ? kids[0]! : { t: 'or', kids };
  };
  const andExpr = (): Node => {
    const kids = [seq()];
    while (toks[p]?.k === 'AND') { p++; kids.push(seq()); }
    return kids.length === 1 ? kids[0]! : { t: 'and', kids };
  };
  const seq = (): Node => {
    const kids: { prefix: '' | '+' | '-'; node: Node }[] = [];
    for (;;) {
      const tk = toks[p];
      if (!tk || tk.k === ')' || tk.k === 'AND' || tk.k === 'OR') break;
      let prefix: '' | '+' | '-' = '';
      if (tk.k === '+' || tk.k === '-') { prefix = tk.k; p++; }
      const a = toks[p];
      if (!a) fail('missing term');
      if (a!.k === '(') {
        p++;
        const inner = orExpr();
        if (toks[p]?.k !== ')') fail('missing )');
        p++;
        kids.push({ prefix, node: inner });
      } else if (a!.k === 'word') { p++; kids.push({ prefix, node: { t: 'term', text: (a as { text: string }).text } }); }
      else fail(`unexpected ${a!.k}`);
    }
    if (!kids.length) fail('empty expression');
    return kids.length === 1 && kids[0]!.prefix !== '-' ? kids[0]!.node : { t: 'seq', kids };
  };
  const n = orExpr();
  if (p < toks.length) fail(`unexpected ${toks[p]!.k}`);
  return n;
}

/** Evaluates the query tree to one mask over the texts (1 = match); each term is one pass over the column. */
function evalNode(n: Node, texts: (string | null)[]): Uint8Array {
  const len = texts.length;
  switch (n.t) {
    case 'term': {
      const m = new Uint8Array(len);
      for (let i = 0; i < len; i++) { const s = texts[i]; m[i] = s !== null && s.includes(n.text) ? 1 : 0; }
      return m;
    }
    case 'and': case 'or': {
      const m = evalNode(n.kids[0]!, texts);
      for (const k of n.kids.slice(1)) {
        const o = evalNode(k, texts);
        for (let i = 0; i < len; i++) m[i] = n.t === 'and' ? m[i]! & o[i]! : m[i]! | o[i]!;
      }
      return m;
    }
    case 'seq': {
      const musts = n.kids.filter((k) => k.prefix === '+'), opts = n.kids.filter((k) => k.prefix === ''), nots = n.kids.filter((k) => k.prefix === '-');
      let m: Uint8Array;
      if (musts.length) {
        m = new Uint8Array(len).fill(1);
        for (const k of musts) { const o = evalNode(k.node, texts); for (let i = 0; i < len; i++) m[i]! &= o[i]!; }
      } else if (opts.length) {
        m = new Uint8Array(len);
        for (const k of opts) { const o = evalNode(k.node, texts); for (let i = 0; i < len; i++) m[i]! |= o[i]!; }
      } else m = new Uint8Array(len).fill(1);
      for (const k of nots) { const o = evalNode(k.node, texts); for (let i = 0; i < len; i++) m[i]! &= o[i]! ^ 1; }
      return m;
    }
  }
}

export function matchesFn(args: Vec[], n: number, call: FunctionCall): BoolVec {
  const [text, query] = args;
  if (!text || !query) throw new PlanError('matches expects (column, query)', call.pos, StatusCode.InvalidArguments);
  const out = boolVec(n);
  if (n === 0) return out;
  const q = getValue(query, 0);
  if (q === null) { out.valid = new Uint8Array(n); return out; }
  const tree = parse(String(q), call);
  const texts: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) texts[i] = isNull(text, i) ? null : String(getValue(text, i));
  out.v = evalNode(tree, texts);
  for (let i = 0; i < n; i++) if (texts[i] === null) { (out.valid ??= new Uint8Array(n).fill(1))[i] = 0; }
  return out;
}
