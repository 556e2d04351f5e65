// The VECTOR(dim) type (a fixed number of float32 elements, as GreptimeDB's) and its functions: parse_vec /
// vec_to_string, distances (cosine, squared L2, dot product), element-wise and scalar arithmetic, norms, sub-vectors.
// A vector value travels as its canonical text '[1,2,3]': typed Vector(dim) from a column or a cast, Binary from a
// function. Stored in a string column holding that text.
import { ExecError, StatusCode } from '../../errors.ts';
import type { Fn } from './fn_util.ts';
import { getValue, isNull, numVec, setNull, strVec } from '../vector.ts';
import type { Vec } from '../vector.ts';

function fail(msg: string): never {
  throw new ExecError(msg, undefined, StatusCode.InvalidArguments);
}

/** An element as Rust's `str::parse::<f32>` reads it (GreptimeDB's parser): no hex, no empty text; inf / nan words. */
const F32_TEXT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/**
 * '[1, 2.5, 3]' -> 32-bit floats, with GreptimeDB's rules and messages (brackets, float32 elements, the dimension
 * when one is asked for).
 */
export function parseVector(text: string, dim?: number): Float32Array {
  const t = text.trim();
  const bad = (why: string): never => fail(`Failed to parse ${text} to Vector value: ${why}`);
  if (!t.startsWith('[') || !t.endsWith(']') || t.length < 2) bad('not properly enclosed in brackets');
  const body = t.slice(1, -1).trim();
  const parts = body ? body.split(',') : [];
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!.trim();
    if (!F32_TEXT.test(p)) bad('elements are not all float32');
    const w = p.replace(/^[+-]/, '').toLowerCase();
    out[i] = w === 'inf' || w === 'infinity' ? (p.startsWith('-') ? -Infinity : Infinity) : w === 'nan' ? NaN : Number(p);
  }
  if (dim !== undefined && out.length !== dim) bad('wrong dimension');
  return out;
}

/** Rust's Display of an f32 (how GreptimeDB prints vector elements): the shortest digits that read back, no exponent. */
export function f32Text(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let s = x.toPrecision(9);
  for (let p = 1; p < 9; p++) {
    const t = x.toPrecision(p);
    if (Math.fround(Number(t)) === x) { s = t; break; }
  }
  const [mant, e] = Number(s).toExponential().split('e') as [string, string];
  const neg = mant.startsWith('-');
  const digits = mant.replace(/^-/, '').replace('.', '');
  const exp = Number(e);
  let plain: string;
  if (exp >= digits.length - 1) plain = digits + '0'.repeat(exp - digits.length + 1);
  else if (exp < 0) plain = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else plain = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? `-${plain}` : plain;
}

export function vectorText(v: Float32Array): string {
  return `[${Array.from(v, f32Text).join(',')}]`;
}

/** The dimension of a `Vector(<dim>)` type name, or undefined for another type. */
export function vectorDim(dt: string): number | undefined {
  const m = /^Vector\((\d+)\)$/.exec(dt);
  return m ? Number(m[1]) : undefined;
}

/**
 * A cast to VECTOR(dim): text '[..]' (or another vector) checked against the dimension; bytes as concatenated
 * little-endian float32 (how GreptimeDB stores a vector). The value travels as its canonical text '[1,2,3]'.
 */
export function castToVector(v: Vec, dim: number, tryCast: boolean): Vec {
  const n = v.kind === 'str' || v.kind === 'any' ? v.v.length : (v.v as ArrayLike<unknown>).length;
  const out = strVec(n);
  out.dt = `Vector(${dim})`;
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) continue;
    const x = getValue(v, i);
    try {
      let vec: Float32Array;
      if (x instanceof Float32Array) vec = x;
      else if (v.dt === 'Binary' && !String(x).startsWith('[')) {
        const hex = String(x);
        if (hex.length !== dim * 8) fail(`Failed to convert Vector value: wrong byte size, expected ${dim * 4}, got ${hex.length / 2}`);
        vec = new Float32Array(Uint8Array.from(Buffer.from(hex, 'hex')).buffer);
      } else if (v.kind === 'str' || v.kind === 'any') vec = parseVector(String(x), dim);
      else fail(`Cannot cast ${v.dt} to Vector(${dim})`);
      if (vec.length !== dim) fail(`Failed to parse ${vectorText(vec)} to Vector value: wrong dimension`);
      out.v[i] = vectorText(vec);
    } catch (e) {
      if (!tryCast) throw e;
    }
  }
  return out;
}

/** Row i of a vector argument (a VECTOR column, Binary from parse_vec, or vector text), null when NULL. */
export const vectorAt = (a: Vec, i: number): Float32Array | null => at(a, i);

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
// the distance functions' names without the vec_ prefix, as GreptimeDB registers them too
VECTOR.dot_product = VECTOR.vec_dot_product!;
VECTOR.cos_distance = VECTOR.vec_cos_distance!;
VECTOR.l2sq_distance = VECTOR.vec_l2sq_distance!;
