// The smart index on a real node and nats-server, under a simulated clock: a repeated needle query on a column
// without an index gets one created automatically (rows scanned in EXPLAIN ANALYZE drop), decisions show in
// information_schema.index_advice and SHOW INDEX, a table can opt out, and an unused automatic index is dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EddyNode } from '../../../actors/node.ts';
import { DEFAULTS } from '../../../actors/config.ts';
import { SimulatedClock } from '../../../core/index.ts';
import { freePort, startNats, tempDir } from '../../harness/index.ts';
import { analyze, exec, indexed, rows, type Node } from './sql_client.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('smart index', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let node: Node;
  const clock = new SimulatedClock(T0);
  const dir = tempDir();
  beforeAll(async () => {
    nats = await startNats();
    const n = new EddyNode({ ...DEFAULTS, data: dir.path, http: `127.0.0.1:${await freePort()}`, nats: nats.url, quiet: true, smartIndexMinRows: 1000, smartIndexMinQueries: 3, smartIndexDropAfter: 3_600_000 }, clock);
    await n.start();
    node = Object.assign(n, { url: `http://127.0.0.1:${n.httpAddress!.port}` });
  });
  afterAll(async () => { await node.stop(); await nats.cleanup(); dir.cleanup(); });

  /** Runs a query, then waits until the smart index observed it and applied its decision, and the regions built. */
  async function query(q: string): Promise<unknown[][]> {
    const out = await rows(node, q);
    await node.smartIndex!.drained();
    await node.smartIndex!.idle();
    await indexed(node);
    return out;
  }
  const advice = (table: string) => rows(node, `SELECT column_name, index_type, observed_queries, decision, existing, reason FROM information_schema.index_advice WHERE table_name = '${table}' ORDER BY column_name, index_type`);
  const autoIndexes = async (table: string) => (await rows(node, `SHOW INDEX FROM ${table}`)).filter((r) => r[12] === 'automatic (smart index)').map((r) => r[2]);
  const rowsScanned = (plan: string, kind: string) => Number(new RegExp(`${kind}\\([a-z_]+\\): segments=\\d+ row_groups=\\d+/\\d+ rows=(\\d+)/`).exec(plan)?.[1] ?? NaN);

  async function logTable(name: string, opts = ''): Promise<void> {
    await exec(node, `CREATE TABLE ${name} (host STRING, trace STRING, msg STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) WITH (append_mode = 'true'${opts})`);
    const vals: string[] = [];
    for (let i = 0; i < 6000; i++) vals.push(`('h${i % 10}', 't-${i}', '${i === 4321 ? 'segfault in worker zq9' : `GET /item/${i % 300} 200`}', ${T0 + i})`);
    await exec(node, `INSERT INTO ${name} (host, trace, msg, ts) VALUES ${vals.join(', ')}`);
    await exec(node, `ADMIN flush_table('${name}')`);
    await indexed(node);
  }

  it('creates a bloom filter for a repeated needle lookup, and a full-text index for a rare term', async () => {
    await logTable('logs');
    const needle = `SELECT count(*) FROM logs WHERE trace = 't-1234'`;
    expect(await analyze(node, needle)).not.toMatch(/skipping\(trace\)/);
    await node.smartIndex!.drained();
    expect(await advice('logs')).toEqual([['trace', 'SKIPPING', 1, 'observe', 'none', '1 of 3 queries']]);
    expect(await query(needle)).toEqual([[1]]);
    expect(await autoIndexes('logs')).toEqual([]);
    expect(await query(needle)).toEqual([[1]]);
    // the third scan of the column decides; the IndexBuilder built the file: the same query now reads a granule
    expect(await autoIndexes('logs')).toEqual(['SKIPPING_INDEX_trace']);
    const [[col, kind, , decision, existing, reason]] = (await advice('logs')) as string[][];
    expect([col, kind, decision, existing]).toEqual(['trace', 'SKIPPING', 'create', 'auto']);
    expect(reason).toMatch(/^created: 3 queries read 6000 rows each and keep 0\.0167%/);
    const plan = await analyze(node, needle);
    expect(rowsScanned(plan, 'skipping')).toBeLessThanOrEqual(10240);
    expect(await rows(node, needle)).toEqual([[1]]);

    const term = `SELECT ts FROM logs WHERE matches_term(msg, 'zq9')`;
    for (let i = 0; i < 3; i++) expect(await query(term)).toEqual([[T0 + 4321]]);
    expect(await autoIndexes('logs')).toEqual(['FULLTEXT_INDEX_msg', 'SKIPPING_INDEX_trace']);
    expect(await analyze(node, term)).toMatch(/fulltext\(msg\): segments=1/);
  }, 120_000);

  it('leaves a table that opts out, and a query that keeps many rows', async () => {
    await logTable('quiet', `, 'smart_index' = 'false'`);
    for (let i = 0; i < 4; i++) await query(`SELECT count(*) FROM quiet WHERE trace = 't-7'`);
    expect(await autoIndexes('quiet')).toEqual([]);
    expect((await advice('quiet'))[0]).toEqual(['trace', 'SKIPPING', 4, 'observe', 'none', "not eligible: table option smart_index = 'false'"]);
    // not selective: msg @@ '200' keeps every row
    for (let i = 0; i < 4; i++) await query(`SELECT count(*) FROM logs WHERE host = 'h1' AND trace IN ('t-1', 't-11', 't-21')`);
    expect((await advice('logs')).find((r) => r[0] === 'host')).toEqual(['host', 'SKIPPING', 4, 'observe', 'declared', 'index declared by the table']);
  }, 120_000);

  it('drops an automatic index no query used for the window', async () => {
    clock.advance(3_599_000);
    node.smartIndex!.tick();
    await node.smartIndex!.idle();
    expect(await autoIndexes('logs')).toEqual(['FULLTEXT_INDEX_msg', 'SKIPPING_INDEX_trace']);
    clock.advance(60_000);
    node.smartIndex!.tick();
    await node.smartIndex!.idle();
    await indexed(node);
    expect(await autoIndexes('logs')).toEqual([]);
    const [[, , , decision, existing, reason]] = (await advice('logs')).filter((r) => r[0] === 'trace') as string[][];
    expect([decision, existing]).toEqual(['drop', 'none']);
    expect(reason).toMatch(/^dropped: unused for 3659 s/);
    expect(await rows(node, `SELECT index_name FROM information_schema.index_status WHERE table_name = 'logs' ORDER BY index_name`)).toEqual([['INVERTED_INDEX_host']]);
    expect(await rows(node, `SELECT count(*) FROM logs WHERE trace = 't-1234'`)).toEqual([[1]]);
  }, 120_000);
});
