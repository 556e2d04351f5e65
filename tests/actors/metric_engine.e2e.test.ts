// The metric engine on a real node: 1,000 logical tables made by writes share the physical table's one region,
// each reads back only its rows (after a flush and a restart too), DROP leaves the others; a property against plain tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startNode, tempDir } from '../harness/index.ts';
import type { EddyNode } from '../../actors/node.ts';
import { DEFAULT_PHYSICAL_TABLE, type WriteBatch } from '../../core/index.ts';

type SqlOut = { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string };

const TABLES = 1000;
const ROWS = 4;

/** Metric i: rows with a shared tag (job), a tag of its own family (l<i % 20>) and value i; timestamps in ms. */
function metricBatch(i: number, rows = ROWS, table = `metric_${i}`, base = 0): WriteBatch {
  const ts = new BigInt64Array(rows), v = new Float64Array(rows);
  for (let r = 0; r < rows; r++) { ts[r] = BigInt(1_700_000_000_000 + base + r * 1000) * 1_000_000n; v[r] = i; }
  return {
    table, rows,
    columns: [
      { name: 'job', type: 'string', semantic: 'tag', values: Array.from({ length: rows }, () => 'node'), valid: null },
      { name: `l${i % 20}`, type: 'string', semantic: 'tag', values: Array.from({ length: rows }, (_, r) => `s${r % 2}`), valid: null },
      { name: 'greptime_timestamp', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null },
      { name: 'greptime_value', type: 'float64', semantic: 'field', values: v, valid: null },
    ],
  };
}

