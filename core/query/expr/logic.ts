// Three-valued boolean kernels: AND, OR, NOT and the conversion of a vector to booleans.
import type { SourcePos } from '../../sql/index.ts';
import { PlanError } from '../plan/rel.ts';
import type { BoolVec, Vec } from '../vector.ts';
import { boolVec, isNull, setNull } from '../vector.ts';

export function toBool(v: Vec, pos?: SourcePos): BoolVec {
  if (v.kind === 'bool') return v;
  const n = v.v.length;
  if (v.dt === 'Null') { const out = boolVec(n); for (let i = 0; i < n; i++) setNull(out, i); return out; }
  if (v.kind === 'num') {
    const out = boolVec(n);
    for (let i = 0; i < n; i++) { if (isNull(v, i)) setNull(out, i); else out.v[i] = v.v[i] !== 0 ? 1 : 0; }
    return out;
  }
  throw new PlanError(`Cannot use ${v.dt} as a boolean`, pos);
}

export function notVec(v: BoolVec): BoolVec {
  const out = boolVec(v.v.length);
  for (let i = 0; i < v.v.length; i++) out.v[i] = v.v[i] ? 0 : 1;
  out.valid = v.valid ? v.valid.slice() : null;
  return out;
}

export function logic(op: 'AND' | 'OR', a0: Vec, b0: Vec, pos: SourcePos): BoolVec {
  const a = toBool(a0, pos), b = toBool(b0, pos);
  const n = a.v.length;
  const out = boolVec(n);
  for (let i = 0; i < n; i++) {
    const na = a.valid !== null && a.valid[i] === 0, nb = b.valid !== null && b.valid[i] === 0;
    const x = a.v[i]!, y = b.v[i]!;
    if (op === 'AND') {
      if ((!na && x === 0) || (!nb && y === 0)) out.v[i] = 0;
      else if (na || nb) setNull(out, i);
      else out.v[i] = 1;
    } else {
      if ((!na && x === 1) || (!nb && y === 1)) out.v[i] = 1;
      else if (na || nb) setNull(out, i);
      else out.v[i] = 0;
    }
  }
  return out;
}
