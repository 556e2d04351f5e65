// The IndexBuilder actor on a real node and nats-server (--storage nats): indexes built after flush, kept over a
// restart, rebuilt by compaction and by ALTER ... SET/UNSET INDEX, used by scans (EXPLAIN ANALYZE), and travelling
// with the region to a node with an empty data directory.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, startNode, tempDir } from '../../harness/index.ts';
import { analyze as explain, exec, indexed, rows, sql, type Node } from './sql_client.ts';

const status = (node: Node) => rows(node, `SELECT index_name, state, segments, segments_covered, rows_covered, index_bytes > 0 FROM information_schema.index_status WHERE table_name = 'logs' ORDER BY index_name`);
const analyze = (node: Node, where: string) => explain(node, `SELECT count(*) FROM logs WHERE ${where}`);

function insertSql(from: number, n: number, hosts: number): string {
  const vals: string[] = [];
  for (let i = from; i < from + n; i++) vals.push(`('h${i % hosts}', 'svc${i % 3}', 'trace-${i}', 'message ${i}', ${1_700_000_000_000 + i})`);
  return `INSERT INTO logs (host, svc, trace_id, msg, ts) VALUES ${vals.join(', ')}`;
}

describe('IndexBuilder actor', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  const dirA = tempDir(), dirB = tempDir();
  beforeAll(async () => { nats = await startNats(); });
  afterAll(async () => { await nats.cleanup(); dirA.cleanup(); dirB.cleanup(); });

  it('builds after flush, survives restart, rebuilds on compaction and ALTER, travels with the region', async () => {
    let node = await startNode({ data: dirA.path, nats: nats.url, overrides: { storage: 'nats' } });
    expect((await sql(node, `CREATE TABLE logs (host STRING, svc STRING, trace_id STRING SKIPPING INDEX WITH (granularity = 64), msg STRING, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host, svc)) WITH (append_mode = 'true')`)).status).toBe(200);
    // bad index DDL: a clear 4xx naming the option and range, or the unsupported type
    const badRate = await sql(node, `ALTER TABLE logs MODIFY COLUMN msg SET SKIPPING INDEX WITH (granularity = 5000000)`);
    expect(badRate.status).toBe(400);
    expect(badRate.body.error).toMatch(/granularity = 5000000 is out of range, expected an integer from 1 to 1048576/);
    expect((await sql(node, `CREATE TABLE bad (n DOUBLE FULLTEXT INDEX, ts TIMESTAMP TIME INDEX)`)).body.error).toMatch(/column name: n, error: FULLTEXT index only supports string type/);

    await exec(node, insertSql(0, 1000, 50));
    await exec(node, `ADMIN flush_table('logs')`);
    await indexed(node);
    expect(await status(node)).toEqual([
      ['INVERTED_INDEX_host', 'ready', 1, 1, 1000, true],
      ['INVERTED_INDEX_svc', 'ready', 1, 1, 1000, true],
      ['SKIPPING_INDEX_trace_id', 'ready', 1, 1, 1000, true],
    ]);
    expect(await rows(node, `SELECT count(*) FROM logs WHERE host = 'h7'`)).toEqual([[20]]);
    // = on the first primary-key tag asks no index: the segment is sorted by it (stats and binary search find the rows)
    expect(await analyze(node, `host = 'h7'`)).not.toMatch(/inverted\(host\)/);
    expect(await analyze(node, `host ~ '^h7$'`)).toMatch(/inverted\(host\): segments=1 row_groups=1\/1 rows=20\/1000/);
    expect(await analyze(node, `host ~ '^h1[0-2]$'`)).toMatch(/inverted\(host\): segments=1 row_groups=1\/1 rows=60\/1000/);
    expect(await rows(node, `SELECT host FROM logs WHERE trace_id = 'trace-333'`)).toEqual([['h33']]);
    expect(await analyze(node, `trace_id = 'trace-333'`)).toMatch(/skipping\(trace_id\): segments=1 row_groups=1\/1 rows=64\/1000/);

    // restart: the index files named in the manifest are used as they are
    const files = () => idxFiles(dirA.path);
    const before = files();
    expect(before.length).toBe(1);
    await node.stop();
    node = await startNode({ data: dirA.path, nats: nats.url, overrides: { storage: 'nats' } });
    await rows(node, `SELECT count(*) FROM logs`);
    await indexed(node);
    expect(files()).toEqual(before);
    expect(await analyze(node, `host ~ '^h7$'`)).toMatch(/rows=20\/1000/);

    // compaction merges two segments: the merged one is indexed again
    await exec(node, insertSql(1000, 500, 50));
    await exec(node, `ADMIN flush_table('logs')`);
    await indexed(node);
    await exec(node, `ADMIN compact_table('logs')`);
    await indexed(node);
    expect((await status(node)).map((r) => r.slice(0, 5))).toEqual([
      ['INVERTED_INDEX_host', 'ready', 1, 1, 1500], ['INVERTED_INDEX_svc', 'ready', 1, 1, 1500], ['SKIPPING_INDEX_trace_id', 'ready', 1, 1, 1500]]);
    expect(idxFiles(dirA.path).length).toBe(1);
    expect(await analyze(node, `host ~ '^h7$'`)).toMatch(/rows=30\/1500/);

    // ALTER: UNSET removes the skipping index from the files; SET INVERTED on msg builds it for existing segments
    await exec(node, `ALTER TABLE logs MODIFY COLUMN trace_id UNSET SKIPPING INDEX`);
    await indexed(node);
    expect((await status(node)).map((r) => r[0])).toEqual(['INVERTED_INDEX_host', 'INVERTED_INDEX_svc']);
    expect(await analyze(node, `trace_id = 'trace-333'`)).not.toMatch(/skipping/);
    await exec(node, `ALTER TABLE logs MODIFY COLUMN msg SET INVERTED INDEX`);
    await indexed(node);
    // declaring an inverted index replaces the primary-key default (GreptimeDB's rule)
    expect((await status(node)).map((r) => r.slice(0, 3))).toEqual([['INVERTED_INDEX_msg', 'ready', 1]]);
    expect(await analyze(node, `msg LIKE 'message 142%'`)).toMatch(/inverted\(msg\): segments=1 row_groups=1\/1 rows=11\/1500/);
    expect(await rows(node, `SELECT count(*) FROM logs WHERE msg LIKE 'message 14%'`)).toEqual([[111]]);
    await node.stop();

    // the region opens on a node with an empty data directory: segment and index come from the shared store
    node = await startNode({ data: dirB.path, nats: nats.url, overrides: { storage: 'nats' } });
    expect(await rows(node, `SELECT count(*) FROM logs WHERE msg LIKE 'message 14%'`)).toEqual([[111]]);
    expect(idxFiles(dirB.path).length).toBe(1);
    expect(await analyze(node, `msg = 'message 7'`)).toMatch(/inverted\(msg\): segments=1 row_groups=1\/1 rows=1\/1500/);
    await node.stop();
  }, 180_000);
});

function idxFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.idx')) out.push(e.name);
    }
  };
  walk(root);
  return out.sort();
}
