// Numbers as GreptimeDB prints them: Rust's display of f64 (1.0, 1e-7 as 0.0000001), Float32 in its shortest text,
// decimals at their scale. A leaf module, so nested-value display (map_value.ts) and casts share it.
import type { DType } from '../vector.ts';
import { INT_TYPES } from '../vector.ts';
import { decimalOf, formatDecimal } from './decimal.ts';

/** The shortest decimal text that reads back as the same 32-bit float: how a Float32 prints (0.1, not 0.10000000149011612). */
export function shortestFloat32(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  for (let p = 1; p < 10; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

export function formatNumber(x: number, dt: DType): string {
  if (INT_TYPES.has(dt)) return String(x);
  const dec = decimalOf(dt);
  if (dec) return formatDecimal(x, dec.s);
  if (dt === 'Float32' && Number.isFinite(x) && !Number.isInteger(x)) x = Number(shortestFloat32(x));
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m) {
    const exp = Number(m[4]);
    const digits = m[2]! + (m[3] ?? '');
    if (exp > 0) return m[1] + digits.padEnd(exp + 1, '0') + (digits.length > exp + 1 ? '' : '.0');
    return m[1] + '0.' + '0'.repeat(-exp - 1) + digits;
  }
  return s;
}
