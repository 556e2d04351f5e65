// VECTOR functions: parse_vec / vec_to_string, distances (cosine, squared L2, dot product), element-wise and
// scalar arithmetic, norms, sub-vectors. A vector value travels as its text '[1,2,3]' with the type Binary.
import { ExecError, StatusCode } from '../../errors.ts';
import type { Fn } from './fn_util.ts';
import { shortestFloat32 } from './cast.ts';
import { getValue, isNull, numVec, setNull, strVec } from '../vector.ts';
import type { Vec } from '../vector.ts';

function fail(msg: string): never {
  throw new ExecError(msg, undefined, StatusCode.InvalidArguments);
}

/** '[1, 2.5, 3]' -> 32-bit floats; an element that is not a number is an error naming it. */
export function parseVector(text: string): Float32Array {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) fail(`Invalid vector string: ${text}`);
  const body = t.slice(1, -1).trim();
  if (!body) return new Float32Array(0);
  return Float32Array.from(body.split(',').map((p) => {
    const x = Number(p.trim());
    if (p.trim() === '' || Number.isNaN(x)) fail(`Invalid vector string: ${text}`);
    return x;
  }));
}

export function vectorText(v: Float32Array): string {
  return `[${Array.from(v, (x) => shortestFloat32(x)).join(',')}]`;
}

const at = (a: Vec, i: number): Float32Array | null => {
  const x = getValue(a, i);
  return x === null ? null : x instanceof Float32Array ? x : parseVector(String(x));
};

function sameDim(a: Float32Array, b: Float32Array): void {
  if (a.length !== b.length) fail(`The length of the vectors must match to calculate distance, have: ${a.length} vs ${b.length}`);
}

/** Two vectors -> a Float32 per row (null when either is null). */
function distance(f: (a: Float32Array, b: Float32Array) => number): Fn {
  return (args, n) => {
    const out = numVec('Float32', n);
    for (let i = 0; i < n; i++) {
      const a = at(args[0]!, i), b = at(args[1]!, i);
      if (!a || !b) { setNull(out, i); continue; }
      sameDim(a, b);
      out.v[i] = Math.fround(f(a, b));
    }
    return out;
  };
}

/** Rows -> a vector per row; `f` gets each row's argument values (vectors parsed, numbers as numbers). */
function vectorOut(f: (xs: (Float32Array | number)[]) => Float32Array, kinds: ('v' | 'n')[]): Fn {
  return (args, n) => {
    const out = strVec(n);
    out.dt = 'Binary';
    for (let i = 0; i < n; i++) {
      if (args.some((a) => isNull(a, i))) continue;
      const xs = args.map((a, j) => (kinds[j] === 'n' ? Number(getValue(a, i)) : at(a, i)!));
      out.v[i] = vectorText(f(xs));
    }
    return out;
  };
}

function reduce(f: (v: Float32Array) => number, dt = 'Float32'): Fn {
  return (args, n) => {
    const out = numVec(dt, n);
    for (let i = 0; i < n; i++) {
      const v = at(args[0]!, i);
      if (!v) setNull(out, i);
      else out.v[i] = dt === 'Float32' ? Math.fround(f(v)) : f(v);
    }
    return out;
  };
}

// sums and products in 32-bit floats, as the vectors' own type computes them
const f = Math.fround;
const dot = (a: Float32Array, b: Float32Array) => { let s = 0; for (let i = 0; i < a.length; i++) s = f(s + f(a[i]! * b[i]!)); return s; };
const elementwise = (op: (x: number, y: number) => number) => vectorOut(([a, b]) => {
  const x = a as Float32Array, y = b as Float32Array;
  if (x.length !== y.length) fail(`The length of the vectors must match, have: ${x.length} vs ${y.length}`);
  return x.map((v, i) => op(v, y[i]!));
}, ['v', 'v']);

export const VECTOR: Record<string, Fn> = {
  parse_vec: vectorOut(([v]) => v as Float32Array, ['v']),
  vec_to_string: (args, n) => {
    const out = strVec(n);
    for (let i = 0; i < n; i++) { const v = at(args[0]!, i); if (v) out.v[i] = vectorText(v); }
    return out;
  },
  vec_dot_product: distance(dot),
  vec_cos_distance: distance((a, b) => {
    const d = f(Math.sqrt(f(dot(a, a) * dot(b, b))));
    return d === 0 ? 1 : f(1 - f(dot(a, b) / d));
  }),
  vec_l2sq_distance: distance((a, b) => { let s = 0; for (let i = 0; i < a.length; i++) { const d = f(a[i]! - b[i]!); s = f(s + f(d * d)); } return s; }),
  vec_add: elementwise((x, y) => x + y),
  vec_sub: elementwise((x, y) => x - y),
  vec_mul: elementwise((x, y) => x * y),
  vec_div: elementwise((x, y) => x / y),
  vec_scalar_add: vectorOut(([k, v]) => (v as Float32Array).map((x) => x + (k as number)), ['n', 'v']),
  vec_scalar_mul: vectorOut(([k, v]) => (v as Float32Array).map((x) => x * (k as number)), ['n', 'v']),
  vec_norm: vectorOut(([v]) => {
    const a = v as Float32Array, len = Math.sqrt(dot(a, a));
    return len === 0 ? a : a.map((x) => x / len);
  }, ['v']),
  vec_elem_sum: reduce((v) => v.reduce((s, x) => s + x, 0)),
  vec_elem_product: reduce((v) => v.reduce((s, x) => s * x, 1)),
  vec_elem_avg: reduce((v) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN)),
  vec_dim: reduce((v) => v.length, 'UInt64'),
  vec_kth_elem: (args, n) => {
    const out = numVec('Float32', n);
    for (let i = 0; i < n; i++) {
      const v = at(args[0]!, i), k = getValue(args[1]!, i);
      if (!v || k === null) { setNull(out, i); continue; }
      const j = Number(k);
      if (!Number.isInteger(j) || j < 0 || j >= v.length) fail(`Invalid index: ${j}, the vector has ${v.length} elements`);
      out.v[i] = v[j]!;
    }
    return out;
  },
  vec_subvector: vectorOut(([v, s, e]) => {
    const a = v as Float32Array, from = s as number, to = e as number;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > a.length || from > to) fail(`Invalid start or end index: [${from}, ${to}) of a vector of ${a.length} elements`);
    return a.slice(from, to);
  }, ['v', 'n', 'n']),
};
