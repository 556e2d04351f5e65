// The index bench's rows: one row per series and round, log-like (a message of common words with one rare term, a
// high-cardinality trace id, points uniform over lat -60..60, lng -180..180), shared by the storage-level and the SQL run.
export const T0 = 1_700_000_000_000_000_000n;
const WORDS = ['GET', 'POST', 'user', 'login', 'failed', 'ok', 'timeout', 'cache', 'miss', 'db', 'query', 'slow'];
const RARE_ROUND = 3;
/** The needle box: 0.5 x 0.5 degrees (about 6 of 1M points). */
export const BOX = { minLat: 10, maxLat: 10.5, minLng: 20, maxLng: 20.5 };

export const hostName = (i: number): string => `host-${String(i).padStart(6, '0')}`;
export const svcOf = (i: number): number => i % 20;
/** A third tag, one value per series in no relation to the sort order (a pod or container id). */
export const podOf = (i: number): string => `pod-${(Math.imul(i, 2654435761) >>> 0).toString(36)}`;
export const traceOf = (round: number, s: number): string => `${(round * 2654435761 + s * 40503).toString(16).padStart(8, '0')}-${s.toString(16)}-${round}`;
/** One row of all holds the rare term 'zq9xw'. */
export const msgOf = (r: number, i: number, series: number): string =>
  `${WORDS[(i + r) % WORDS.length]} ${WORDS[(i * 7 + r) % WORDS.length]} id=${i}${r === RARE_ROUND && i === Math.floor(series * 0.333) ? ' kernel panic zq9xw' : ''}`;
export const latencyOf = (r: number, i: number): number => ((i * 31 + r) % 1000) / 10;
export function pointOf(r: number, i: number, series: number): [number, number] {
  const h = Math.imul(r * series + i, 2654435761) >>> 0, h2 = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
  return [(h / 2 ** 32) * 120 - 60, (h2 / 2 ** 32) * 360 - 180];
}
export const tsOf = (r: number, i: number): bigint => T0 + BigInt(r) * 10_000_000_000n + BigInt(i);
