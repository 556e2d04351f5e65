// Operator binding powers shared by the expression parser and the printer (which parenthesises by them).
import type { BinaryOp } from './ast.ts';

/** Binding powers, as in sqlparser-rs (which GreptimeDB uses): higher binds tighter. */
export const Prec = {
  OR: 5,
  AND: 10,
  NOT: 15,
  IS: 17,
  LIKE: 19,
  CMP: 20,
  PIPE: 21,
  CARET: 22,
  AMP: 23,
  ADD: 30,
  MUL: 40,
  UNARY: 45,
  POSTFIX: 50,
} as const;

export const BINARY_PREC: Record<BinaryOp, number> = {
  OR: Prec.OR, AND: Prec.AND,
  '=': Prec.CMP, '!=': Prec.CMP, '<>': Prec.CMP, '<': Prec.CMP, '<=': Prec.CMP, '>': Prec.CMP, '>=': Prec.CMP,
  '~': Prec.CMP, '!~': Prec.CMP, '~*': Prec.CMP, '!~*': Prec.CMP,
  '|': Prec.PIPE, '^': Prec.CARET, '#': Prec.CARET, '<<': Prec.CARET, '>>': Prec.CARET, '&': Prec.AMP,
  '+': Prec.ADD, '-': Prec.ADD,
  '*': Prec.MUL, '/': Prec.MUL, '%': Prec.MUL, '||': Prec.MUL,
};
