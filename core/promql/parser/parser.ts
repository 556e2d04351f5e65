// A hand-written Pratt parser for PromQL (Prometheus 2.42 grammar) building the tree in ast.ts, with type checks.
import type { LabelMatcher } from '../types.ts';
import type {
  AggregateOp, AtModifier, BinaryOp, PromExpr, ValueType, VectorMatching, VectorSelector,
} from './ast.ts';
import { COMPARISON_OPS, SET_OPS } from './ast.ts';
import { parseFail, tokenize, type Token } from './lexer.ts';
import { funcSignature } from './signatures.ts';
import { anchoredRegex } from '../regex.ts';

const AGG_OPS = new Set<string>(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile',
  'count_values', 'limitk', 'limit_ratio']);
const RESERVED = new Set(['on', 'ignoring', 'group_left', 'group_right', 'bool', 'atan2']);
const AGG_WITH_PARAM = new Set<string>(['topk', 'bottomk', 'quantile', 'count_values', 'limitk', 'limit_ratio']);

/** Binding power of each binary operator, lowest first, as Prometheus's grammar orders them. */
const PREC: Record<string, number> = {
  or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '<': 3, '>': 3, '<=': 3, '>=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5,
  atan2: 5, '^': 6,
};

export function typeOf(e: PromExpr): ValueType {
  switch (e.kind) {
    case 'number': return 'scalar';
    case 'string': return 'string';
    case 'vector': return 'vector';
    case 'matrix': case 'subquery': return 'matrix';
    case 'call': return funcSignature(e.func)?.ret ?? 'vector';
    case 'aggregate': return 'vector';
    case 'binary': return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary': case 'paren': return typeOf(e.expr);
  }
}

class Parser {
  private toks: Token[];
  private i = 0;
  /** Set while parsing info()'s second argument. */
  private labelSelector = false;
  constructor(private readonly text: string) {
    this.toks = tokenize(text);
  }

  private peek(k = 0): Token { return this.toks[Math.min(this.i + k, this.toks.length - 1)]!; }
  private next(): Token { return this.toks[Math.min(this.i++, this.toks.length - 1)]!; }
  private isOp(t: Token, s: string): boolean { return t.kind === 'op' && t.text === s; }
  private fail(t: Token, msg: string): never { return parseFail(this.text, t.pos, msg); }
  private describe(t: Token): string { return t.kind === 'eof' ? 'end of input' : `'${t.text}'`; }
  private expectOp(s: string, ctx: string): Token {
    const t = this.next();
    if (!this.isOp(t, s)) this.fail(t, `unexpected ${this.describe(t)} in ${ctx}, expected '${s}'`);
    return t;
  }

