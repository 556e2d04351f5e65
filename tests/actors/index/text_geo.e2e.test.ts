// FULLTEXT and SPATIAL indexes on a real node and nats-server: SQL answers of an indexed table equal those of the
// same rows in a table without indexes (fast-check over random rows and predicates), and EXPLAIN ANALYZE shows
// which index pruned how many row groups and rows.
import fc from 'fast-check';
import * as h3 from 'h3-js';
import { geohashEncode as geohashOf } from '../../../core/query/expr/fn_geo.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, startNode, tempDir } from '../../harness/index.ts';
import { analyze, exec, indexed, rows, type Node } from './sql_client.ts';

// words of mixed scripts with no space between them ('系统error发生'): matches_term and the index cut them alike
const WORDS = ['GET', 'POST', '/api/v1', 'error', 'Error', 'timeout', 'ok', 'user=42', 'abc123', 'failed:', 'cache-miss', '系统error发生', '连接timeout.5次', 'Größe', 'ERROR系统'];
const COLS = `host STRING, msg STRING, lat DOUBLE, lng DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)`;

interface R { host: string; msg: string | null; lat: number | null; lng: number | null }
const rowArb = fc.record({
  host: fc.constantFrom('a', 'b', 'c'),
  msg: fc.oneof(fc.constant(null), fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }).map((w) => w.join(' '))),
  lat: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.integer({ min: -800, max: 800 }).map((x) => x / 10) }),
  lng: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.integer({ min: -1700, max: 1700 }).map((x) => x / 10) }),
});
const lit = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);
const predArb = fc.oneof(
  fc.constantFrom(...WORDS, 'api', 'v1', 'miss', '系统', 'Gr', '5次', 'ERROR').map((t) => `matches_term(msg, ${lit(t)})`),
  fc.constantFrom(...WORDS, 'api').map((t) => `msg @@ ${lit(t)}`),
  fc.constantFrom('error', 'error -timeout', '+GET api', '"failed timeout"', 'ok OR abc123', '-ok', 'user AND 42').map((q) => `matches(msg, ${lit(q)})`),
  fc.tuple(fc.integer({ min: -80, max: 70 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: -170, max: 150 }), fc.integer({ min: 0, max: 60 }))
    .map(([a, da, b, db]) => `lat BETWEEN ${a} AND ${a + da} AND lng >= ${b} AND lng < ${b + db}`),
  fc.tuple(fc.integer({ min: -80, max: 80 }), fc.integer({ min: -170, max: 170 }), fc.integer({ min: 1000, max: 3_000_000 }))
    .map(([a, b, m]) => `st_distance_sphere_m(wkt_point_from_latlng(lat, lng), 'POINT(${b} ${a})') < ${m}`),
  fc.tuple(fc.integer({ min: -80, max: 60 }), fc.integer({ min: -170, max: 140 }), fc.integer({ min: 1, max: 30 }))
    .map(([a, b, d]) => `st_within(wkt_point_from_latlng(lat, lng), 'POLYGON((${b} ${a}, ${b + d} ${a}, ${b + d} ${a + d}, ${b} ${a}))')`),
  // cell equalities: the cell of a random row-like point, so some rows share it
  fc.tuple(fc.integer({ min: -800, max: 800 }), fc.integer({ min: -1700, max: 1700 }), fc.integer({ min: 0, max: 5 }))
    .map(([a, b, r]) => `h3_latlng_to_cell(lat, lng, ${r}) = ${BigInt('0x' + h3.latLngToCell(a / 10, b / 10, r))}`),
  fc.tuple(fc.integer({ min: -800, max: 800 }), fc.integer({ min: -1700, max: 1700 }), fc.integer({ min: 0, max: 5 }))
    .map(([a, b, r]) => `h3_latlng_to_cell_string(lat, lng, ${r}) = '${h3.latLngToCell(a / 10, b / 10, r)}'`),
  fc.tuple(fc.integer({ min: -800, max: 800 }), fc.integer({ min: -1700, max: 1700 }), fc.integer({ min: 1, max: 4 }))
    .map(([a, b, r]) => `geohash(lat, lng, ${r}) = '${geohashOf(a / 10, b / 10, r)}'`),
);
const whereArb = fc.oneof(
  { weight: 3, arbitrary: predArb },
  { weight: 2, arbitrary: fc.tuple(predArb, predArb).map(([a, b]) => `${a} AND ${b}`) },
  { weight: 1, arbitrary: fc.tuple(predArb, predArb).map(([a, b]) => `(${a}) OR (${b})`) },
);

