// Binary operators: a dispatch table from operator to kernel family (logic, comparison, arithmetic, string).
import type { BinaryOp, SourcePos } from '../../sql/index.ts';
import type { Vec } from '../vector.ts';
import { boolVec, getValue, isNull, setNull, strVec } from '../vector.ts';
import { arith } from './arith.ts';
import { displayValue } from './cast.ts';
import { compare } from './compare.ts';
import { logic } from './logic.ts';
import { compileRegex } from './regex.ts';

type Kernel = (op: BinaryOp, a: Vec, b: Vec, pos: SourcePos) => Vec;

const logicK: Kernel = (op, a, b, pos) => logic(op as 'AND' | 'OR', a, b, pos);
const cmpK: Kernel = (op, a, b, pos) => compare(op, a, b, pos);
const regexK: Kernel = (op, a, b, pos) => regexOp(op, a, b, pos);
const concatK: Kernel = (_op, a, b) => concatOp(a, b);

const KERNELS: Partial<Record<string, Kernel>> = {
  AND: logicK, OR: logicK,
  '=': cmpK, '!=': cmpK, '<>': cmpK, '<': cmpK, '<=': cmpK, '>': cmpK, '>=': cmpK,
  '||': concatK,
  '~': regexK, '!~': regexK, '~*': regexK, '!~*': regexK,
};

export function evalBinary(op: BinaryOp, a: Vec, b: Vec, pos: SourcePos): Vec {
  return (KERNELS[op] ?? arith)(op, a, b, pos);
}

function regexOp(op: string, a: Vec, b: Vec, pos: SourcePos): Vec {
  const n = a.v.length;
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    if (isNull(a, i) || isNull(b, i)) { setNull(out, i); continue; }
    const re = compileRegex(String(getValue(b, i)), op.includes('*') ? 'i' : '', pos);
    out.v[i] = re.test(String(getValue(a, i))) !== op.startsWith('!') ? 1 : 0;
  }
  return out;
}

function concatOp(a: Vec, b: Vec): Vec {
  const n = a.v.length;
  const out = strVec(n);
  for (let i = 0; i < n; i++) {
    if (isNull(a, i) || isNull(b, i)) continue;
    out.v[i] = displayValue(a, i) + displayValue(b, i);
  }
  return out;
}