  parseTop(): PromExpr {
    if (this.peek().kind === 'eof') this.fail(this.peek(), 'no expression found in input');
    const e = this.parseExpr(0);
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, `unexpected ${this.describe(t)}`);
    return e;
  }

  private binaryOpOf(t: Token): string | undefined {
    if (t.kind === 'op' && PREC[t.text] !== undefined) return t.text;
    if (t.kind === 'ident') {
      const low = t.text.toLowerCase();
      if (low === 'and' || low === 'or' || low === 'unless' || low === 'atan2') return low;
    }
    return undefined;
  }

  private parseExpr(minPrec: number): PromExpr {
    let lhs = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const op = this.binaryOpOf(t);
      if (op === undefined) break;
      const prec = PREC[op]!;
      if (prec < minPrec) break;
      this.next();
      let bool = false;
      if (this.peek().kind === 'ident' && this.peek().text.toLowerCase() === 'bool') {
        if (!COMPARISON_OPS.has(op)) this.fail(this.peek(), 'bool modifier can only be used on comparison operators');
        this.next();
        bool = true;
      }
      const matching = this.parseMatching(op);
      // `^` is right-associative: its right side may hold another `^`; every other operator is left-associative.
      const rhs = this.parseExpr(op === '^' ? prec : prec + 1);
      lhs = this.checkBinary({ kind: 'binary', op: op as BinaryOp, lhs, rhs, bool, ...(matching ? { matching } : {}), pos: t.pos }, t);
    }
    return lhs;
  }

  private parseMatching(op: string): VectorMatching | undefined {
    const t = this.peek();
    const low = t.kind === 'ident' ? t.text.toLowerCase() : '';
    let m: VectorMatching | undefined;
    if (low === 'on' || low === 'ignoring') {
      this.next();
      m = { card: 'one-to-one', on: low === 'on', labels: this.parseLabelList(), include: [] };
      const g = this.peek();
      const gl = g.kind === 'ident' ? g.text.toLowerCase() : '';
      if (gl === 'group_left' || gl === 'group_right') {
        if (SET_OPS.has(op)) this.fail(g, `no grouping allowed for "${op}" operation`);
        this.next();
        m.card = gl === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.isOp(this.peek(), '(')) m.include = this.parseLabelList();
      }
    } else if (low === 'group_left' || low === 'group_right') {
      this.fail(t, `unexpected ${t.text}: grouping needs on(...) or ignoring(...) first`);
    }
    if (SET_OPS.has(op)) {
      m ??= { card: 'many-to-many', on: false, labels: [], include: [] };
      m.card = 'many-to-many';
    }
    return m;
  }

  private checkBinary(e: PromExpr & { kind: 'binary' }, t: Token): PromExpr {
    const lt = typeOf(e.lhs);
    const rt = typeOf(e.rhs);
    for (const [side, ty] of [['left', lt], ['right', rt]] as const) {
      if (ty !== 'scalar' && ty !== 'vector') this.fail(t, `binary expression must contain only scalar and instant vector types (${side} side is ${ty})`);
    }
    if (COMPARISON_OPS.has(e.op) && lt === 'scalar' && rt === 'scalar' && !e.bool) {
      this.fail(t, 'comparisons between scalars must use BOOL modifier');
    }
    if (SET_OPS.has(e.op) && (lt !== 'vector' || rt !== 'vector')) this.fail(t, `set operator "${e.op}" not allowed in binary scalar expression`);
    if (e.matching && (lt !== 'vector' || rt !== 'vector') && (e.matching.labels.length > 0 || e.matching.card !== 'one-to-one')) {
      if (!SET_OPS.has(e.op)) this.fail(t, 'vector matching only allowed between instant vectors');
    }
    if (e.matching && e.matching.card !== 'many-to-many' && e.matching.on) {
      for (const l of e.matching.include) {
        if (e.matching.labels.includes(l)) this.fail(t, `label "${l}" must not occur in ON and GROUP clause at once`);
      }
    }
    return e;
  }

  private parseUnary(): PromExpr {
    const t = this.peek();
    if (this.isOp(t, '-') || this.isOp(t, '+')) {
      this.next();
      // Unary minus binds looser than `^` (-2^2 is -4) and tighter than `*`.
      const inner = this.parseExpr(PREC['^']!);
      const ty = typeOf(inner);
      if (ty !== 'scalar' && ty !== 'vector') this.fail(t, `unary expression only allowed on expressions of type scalar or instant vector, got "${ty}"`);
      if (inner.kind === 'number') return { kind: 'number', value: t.text === '-' ? -inner.value : inner.value, pos: t.pos };
      return { kind: 'unary', op: t.text as '-' | '+', expr: inner, pos: t.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(e: PromExpr): PromExpr {
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '[')) {
        e = this.parseRange(e);
        continue;
      }
      const low = t.kind === 'ident' ? t.text.toLowerCase() : '';
      if (low === 'offset') {
        this.next();
        let neg = false;
        if (this.isOp(this.peek(), '-')) { this.next(); neg = true; } else if (this.isOp(this.peek(), '+')) this.next();
        const ms = this.durationMs(this.next(), 'offset');
        this.setModifier(e, t, 'offset', neg ? -ms : ms);
        continue;
      }
      if (this.isOp(t, '@')) {
        this.next();
        this.setModifier(e, t, 'at', this.parseAt());
        continue;
      }
      return e;
    }
  }

  private parseAt(): AtModifier {
    const t = this.next();
    let sign = 1;
    let n = t;
    if (this.isOp(t, '-') || this.isOp(t, '+')) { sign = t.text === '-' ? -1 : 1; n = this.next(); }
    if (n.kind === 'num') {
      const v = sign * n.num!;
      if (!Number.isFinite(v)) this.fail(n, `timestamp out of bounds for @ modifier: ${v}`);
      return { kind: 'time', ms: Math.round(v * 1000) };
    }
    if (n.kind === 'ident' && (n.text === 'start' || n.text === 'end') && sign === 1) {
      this.expectOp('(', '@ modifier');
      this.expectOp(')', '@ modifier');
      return { kind: n.text };
    }
    return this.fail(n, `unexpected ${this.describe(n)} in @, expected timestamp, start() or end()`);
  }

  private setModifier(e: PromExpr, t: Token, what: 'offset' | 'at', val: number | AtModifier): void {
    let target: { offsetMs: number; at?: AtModifier } | undefined;
    if (e.kind === 'vector') target = e;
    else if (e.kind === 'matrix') target = e.vector;
    else if (e.kind === 'subquery') target = e;
    if (!target) this.fail(t, `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
    if (what === 'offset') {
      if (target.offsetMs !== 0) this.fail(t, 'offset may not be set multiple times');
      target.offsetMs = val as number;
      if (target.offsetMs === 0) target.offsetMs = -0; // remembers an explicit `offset 0s`
    } else {
      if (target.at) this.fail(t, '@ <timestamp> may not be set multiple times');
      target.at = val as AtModifier;
    }
  }

  private parseRange(e: PromExpr): PromExpr {
    const open = this.next();
    const d = this.next();
    const rangeMs = this.durationMs(d, 'range');
    if (this.isOp(this.peek(), ':')) {
      this.next();
      let step = 0;
      if (this.peek().kind === 'dur' || this.peek().kind === 'num') {
        const st = this.next();
        step = this.durationMs(st, 'subquery step');
        if (step === 0) this.fail(st, 'duration must be greater than 0');
      }
      this.expectOp(']', 'subquery');
      if (typeOf(e) !== 'vector') this.fail(open, `subquery is only allowed on instant vector, got ${typeOf(e)}`);
      if (rangeMs === 0) this.fail(d, 'subquery range must be positive');
      return { kind: 'subquery', expr: e, rangeMs, stepMs: step, offsetMs: 0, pos: open.pos };
    }
    this.expectOp(']', 'range');
    if (e.kind !== 'vector') this.fail(open, 'ranges only allowed for vector selectors');
    if (e.offsetMs !== 0 || Object.is(e.offsetMs, -0) || e.at) this.fail(open, 'no offset or @ modifiers allowed before range');
    if (rangeMs === 0) this.fail(d, 'range must be positive');
    return { kind: 'matrix', vector: e, rangeMs, pos: open.pos };
  }

  /** A duration (`5m`) or, as Prometheus 3 reads it, a plain number of seconds (`300`, `1.5`). */
  private durationMs(d: Token, where: string): number {
    if (d.kind === 'dur') return d.ms!;
    if (d.kind === 'num' && Number.isFinite(d.num!) && d.num! >= 0 && /^[0-9.eE+-]+$/.test(d.text)) return Math.round(d.num! * 1000);
    return this.fail(d, `unexpected ${this.describe(d)} in ${where}, expected duration`);
  }

  private parsePrimary(): PromExpr {
    const t = this.next();
    if (t.kind === 'num') return { kind: 'number', value: t.num!, pos: t.pos };
    if (t.kind === 'str') return { kind: 'string', value: t.text, pos: t.pos };
    if (this.isOp(t, '(')) {
      const inner = this.parseExpr(0);
      this.expectOp(')', 'parenthesized expression');
      return { kind: 'paren', expr: inner, pos: t.pos };
    }
    if (this.isOp(t, '{')) return this.parseSelector(undefined, t);
    if (t.kind === 'ident') {
      const low = t.text.toLowerCase();
      if (AGG_OPS.has(low) && (this.isOp(this.peek(), '(') || this.isAggModifier(this.peek()))) return this.parseAggregate(low as AggregateOp, t);
      if (this.isOp(this.peek(), '(')) return this.parseCall(t);
      // Prometheus's grammar lets aggregation names, by/without, and/or/unless, offset, start and end name a metric,
      // but not these keywords.
      if (RESERVED.has(low)) this.fail(t, `unexpected <${low}>`);
      return this.parseSelector(t.text, t);
    }
    // a duration where a number is expected is its number of seconds (Prometheus 3: `predict_linear(x[1h], 1h)`)
    if (t.kind === 'dur') return { kind: 'number', value: t.ms! / 1000, pos: t.pos };
    return this.fail(t, `unexpected ${this.describe(t)}`);
  }

  private isAggModifier(t: Token): boolean {
    return t.kind === 'ident' && (t.text.toLowerCase() === 'by' || t.text.toLowerCase() === 'without');
  }

  private parseCall(name: Token): PromExpr {
    const sig = funcSignature(name.text);
    if (!sig) this.fail(name, `unknown function with name "${name.text}"`);
    this.next();
    const args: PromExpr[] = [];
    if (!this.isOp(this.peek(), ')')) {
      for (;;) {
        this.labelSelector = name.text === 'info' && args.length === 1 && this.isOp(this.peek(), '{');
        args.push(this.parseExpr(0));
        this.labelSelector = false;
        if (this.isOp(this.peek(), ',')) { this.next(); continue; }
        break;
      }
    }
    this.expectOp(')', `call to ${name.text}`);
    const min = sig.args.length - (sig.variadic ? 0 : sig.optional ?? 0);
    if (args.length < min || (!sig.variadic && args.length > sig.args.length)) {
      this.fail(name, `expected ${min === sig.args.length ? min : `${min} to ${sig.args.length}`} argument(s) in call to "${name.text}", got ${args.length}`);
    }
    args.forEach((a, k) => {
      const want = sig.args[Math.min(k, sig.args.length - 1)]!;
      const got = typeOf(a);
      if (got !== want) this.fail(name, `expected type ${typeName(want)} in call to function "${name.text}", got ${typeName(got)}`);
    });
    if (name.text === 'info' && args[1]) {
      const sel = args[1];
      if (sel.kind !== 'vector' || sel.offsetMs !== 0 || Object.is(sel.offsetMs, -0) || sel.at) {
        this.fail(name, `expected label selectors as the second argument to "info" function, got ${sel.kind === 'vector' ? 'a selector with modifiers' : typeName(typeOf(sel))}`);
      }
    }
    return { kind: 'call', func: name.text, args, pos: name.pos };
  }

  private parseAggregate(op: AggregateOp, t: Token): PromExpr {
    let grouping: string[] = [];
    let without = false;
    let seenMod = false;
    if (this.isAggModifier(this.peek())) {
      without = this.next().text.toLowerCase() === 'without';
      grouping = this.parseLabelList();
      seenMod = true;
    }
    this.expectOp('(', `aggregation ${op}`);
    let param: PromExpr | undefined;
    let expr = this.parseExpr(0);
    if (AGG_WITH_PARAM.has(op)) {
      this.expectOp(',', `aggregation ${op}`);
      param = expr;
      expr = this.parseExpr(0);
    }
    if (this.isOp(this.peek(), ',')) this.fail(this.peek(), `too many arguments in aggregation ${op}`);
    this.expectOp(')', `aggregation ${op}`);
    if (!seenMod && this.isAggModifier(this.peek())) {
      without = this.next().text.toLowerCase() === 'without';
      grouping = this.parseLabelList();
    }
    if (typeOf(expr) !== 'vector') this.fail(t, `expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`);
    if (param) {
      const want: ValueType = op === 'count_values' ? 'string' : 'scalar';
      if (typeOf(param) !== want) this.fail(t, `expected type ${typeName(want)} in aggregation parameter, got ${typeName(typeOf(param))}`);
    }
    return { kind: 'aggregate', op, expr, ...(param ? { param } : {}), grouping, without, pos: t.pos };
  }

  private parseLabelList(): string[] {
    this.expectOp('(', 'grouping opts');
    const out: string[] = [];
    while (!this.isOp(this.peek(), ')')) {
      const l = this.next();
      if (l.kind !== 'ident' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l.text)) this.fail(l, `unexpected ${this.describe(l)} in grouping opts, expected label`);
      out.push(l.text);
      if (this.isOp(this.peek(), ',')) this.next();
      else if (!this.isOp(this.peek(), ')')) this.fail(this.peek(), `unexpected ${this.describe(this.peek())} in grouping opts, expected "," or ")"`);
    }
    this.next();
    return out;
  }

  private parseSelector(name: string | undefined, t: Token): VectorSelector {
    const matchers: LabelMatcher[] = [];
    if (name !== undefined) matchers.push({ name: '__name__', op: '=', value: name });
    const hasBrace = name === undefined || this.isOp(this.peek(), '{');
    if (name !== undefined && hasBrace) this.next();
    if (hasBrace) {
      while (!this.isOp(this.peek(), '}')) {
        const l = this.next();
        if (l.kind !== 'ident' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l.text)) this.fail(l, `unexpected ${this.describe(l)} in label matching, expected label`);
        const op = this.next();
        if (op.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(op.text)) this.fail(op, `unexpected ${this.describe(op)} in label matching, expected label matching operator`);
        const v = this.next();
        if (v.kind !== 'str') this.fail(v, `unexpected ${this.describe(v)} in label matching, expected string`);
        if (op.text === '=~' || op.text === '!~') checkRegex(this.text, v, v.text);
        if (l.text === '__name__' && name !== undefined) this.fail(l, `metric name must not be set twice: "${name}"`);
        matchers.push({ name: l.text, op: op.text as LabelMatcher['op'], value: v.text });
        if (this.isOp(this.peek(), ',')) this.next();
        else if (!this.isOp(this.peek(), '}')) this.fail(this.peek(), `unexpected ${this.describe(this.peek())} in label matching, expected "," or "}"`);
      }
      this.next();
    }
    // info()'s data-label selector may match the empty string everywhere: it selects labels, not series
    if (!this.labelSelector && !matchers.some((m) => !matchesEmpty(m))) this.fail(t, 'vector selector must contain at least one non-empty matcher');
    return { kind: 'vector', ...(name !== undefined ? { name } : {}), matchers, offsetMs: 0, pos: t.pos };
  }
}

function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

function checkRegex(text: string, t: Token, re: string): void {
  try {
    anchoredRegex(re);
  } catch {
    parseFail(text, t.pos, `invalid regular expression "${re}"`);
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=': return m.value === '';
    case '!=': return m.value !== '';
    case '=~': return anchoredRegex(m.value).test('');
    case '!~': return !anchoredRegex(m.value).test('');
  }
}

/** Parses a PromQL query; throws PromQLParseError naming the line and column of the fault. */
export function parsePromQL(text: string): PromExpr {
  return new Parser(text).parseTop();
}
