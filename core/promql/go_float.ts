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

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6];
/** |v| * 10^d below this: distinct d-decimal numbers are distinct doubles, so the check in goFloatInto is exact. */
const EXACT_SCALED = 2 ** 51;
const digits = new Uint8Array(24);

/**
 * formatGoFloat(v) written as ASCII into `out` at `at` without making a string, for values with at most 6 decimals
 * (counters, gauges with a few decimals): the new end, or -1 when v takes the general path (String(v) and its fixes).
 * d is the fewest decimals with round(v * 10^d) / 10^d === v: below 2^51 no other number of d or fewer decimals reads
 * back as v, so those digits are the shortest that round-trip, as Go's and JS's shortest formatting choose.
 * `out` needs 24 bytes of room.
 */
export function goFloatInto(v: number, out: Uint8Array, at: number): number {
  if (!(v === v) || v === Infinity || v === -Infinity || (v === 0 && 1 / v < 0)) return -1;
  const a = v < 0 ? -v : v;
  let d = 0;
  let k = 0;
  for (;; d++) {
    if (d === POW10.length || a * POW10[d]! >= EXACT_SCALED) return -1;
    k = Math.round(a * POW10[d]!);
    if (k / POW10[d]! === a) break;
  }
  let n = 0;
  do {
    const q = Math.floor(k / 10);
    digits[n++] = 48 + (k - q * 10);
    k = q;
  } while (k > 0);
  // at least one digit before the point: 0.05 has digits "5", d = 2
  while (n <= d) digits[n++] = 48;
  if (v < 0) out[at++] = 45;
  for (let i = n - 1; i >= 0; i--) {
    out[at++] = digits[i]!;
    if (i === d && d > 0) out[at++] = 46;
  }
  return at;
}
