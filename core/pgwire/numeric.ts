// numeric's binary form (base-10000 digits, weight, sign, display scale) to and from decimal text.
import { PgParameterError } from './errors.ts';

const NUMERIC_POS = 0x0000, NUMERIC_NEG = 0x4000, NUMERIC_NAN = 0xc000, NUMERIC_PINF = 0xd000, NUMERIC_NINF = 0xf000;

/** Encodes decimal text (`-123.4500`, `NaN`, `Infinity`, `1e5` is refused) as numeric's binary send format. */
export function numericBinary(text: string): Uint8Array {
  const head = (ndigits: number, weight: number, sign: number, dscale: number) => {
    const out = new Uint8Array(8 + 2 * ndigits);
    const dv = new DataView(out.buffer);
    dv.setInt16(0, ndigits); dv.setInt16(2, weight); dv.setUint16(4, sign); dv.setInt16(6, dscale);
    return { out, dv };
  };
  if (text === 'NaN') return head(0, 0, NUMERIC_NAN, 0).out;
  if (text === 'Infinity' || text === '-Infinity') return head(0, 0, text[0] === '-' ? NUMERIC_NINF : NUMERIC_PINF, 0).out;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new PgParameterError(`invalid input syntax for type numeric: "${text}"`);
  const neg = m[1] === '-';
  const intPart = m[2]!.replace(/^0+/, '');
  const frac = m[3] ?? '';
  const intGroups = Math.ceil(intPart.length / 4);
  const padded = intPart.padStart(intGroups * 4, '0') + frac.padEnd(Math.ceil(frac.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < padded.length; i += 4) groups.push(Number(padded.slice(i, i + 4)));
  let weight = intGroups - 1;
  let start = 0;
  while (start < groups.length && groups[start] === 0) { start++; weight--; }
  let end = groups.length;
  while (end > start && groups[end - 1] === 0) end--;
  const digits = groups.slice(start, end);
  const { out, dv } = head(digits.length, digits.length ? weight : 0, neg && digits.length ? NUMERIC_NEG : NUMERIC_POS, frac.length);
  digits.forEach((d, i) => dv.setInt16(8 + 2 * i, d));
  return out;
}

/** Decodes numeric's binary form back to decimal text with its display scale. */
export function numericFromBinary(b: Uint8Array): string {
  if (b.length < 8) throw new PgParameterError(`numeric value of ${b.length} bytes is shorter than its 8-byte header`, '22P03');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ndigits = dv.getInt16(0), weight = dv.getInt16(2), sign = dv.getUint16(4), dscale = dv.getInt16(6);
  if (sign === NUMERIC_NAN) return 'NaN';
  if (sign === NUMERIC_PINF) return 'Infinity';
  if (sign === NUMERIC_NINF) return '-Infinity';
  if (ndigits < 0 || dscale < 0 || b.length !== 8 + 2 * ndigits || (sign !== NUMERIC_POS && sign !== NUMERIC_NEG)) {
    throw new PgParameterError('invalid binary numeric value', '22P03');
  }
  let int = '';
  let frac = '';
  for (let i = 0; i < ndigits; i++) {
    const d = dv.getInt16(8 + 2 * i);
    if (d < 0 || d > 9999) throw new PgParameterError(`invalid digit ${d} in binary numeric value`, '22P03');
    const s = String(d).padStart(4, '0');
    if (i <= weight) int += s; else frac += s;
  }
  // digits beyond the ones sent are zeros on either side of the point
  if (weight >= ndigits) int += '0000'.repeat(weight - ndigits + 1);
  if (weight < -1) frac = '0000'.repeat(-weight - 1) + frac;
  int = int.replace(/^0+/, '') || '0';
  frac = frac.padEnd(dscale, '0').slice(0, dscale);
  return `${sign === NUMERIC_NEG ? '-' : ''}${int}${dscale ? '.' + frac : ''}`;
}
