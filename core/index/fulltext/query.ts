// The query language of matches(col, query), GreptimeDB's full-text syntax: parsed once into a tree with positions.
//
// Grammar (decisions where GreptimeDB's docs are silent are marked *):
//   query   := seq
//   seq     := or+                     juxtaposed clauses, Lucene occur rules: +x must, -x must not, x should
//   or      := and ('OR' and)*         OR / AND only in upper case, as in Lucene and tantivy; AND binds tighter
//   and     := unary ('AND' unary)*
//   unary   := ('+' | '-')? primary    a prefix only at the start of a word and directly before it
//   primary := WORD | "PHRASE" | '(' seq ')'     \" and \\ escape inside a phrase
// * Inside AND / OR a prefix means: +x is x, -x is NOT x ('a AND -b' = a and not b).
// * A seq of only -clauses keeps the rows matching none of them (SQL's NOT; Lucene would return nothing).
// * A word that analyzes to several tokens ('hello-world', a Chinese run) is a phrase of them, as in tantivy.
// * A word or phrase without any alphanumeric character is an error: it could never match anything.
// Errors name the 1-based character position in the query.

export type QueryNode =
  | { t: 'text'; text: string; phrase: boolean; pos: number }
  | { t: 'not'; kid: QueryNode }
  | { t: 'and' | 'or'; kids: QueryNode[] }
  | { t: 'seq'; must: QueryNode[]; should: QueryNode[]; mustNot: QueryNode[] };

export class QuerySyntaxError extends Error {
  constructor(readonly reason: string, readonly position: number, readonly query: string) {
    super(`${reason} at position ${position} of query '${query}'`);
  }
}

type Tok =
  | { k: '(' | ')' | 'AND' | 'OR'; pos: number }
  | { k: '+' | '-'; pos: number }
  | { k: 'word'; text: string; phrase: boolean; pos: number };

const SPACE = /\s/;

function lex(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const fail = (why: string, at: number): never => { throw new QuerySyntaxError(why, at + 1, q); };
  while (i < q.length) {
    const c = q[i]!;
    if (SPACE.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { out.push({ k: c, pos: i + 1 }); i++; continue; }
    if (c === '+' || c === '-') {
      const nx = q[i + 1];
      if (nx === undefined || SPACE.test(nx) || nx === ')') fail(`'${c}' must be followed directly by a term`, i);
      out.push({ k: c, pos: i + 1 });
      i++;
      continue;
    }
    if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < q.length && q[j] !== '"'; j++) {
        if (q[j] === '\\' && j + 1 < q.length) j++;
        text += q[j];
      }
      if (j >= q.length) fail('unterminated phrase (missing closing ")', i);
      out.push({ k: 'word', text, phrase: true, pos: i + 1 });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < q.length && !SPACE.test(q[j]!) && q[j] !== '(' && q[j] !== ')' && q[j] !== '"') j++;
    const w = q.slice(i, j);
    out.push(w === 'AND' || w === 'OR' ? { k: w, pos: i + 1 } : { k: 'word', text: w, phrase: false, pos: i + 1 });
    i = j;
  }
  return out;
}

/** Parses a matches() query; throws QuerySyntaxError naming the position of the fault. */
export function parseQuery(q: string): QueryNode {
  const toks = lex(q);
  if (toks.length === 0) throw new QuerySyntaxError('empty query', 1, q);
  let p = 0;
  const fail = (why: string, at: number): never => { throw new QuerySyntaxError(why, at, q); };
  const endPos = q.length + 1;

  const primary = (): QueryNode => {
    const t = toks[p];
    if (!t) return fail('expected a term, found the end of the query', endPos);
    if (t.k === 'word') { p++; return { t: 'text', text: t.text, phrase: t.phrase, pos: t.pos }; }
    if (t.k === '(') {
      p++;
      if (toks[p]?.k === ')') fail('empty parentheses', t.pos);
      const inner = seq();
      if (toks[p]?.k !== ')') fail(`unclosed '('`, t.pos);
      p++;
      return inner;
    }
    return fail(`expected a term, found '${t.k}'`, t.pos);
  };
  const unary = (): { prefix: '' | '+' | '-'; node: QueryNode } => {
    const t = toks[p];
    if (t && (t.k === '+' || t.k === '-')) {
      p++;
      const n = toks[p];
      if (n && n.k !== 'word' && n.k !== '(') fail(`'${t.k}' must be followed directly by a term`, t.pos);
      return { prefix: t.k, node: primary() };
    }
    return { prefix: '', node: primary() };
  };
  const plain = (u: { prefix: string; node: QueryNode }): QueryNode => (u.prefix === '-' ? { t: 'not', kid: u.node } : u.node);
  const andExpr = (): { prefix: '' | '+' | '-'; node: QueryNode } => {
    const first = unary();
    if (toks[p]?.k !== 'AND') return first;
    const kids = [plain(first)];
    while (toks[p]?.k === 'AND') { p++; kids.push(plain(unary())); }
    return { prefix: '', node: { t: 'and', kids } };
  };
  const orExpr = (): { prefix: '' | '+' | '-'; node: QueryNode } => {
    const first = andExpr();
    if (toks[p]?.k !== 'OR') return first;
    const kids = [plain(first)];
    while (toks[p]?.k === 'OR') { p++; kids.push(plain(andExpr())); }
    return { prefix: '', node: { t: 'or', kids } };
  };
  function seq(): QueryNode {
    const items: { prefix: '' | '+' | '-'; node: QueryNode }[] = [];
    while (p < toks.length && toks[p]!.k !== ')') {
      const t = toks[p]!;
      if (t.k === 'AND' || t.k === 'OR') fail(`expected a term before '${t.k}'`, t.pos);
      items.push(orExpr());
    }
    if (items.length === 1 && items[0]!.prefix !== '-') return items[0]!.node;
    return {
      t: 'seq',
      must: items.filter((x) => x.prefix === '+').map((x) => x.node),
      should: items.filter((x) => x.prefix === '').map((x) => x.node),
      mustNot: items.filter((x) => x.prefix === '-').map((x) => x.node),
    };
  }
  const root = seq();
  if (p < toks.length) fail(`unmatched ')'`, toks[p]!.pos);
  return root;
}