describe('metric engine on a real node', () => {
  const dir = tempDir();
  let node: EddyNode & { url: string };
  const sql = async (q: string): Promise<{ status: number; body: SqlOut }> => {
    const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
    return { status: r.status, body: (await r.json()) as SqlOut };
  };
  const rows = async (q: string) => {
    const r = await sql(q);
    if (r.status !== 200) throw new Error(`${q}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.output![0]!.records!.rows;
  };
  /** Every logical table holds its ROWS rows of value i, none of another table's. */
  const checkAll = async (skip: Set<number> = new Set()) => {
    for (let i = 0; i < TABLES; i++) {
      if (skip.has(i)) continue;
      expect(await rows(`SELECT count(*), min(greptime_value), max(greptime_value), count(job), count(l${i % 20}) FROM metric_${i}`)).toEqual([[ROWS, i, i, ROWS, ROWS]]);
    }
  };

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
  });
  afterAll(async () => {
    await node.stop();
    dir.cleanup();
  });

  it('1,000 logical tables made by writes cost catalog entries only and read back their own rows', async () => {
    const regionsBefore = node.supervisor.all().length;
    const t0 = performance.now();
    // 50 metrics per call, as one remote-write request carries many
    for (let i = 0; i < TABLES; i += 50) {
      const batches = Array.from({ length: 50 }, (_, k) => metricBatch(i + k));
      expect(await node.writes.write('public', batches, { physicalTable: DEFAULT_PHYSICAL_TABLE })).toBe(50 * ROWS);
    }
    const secs = (performance.now() - t0) / 1000;
    const phy = (await node.catalog.getTable('public', DEFAULT_PHYSICAL_TABLE))!;
    expect(phy.regions).toBe(1);
    expect(node.supervisor.all().length - regionsBefore).toBe(phy.regions);
    expect(await rows(`SELECT count(*) FROM information_schema.region_peers`)).toEqual([[1]]);
    expect(await rows(`SELECT count(*) FROM information_schema.tables WHERE engine = 'metric'`)).toEqual([[TABLES + 1]]);
    const sizes = await Promise.all(Array.from({ length: TABLES }, async (_, i) => JSON.stringify(await node.catalog.getTable('public', `metric_${i}`)).length));
    const avg = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(Math.max(...sizes)).toBeLessThan(1024);
    console.log(`metric engine: ${TABLES} logical tables through writes in ${secs.toFixed(2)} s (${Math.round(TABLES / secs)}/s), catalog ${avg.toFixed(0)} B/table avg, ${Math.max(...sizes)} B max, regions ${phy.regions}`);
    // the same again into the existing tables (rows replace themselves: same keys), for the write rate on known tables
    const t1 = performance.now();
    for (let i = 0; i < TABLES; i += 50) await node.writes.write('public', Array.from({ length: 50 }, (_, k) => metricBatch(i + k)), { physicalTable: DEFAULT_PHYSICAL_TABLE });
    console.log(`metric engine: rewrite of ${TABLES} existing logical tables x ${ROWS} rows: ${((performance.now() - t1) / 1000).toFixed(2)} s`);
    await checkAll();
    // a tag filter and the physical table's DESC (the union of every logical table's tags)
    expect(await rows(`SELECT l7, count(*) FROM metric_7 WHERE l7 = 's1' GROUP BY l7`)).toEqual([['s1', ROWS / 2]]);
    // the physical table holds every logical table's rows, told apart by __table_id; __tsid hashes tag names and
    // values only (as GreptimeDB's), so tables with the same tags share it: 20 tag families x 2 values
    expect(await rows(`SELECT count(*), count(DISTINCT __table_id), count(DISTINCT __tsid) FROM ${DEFAULT_PHYSICAL_TABLE}`)).toEqual([[TABLES * ROWS, TABLES, 40]]);
    const desc = (await rows(`DESC TABLE ${DEFAULT_PHYSICAL_TABLE}`)).map((r) => r[0]);
    expect(desc).toEqual(['greptime_timestamp', 'greptime_value', '__table_id', '__tsid', 'job', ...Array.from({ length: 20 }, (_, k) => `l${k}`).sort()]);
  }, 300_000);

  it('after a flush and a restart, each table still reads back only its rows; DROP of one leaves the others', async () => {
    expect((await sql(`ADMIN flush_table('${DEFAULT_PHYSICAL_TABLE}')`)).status).toBe(200);
    await checkAll();
    await node.stop();
    node = await startNode({ data: dir.path });
    expect(node.supervisor.all().length).toBe(1);
    await checkAll();
    expect((await sql('DROP TABLE metric_5')).status).toBe(200);
    expect((await sql('SELECT * FROM metric_5')).status).toBeGreaterThanOrEqual(400);
    const busy = await sql(`DROP TABLE ${DEFAULT_PHYSICAL_TABLE}`);
    expect(busy.body.error).toMatch(/Physical region is busy/);
    await checkAll(new Set([5]));
    // written again, the name is a new table (a new id): the dropped table's rows do not come back
    await node.writes.write('public', [metricBatch(5, 2, 'metric_5', 60_000)], { physicalTable: DEFAULT_PHYSICAL_TABLE });
    expect(await rows('SELECT count(*) FROM metric_5')).toEqual([[2]]);
    expect(await rows('SELECT count(*) FROM metric_6')).toEqual([[ROWS]]);
    // INSERT and line protocol into an existing logical table; a new tag joins the physical table's key
    expect((await sql(`INSERT INTO metric_6 (job, l6, greptime_timestamp, greptime_value) VALUES ('x', 'y', 1, 6)`)).status).toBe(200);
    const lp = await fetch(`${node.url}/v1/influxdb/write?db=public&precision=ms`, { method: 'POST', body: 'metric_6,job=lp,zone=eu greptime_value=6 2' });
    expect(lp.status).toBeLessThan(300);
    expect(await rows(`SELECT zone, count(*) FROM metric_6 GROUP BY zone ORDER BY zone`)).toEqual([['eu', 1], [null, ROWS + 1]]);
    expect(await rows(`SELECT count(*) FROM metric_7`)).toEqual([[ROWS]]);
    // ALTER ADD COLUMN on a logical table adds the tag to the physical table too
    expect((await sql('ALTER TABLE metric_8 ADD COLUMN rack STRING PRIMARY KEY')).status).toBe(200);
    expect((await rows(`DESC TABLE ${DEFAULT_PHYSICAL_TABLE}`)).map((r) => r[0])).toContain('rack');
    expect((await sql(`INSERT INTO metric_8 (job, rack, greptime_timestamp, greptime_value) VALUES ('x', 'r1', 1, 8)`)).status).toBe(200);
    expect(await rows(`SELECT rack, greptime_value FROM metric_8 WHERE rack = 'r1'`)).toEqual([['r1', 8]]);
    // TRUNCATE and DELETE reach only the table's own rows
    expect((await sql('TRUNCATE TABLE metric_8')).status).toBe(200);
    expect(await rows('SELECT count(*) FROM metric_8')).toEqual([[0]]);
    expect((await sql(`DELETE FROM metric_9 WHERE l9 = 's0'`)).status).toBe(200);
    expect(await rows('SELECT count(*) FROM metric_9')).toEqual([[ROWS / 2]]);
    await checkAll(new Set([5, 6, 8, 9]));
  }, 300_000);

  it('a flow over a logical table reads its rows (and deletes) from the physical region\'s WAL, no other table\'s', async () => {
    const run = async (q: string) => { const r = await sql(q); if (r.status !== 200) throw new Error(`${q}: ${JSON.stringify(r.body)}`); return r.body.output![0]!.records?.rows; };
    await run(`CREATE TABLE fphy (ts TIMESTAMP TIME INDEX, val DOUBLE) ENGINE=metric WITH ('physical_metric_table' = '')`);
    for (const t of ['fa', 'fb']) await run(`CREATE TABLE ${t} (host STRING PRIMARY KEY, ts TIMESTAMP TIME INDEX, val DOUBLE) ENGINE=metric WITH ('on_physical_table' = 'fphy')`);
    await run(`CREATE FLOW fa_flow SINK TO fa_out AS SELECT host, count(val) AS c, sum(val) AS s, date_bin(INTERVAL '1 minute', ts) AS w FROM fa GROUP BY host, w`);
    await run(`INSERT INTO fa VALUES ('a', 0, 1), ('a', 1000, 2), ('b', 61000, 5)`);
    await run(`INSERT INTO fb VALUES ('a', 0, 100)`);
    await run(`ADMIN flush_flow('fa_flow')`);
    expect(await run('SELECT host, c, s, w FROM fa_out ORDER BY host, w')).toEqual([['a', 2, 3, 0], ['b', 1, 5, 60000]]);
    await run(`DELETE FROM fa WHERE host = 'a' AND ts = 1000`);
    await run(`ADMIN flush_flow('fa_flow')`);
    expect(await run('SELECT host, c, s, w FROM fa_out ORDER BY host, w')).toEqual([['a', 1, 1, 0], ['b', 1, 5, 60000]]);
    await run('DROP FLOW fa_flow');
  }, 120_000);

  it('random writes to random logical tables read back exactly as the same writes to plain tables', async () => {
    let run = 0;
    const row = fc.record({ t: fc.integer({ min: 0, max: 3 }), host: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 8 }), v: fc.integer({ min: -50, max: 50 }) });
    await fc.assert(fc.asyncProperty(fc.array(fc.array(row, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), async (calls) => {
      run++;
      for (const call of calls) {
        const byTable = new Map<number, typeof call>();
        for (const r of call) byTable.set(r.t, [...(byTable.get(r.t) ?? []), r]);
        const mk = (prefix: string, t: number, rs: typeof call): WriteBatch => ({
          table: `${prefix}_${run}_${t}`, rows: rs.length,
          columns: [
            { name: 'host', type: 'string', semantic: 'tag', values: rs.map((r) => r.host), valid: null },
            // tables of odd number have a second tag, so rows of the physical table have nulls in the others' tags
            ...(t % 2 ? [{ name: `k${t}`, type: 'string' as const, semantic: 'tag' as const, values: rs.map((r) => `${r.host}${r.ts % 2}`), valid: null }] : []),
            { name: 'greptime_timestamp', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(rs.map((r) => BigInt(r.ts) * 1_000_000n)), valid: null },
            { name: 'greptime_value', type: 'float64', semantic: 'field', values: Float64Array.from(rs.map((r) => r.v)), valid: null },
          ],
        });
        const logical = [...byTable].map(([t, rs]) => mk('lg', t, rs));
        const plain = [...byTable].map(([t, rs]) => mk('pl', t, rs));
        await node.writes.write('public', logical, { physicalTable: 'prop_phy' });
        await node.writes.write('public', plain);
      }
      for (let t = 0; t < 4; t++) {
        const exists = calls.some((c) => c.some((r) => r.t === t));
        if (!exists) continue;
        const q = (p: string) => rows(`SELECT host, ${t % 2 ? `k${t}` : "'-'"}, greptime_value FROM ${p}_${run}_${t} ORDER BY host, greptime_timestamp`);
        expect(await q('lg')).toEqual(await q('pl'));
      }
    }), { numRuns: 25 });
  }, 300_000);
});
