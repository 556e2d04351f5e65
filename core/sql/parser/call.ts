// Function-call tails: argument list (DISTINCT, *, ORDER BY), WITHIN GROUP, FILTER and OVER window specs.
import type { FunctionCall, Ident, SourcePos, WindowFrame, WindowFrameBound, WindowSpec } from '../ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr, parseOrderByList } from './expr.ts';
import { Prec } from '../precedence.ts';

export function parseCall(p: Cursor, name: Ident[], pos: SourcePos): FunctionCall {
  p.expectOp('(');
  const call: FunctionCall = { type: 'function', name, args: [], distinct: false, pos };
  if (p.eatKw('DISTINCT')) call.distinct = true;
  else p.eatKw('ALL');
  if (!p.isOp(')')) {
    for (;;) {
      if (p.isOp('*') && (p.isOp(')', 1) || p.isOp(',', 1))) {
        call.args.push({ type: 'wildcard', pos: p.pos(p.next()) });
      } else {
        call.args.push(parseExpr(p));
      }
      if (!p.eatOp(',')) break;
    }
    nullTreatment(p, call);
    if (p.isKws('ORDER', 'BY')) {
      p.i += 2;
      call.orderBy = parseOrderByList(p);
    }
  }
  p.expectOp(')');
  nullTreatment(p, call);
  if (p.isKws('WITHIN', 'GROUP')) {
    p.i += 2;
    p.expectOp('(');
    p.expectKw('ORDER', 'BY');
    call.withinGroup = parseOrderByList(p);
    p.expectOp(')');
  }
  if (p.isKw('FILTER') && p.isOp('(', 1)) {
    p.i += 2;
    p.expectKw('WHERE');
    call.filter = parseExpr(p);
    p.expectOp(')');
  }
  if (p.eatKw('OVER')) call.over = parseWindowSpec(p);
  return call;
}

/** IGNORE NULLS / RESPECT NULLS, written inside the parentheses or after them. */
function nullTreatment(p: Cursor, call: FunctionCall): void {
  if (p.eatKw('IGNORE', 'NULLS')) call.nulls = 'ignore';
  else if (p.eatKw('RESPECT', 'NULLS')) call.nulls = 'respect';
}

export function parseWindowSpec(p: Cursor): WindowSpec {
  if (!p.isOp('(')) return { name: p.ident('a window name or ('), partitionBy: [], orderBy: [] };
  p.expectOp('(');
  const spec: WindowSpec = { partitionBy: [], orderBy: [] };
  if (p.isIdent() && !p.isKw('PARTITION') && !p.isKw('ROWS') && !p.isKw('GROUPS')) spec.name = p.ident();
  if (p.eatKw('PARTITION', 'BY')) spec.partitionBy = p.commaList(() => parseExpr(p));
  if (p.eatKw('ORDER', 'BY')) spec.orderBy = parseOrderByList(p);
  if (p.isKw('ROWS') || p.isKw('RANGE') || p.isKw('GROUPS')) spec.frame = parseFrame(p);
  p.expectOp(')');
  return spec;
}

function parseFrame(p: Cursor): WindowFrame {
  const units = p.next().upper as WindowFrame['units'];
  let frame: WindowFrame;
  if (p.eatKw('BETWEEN')) {
    const start = parseBound(p);
    p.expectKw('AND');
    frame = { units, start, end: parseBound(p) };
  } else frame = { units, start: parseBound(p) };
  if (p.eatKw('EXCLUDE')) {
    if (p.eatKw('CURRENT', 'ROW')) frame.exclude = 'current_row';
    else if (p.eatKw('GROUP')) frame.exclude = 'group';
    else if (p.eatKw('TIES')) frame.exclude = 'ties';
    else if (!p.eatKw('NO', 'OTHERS')) throw p.error('CURRENT ROW, GROUP, TIES or NO OTHERS after EXCLUDE');
  }
  return frame;
}

function parseBound(p: Cursor): WindowFrameBound {
  if (p.eatKw('CURRENT', 'ROW')) return { kind: 'current_row' };
  if (p.eatKw('UNBOUNDED', 'PRECEDING')) return { kind: 'unbounded_preceding' };
  if (p.eatKw('UNBOUNDED', 'FOLLOWING')) return { kind: 'unbounded_following' };
  const offset = parseExpr(p, Prec.POSTFIX - 1);
  if (p.eatKw('PRECEDING')) return { kind: 'preceding', offset };
  if (p.eatKw('FOLLOWING')) return { kind: 'following', offset };
  throw p.error('PRECEDING or FOLLOWING');
}

