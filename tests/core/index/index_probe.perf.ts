// Throughput probe (run by hand: node --import tsx tests/core/index/index_probe.perf.ts [rows]): full-text and spatial
// index build time, size, and a needle probe against evaluating the function on every row, on one core.
import { loadavg } from 'node:os';
import { buildFulltextIndex, compileQuery, fulltextIndexOptions, matchText, matchesTerm, openFulltextIndex, probeFulltextIndex } from '../../../core/index/fulltext/index.ts';
import { buildSpatialIndex, haversineM, openSpatialIndex, probeSpatialIndex } from '../../../core/index/spatial/index.ts';

const n = Number(process.argv[2] ?? 1_000_000);
const t = (): number => performance.now();
const ms = (a: number): string => `${(t() - a).toFixed(1)} ms`;
const count = (s: { start: Uint32Array; end: Uint32Array }): number => s.start.reduce((a, x, i) => a + s.end[i]! - x, 0);
console.log(`rows ${n}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 shared cores, other agents running)`);

const verbs = ['GET', 'POST', 'PUT', 'DELETE'], words = ['users', 'orders', 'items', 'carts', 'login', 'search'];
const msgs = Array.from({ length: n }, (_, i) => `${verbs[i % 4]} /api/v1/${words[i % 6]}/${i % 997} status=${i % 13 === 0 ? 500 : 200} took ${i % 250}ms trace=${(i * 2654435761 >>> 0).toString(16)}`);
const rawBytes = msgs.reduce((a, m) => a + m.length, 0);
const needle = (Math.floor(n * 0.77) * 2654435761 >>> 0).toString(16);
let a = t();
let full = 0;
for (const m of msgs) if (matchesTerm(m, needle)) full++;
console.log(`matches_term full scan: ${ms(a)}, ${full} rows`);
const q = compileQuery(needle, { analyzer: 'English', caseSensitive: false });
a = t();
full = 0;
for (const m of msgs) if (matchText(q, m, { analyzer: 'English', caseSensitive: false })) full++;
console.log(`matches() full scan: ${ms(a)}, ${full} rows`);
for (const backend of ['bloom', 'tantivy']) {
  a = t();
  const bytes = buildFulltextIndex(msgs, n, fulltextIndexOptions({ backend }));
  const built = ms(a);
  a = t();
  const r = openFulltextIndex(bytes);
  const opened = ms(a);
  a = t();
  const sel = probeFulltextIndex(r, { kind: 'term', term: needle })!;
  let kept = 0;
  for (let i = 0; i < sel.start.length; i++) for (let k = sel.start[i]!; k < sel.end[i]!; k++) if (matchesTerm(msgs[k]!, needle)) kept++;
  console.log(`fulltext ${backend}: build ${built}, ${(bytes.length / 1e6).toFixed(1)} MB (${((100 * bytes.length) / rawBytes).toFixed(1)}% of ${(rawBytes / 1e6).toFixed(0)} MB text), open ${opened}, needle probe + filter ${ms(a)}: ${count(sel)} candidate rows, ${kept} kept`);
}

const lat = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1_800_000) / 10_000 - 90);
const lng = Float64Array.from({ length: n }, (_, i) => ((i * 104729) % 3_600_000) / 10_000 - 180);
a = t();
let inBox = 0, inRadius = 0;
for (let i = 0; i < n; i++) if (lat[i]! >= 10 && lat[i]! <= 10.1 && lng[i]! >= 20 && lng[i]! <= 20.1) inBox++;
const boxScan = ms(a);
a = t();
for (let i = 0; i < n; i++) if (haversineM(lat[i]!, lng[i]!, 10, 20) <= 20_000) inRadius++;
const radiusScan = ms(a);
a = t();
const sb = buildSpatialIndex({ values: lat, valid: null }, { values: lng, valid: null }, n);
console.log(`spatial: build ${ms(a)}, ${(sb.length / 1e6).toFixed(1)} MB; full scans: box ${boxScan} (${inBox} rows), radius ${radiusScan} (${inRadius} rows)`);
const sr = openSpatialIndex(sb);
a = t();
const box = probeSpatialIndex(sr, { op: 'bbox', minLat: 10, maxLat: 10.1, minLng: 20, maxLng: 20.1 })!;
console.log(`spatial box probe ${ms(a)}: ${count(box)} rows`);
a = t();
const rad = probeSpatialIndex(sr, { op: 'radius', lat: 10, lng: 20, meters: 20_000 })!;
console.log(`spatial radius probe ${ms(a)}: ${count(rad)} rows`);
