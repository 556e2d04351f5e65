// A PromQL selector over many metrics on one physical table asks each physical segment's index once per distinct
// predicate per query (the scans of one evaluation share its selections; each table's id filter applies after), on a
// real node: remote writes through the metric engine, a flush, the index build, PromQL over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, tempDir } from '../../harness/index.ts';
import { DEFAULT_PHYSICAL_TABLE, type WriteBatch } from '../../../core/index.ts';

type Node = Awaited<ReturnType<typeof startNode>>;
const METRICS = 12;
const BASE_MS = 1_700_000_000_000;

/** Metric i: 6 rows, instance i0..i2 and job node/other alternating, value i. */
function metric(i: number): WriteBatch {
  const rows = 6;
  const ts = new BigInt64Array(rows), v = new Float64Array(rows);
  for (let r = 0; r < rows; r++) { ts[r] = BigInt(BASE_MS + r * 1000) * 1_000_000n; v[r] = i; }
  return {
    table: `m_${i}`, rows,
    columns: [
      { name: 'instance', type: 'string', semantic: 'tag', values: Array.from({ length: rows }, (_, r) => `i${r % 3}`), valid: null },
      { name: 'job', type: 'string', semantic: 'tag', values: Array.from({ length: rows }, (_, r) => (r % 2 ? 'node' : 'other')), valid: null },
      { name: 'greptime_timestamp', type: 'timestamp', semantic: 'timestamp', values: ts, valid: null },
      { name: 'greptime_value', type: 'float64', semantic: 'field', values: v, valid: null },
    ],
  };
}

describe('PromQL over a metric engine table', () => {
  const dir = tempDir();
  let node: Node;
  const lookups = () => node.supervisor.all().reduce((a, h) => a + h.indexLookups(), 0);
  const query = async (q: string) => {
    const r = await fetch(`${node.url}/v1/prometheus/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: q, time: String((BASE_MS + 5000) / 1000) }) });
    const body = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    expect(body.status).toBe('success');
    return body.data.result.map((x) => `${x.metric.__name__}/${x.metric.instance}/${x.metric.job}=${x.value[1]}`).sort();
  };

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    await node.writes.write('public', Array.from({ length: METRICS }, (_, i) => metric(i)), { physicalTable: DEFAULT_PHYSICAL_TABLE });
    const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: `ADMIN flush_table('${DEFAULT_PHYSICAL_TABLE}')` }) });
    expect(r.status).toBe(200);
    for (const h of node.supervisor.all()) await h.indexesIdle();
  }, 60_000);
  afterAll(async () => {
    await node.stop();
    dir.cleanup();
  });

  it('asks the segment index once per distinct predicate, not once per metric', async () => {
    const before = lookups();
    const got = await query('{__name__=~"m_.*", instance=~"i1|i2", job=~"no.*"}');
    // one segment, two predicates (instance and job regexes): two lookups for 12 metrics
    expect(lookups() - before).toBe(2);
    const want: string[] = [];
    // job node: rows 1 (i1), 3 (i0), 5 (i2); of those, i1 and i2 of each metric
    for (let i = 0; i < METRICS; i++) want.push(`m_${i}/i1/node=${i}`, `m_${i}/i2/node=${i}`);
    expect(got).toEqual(want.sort());
    // a second query is a new evaluation: it asks again
    const again = lookups();
    expect(await query('{__name__=~"m_.*", instance=~"i1|i2", job=~"no.*"}')).toEqual(got);
    expect(lookups() - again).toBe(2);
  });

  it('answers = matchers from the inverted index, once per distinct value list per query', async () => {
    const before = lookups();
    const got = await query('{__name__=~"m_.*", instance="i1", job=~"node|gone"}');
    // instance = and job's word list are two IN predicates: two lookups for 12 metrics
    expect(lookups() - before).toBe(2);
    const want: string[] = [];
    for (let i = 0; i < METRICS; i++) want.push(`m_${i}/i1/node=${i}`);
    expect(got).toEqual(want.sort());
    // two equalities on one label intersect: nothing matches both, no scan asks an index
    const none = lookups();
    expect(await query('m_1{instance="i1", instance="i2"}')).toEqual([]);
    expect(await query('m_1{instance=~"i1|i2", instance="i2"}')).toEqual(['m_1/i2/node=1', 'm_1/i2/other=1']);
    expect(lookups() - none).toBe(1);
  });

  it('shares index selections between the scans of one SQL or TQL statement, not between statements', async () => {
    const sql = async (q: string) => {
      const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
      const body = (await r.json()) as { output: { records: { rows: unknown[][] } }[] };
      expect(r.status).toBe(200);
      return body.output[0]!.records.rows;
    };
    // three logical tables' scans of the physical table, one predicate: one lookup for the statement
    const union = `SELECT greptime_value FROM m_1 WHERE instance = 'i2' UNION ALL SELECT greptime_value FROM m_2 WHERE instance = 'i2'
      UNION ALL SELECT greptime_value FROM m_3 WHERE instance = 'i2'`;
    let before = lookups();
    expect((await sql(union)).map((r) => r[0]).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(lookups() - before).toBe(1);
    before = lookups();
    await sql(union);
    expect(lookups() - before).toBe(1);
    // a TQL statement's evaluation scans under its statement's id
    before = lookups();
    const rows = await sql(`TQL EVAL (${BASE_MS / 1000 + 5}, ${BASE_MS / 1000 + 5}, '1s') {__name__=~"m_.*", instance="i2"}`);
    expect(rows.length).toBe(2 * METRICS);
    expect(lookups() - before).toBe(1);
  });
});
