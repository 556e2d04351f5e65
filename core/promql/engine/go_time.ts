// Go's time arithmetic for seconds outside JavaScript's Date range: Prometheus's calendar functions convert a value
// with int64(v) (NaN and out-of-range give math.MinInt64 on amd64) and Go's absolute-time wrap-around; this mirrors it.

const DAY = 86_400n;
const D400 = 146_097n;
const D100 = 36_524n;
const D4 = 1_461n;
const ABSOLUTE_ZERO_YEAR = -292_277_022_399n;
const UNIX_TO_ABSOLUTE = 62_135_596_800n + 9_223_371_966_579_724_800n;
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

export interface GoDate { year: number; month: number; day: number; yday: number; hour: number; minute: number; weekday: number }

/** Go's int64(float64) on amd64: truncation, and math.MinInt64 for NaN and values out of range. */
function goInt64(v: number): bigint {
  if (!(v >= -9.223372036854775808e18 && v < 9.223372036854775808e18)) return -(2n ** 63n);
  return BigInt(Math.trunc(v));
}

const isLeap = (y: bigint): boolean => y % 4n === 0n && (y % 100n !== 0n || y % 400n === 0n);

export function goDate(secs: number): GoDate {
  const abs = BigInt.asUintN(64, goInt64(secs) + UNIX_TO_ABSOLUTE);
  let d = abs / DAY;
  let n = d / D400;
  let y = 400n * n;
  d -= D400 * n;
  n = d / D100;
  n -= n >> 2n;
  y += 100n * n;
  d -= D100 * n;
  n = d / D4;
  y += 4n * n;
  d -= D4 * n;
  n = d / 365n;
  n -= n >> 2n;
  y += n;
  d -= 365n * n;
  const year = y + ABSOLUTE_ZERO_YEAR;
  const yday = Number(d);
  let day = yday;
  let month: number;
  const sod = Number(abs % DAY);
  const base = { year: Number(year), yday, hour: Math.floor(sod / 3600), minute: Math.floor((sod % 3600) / 60), weekday: Number(((abs + DAY) % (7n * DAY)) / DAY) };
  if (isLeap(year)) {
    if (day === 31 + 29 - 1) return { ...base, month: 2, day: 29 };
    if (day > 31 + 29 - 1) day--;
  }
  month = Math.floor(day / 31);
  const end = DAYS_BEFORE[month + 1]!;
  let begin: number;
  if (day >= end) { month++; begin = end; } else begin = DAYS_BEFORE[month]!;
  return { ...base, month: month + 1, day: day - begin + 1 };
}

export function goDaysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(BigInt(year)) ? 29 : 28;
  return DAYS_BEFORE[month]! - DAYS_BEFORE[month - 1]!;
}