describe('FULLTEXT and SPATIAL index pushdown', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let node: Node;
  const dir = tempDir();
  beforeAll(async () => {
    nats = await startNats();
    node = await startNode({ data: dir.path, nats: nats.url });
  });
  afterAll(async () => { await node.stop(); await nats.cleanup(); dir.cleanup(); });

  it('answers as a table without indexes (random rows and predicates)', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.array(rowArb, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 3 }), fc.array(whereArb, { minLength: 4, maxLength: 8 }), async (batches, wheres) => {
      const ix = `ix${run}`, plain = `plain${run++}`;
      await exec(node, `CREATE TABLE ${ix} (${COLS.replace('msg STRING', `msg STRING FULLTEXT INDEX WITH (granularity = '8')`)}, SPATIAL INDEX (lat, lng) WITH (node_size = '4')) WITH (append_mode = 'true')`);
      await exec(node, `CREATE TABLE ${plain} (${COLS}) WITH (append_mode = 'true')`);
      let t = 1_700_000_000_000;
      for (const b of batches) {
        const values = b.map((r: R) => `(${lit(r.host)}, ${lit(r.msg)}, ${lit(r.lat)}, ${lit(r.lng)}, ${t++})`).join(', ');
        for (const name of [ix, plain]) {
          await exec(node, `INSERT INTO ${name} (host, msg, lat, lng, ts) VALUES ${values}`);
          await exec(node, `ADMIN flush_table('${name}')`);
        }
      }
      await indexed(node);
      for (const w of wheres) {
        const q = (name: string) => `SELECT ts, host, msg, lat, lng FROM ${name} WHERE ${w} ORDER BY ts`;
        expect(await rows(node, q(ix)), w).toEqual(await rows(node, q(plain)));
      }
    }), { numRuns: 8 });
  }, 300_000);

  it('EXPLAIN ANALYZE shows the rows each index kept', async () => {
    await exec(node, `CREATE TABLE logs (host STRING, msg STRING FULLTEXT INDEX WITH (granularity = '256'), trace STRING SKIPPING INDEX WITH (granularity = '128'), lat DOUBLE, lng DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host), SPATIAL INDEX (lat, lng)) WITH (append_mode = 'true')`);
    const vals: string[] = [];
    for (let i = 0; i < 3000; i++) vals.push(`('h${i % 7}', '${i === 2024 ? 'kernel panic qwxyz' : `GET /api/item/${i % 97} ok`}', 't-${i}', ${((i * 13) % 1700) / 10 - 85}, ${((i * 31) % 3500) / 10 - 175}, ${1_700_000_000_000 + i})`);
    await exec(node, `INSERT INTO logs (host, msg, trace, lat, lng, ts) VALUES ${vals.join(', ')}`);
    await exec(node, `ADMIN flush_table('logs')`);
    await indexed(node);
    expect(await rows(node, `SELECT index_name, state, rows_covered, index_bytes > 0 FROM information_schema.index_status WHERE table_name = 'logs' ORDER BY index_name`)).toEqual([
      ['FULLTEXT_INDEX_msg', 'ready', 3000, true], ['INVERTED_INDEX_host', 'ready', 3000, true], ['SKIPPING_INDEX_trace', 'ready', 3000, true], ['SPATIAL_INDEX_lat, lng', 'ready', 3000, true]]);
    // one bloom filter blob of the column answers =, IN and an OR of equalities (one probe, values hashed once)
    for (const w of [`trace = 't-5'`, `trace IN ('t-5', 't-2999')`, `trace = 't-5' OR trace = 't-2999'`, `trace = 't-5' OR trace IN ('t-2999')`]) {
      const want = w.includes('2999') ? 2 : 1;
      expect(await rows(node, `SELECT count(*) FROM logs WHERE ${w}`)).toEqual([[want]]);
      expect(await analyze(node, `SELECT count(*) FROM logs WHERE ${w}`)).toMatch(new RegExp(`skipping\\(trace\\): segments=1 row_groups=1/1 rows=${128 * want}/3000`));
    }
    // two hosts of seven are 858 rows of a one-page segment: the index would skip nothing, the scan's filter reads them
    expect(await rows(node, `SELECT count(*) FROM logs WHERE host = 'h1' OR host = 'h2'`)).toEqual([[858]]);
    expect(await analyze(node, `SELECT count(*) FROM logs WHERE host = 'h1' OR host = 'h2'`)).not.toMatch(/inverted\(host\)/);
    expect(await rows(node, `SELECT ts FROM logs WHERE msg @@ 'qwxyz'`)).toHaveLength(1);
    const ft = await analyze(node, `SELECT count(*) FROM logs WHERE matches_term(msg, 'qwxyz')`);
    expect(ft).toMatch(/fulltext\(msg\): segments=1 row_groups=1\/1 rows=\d+\/3000/);
    expect(Number(/fulltext\(msg\)[^\n]* rows=(\d+)\//.exec(ft)![1])).toBeLessThan(3000);
    expect(await analyze(node, `SELECT count(*) FROM logs WHERE matches(msg, 'panic -ok')`)).toMatch(/fulltext\(msg\): segments=1/);
    const box = `lat BETWEEN 10 AND 11 AND lng BETWEEN 20 AND 40`;
    const [[n]] = (await rows(node, `SELECT count(*) FROM logs WHERE ${box}`)) as [[number]];
    expect(await analyze(node, `SELECT count(*) FROM logs WHERE ${box}`)).toMatch(new RegExp(`spatial\\(lat, lng\\): segments=1 row_groups=1/1 rows=${n}/3000`));
    // a radius: the index tests the candidates' exact distance, so it keeps exactly the matching rows
    const near = `st_distance_sphere_m(wkt_point_from_latlng(lat, lng), 'POINT(30 10)') < 1000000`;
    const [[m]] = (await rows(node, `SELECT count(*) FROM logs WHERE ${near}`)) as [[number]];
    expect(m).toBeGreaterThan(0);
    expect(await analyze(node, `SELECT count(*) FROM logs WHERE ${near}`)).toMatch(new RegExp(`spatial\\(lat, lng\\): segments=1 row_groups=1/1 rows=${m}/3000`));
  }, 60_000);
});
