// Go's strconv.FormatFloat(v, 'f', -1, 64), which Prometheus uses for sample values, count_values labels and
// number literals: the shortest digits that read back to v, never an exponent; NaN, +Inf, -Inf and -0 spelled as Go does.

/** A float as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  if (!s.includes('e')) return s;
  const neg = v < 0;
  const [mant, expS] = (neg ? s.slice(1) : s).split('e') as [string, string];
  const digits = mant.replace('.', '');
  const dot = mant.indexOf('.');
  const point = (dot < 0 ? mant.length : dot) + Number(expS);
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return neg ? '-' + out : out;
}

/**
 * A float as Go's `%g` writes it (strconv 'g', shortest digits): an exponent (`1e+06`, `1.5e-05`, at least two digits)
 * when the decimal exponent is below -4 or at least 6, else plain; Prometheus's annotations print their numbers so.
 */
export function formatGoG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expS] = v.toExponential().split('e') as [string, string];
  const exp = Number(expS);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return formatGoFloat(v);
}
