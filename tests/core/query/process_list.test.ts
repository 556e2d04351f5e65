// The process list: a statement shows in information_schema.process_list while it runs, and KILL cancels it.
import { describe, expect, it } from 'vitest';
import { executeSql, runRegistered } from '../../../core/query/index.ts';
import { evalRange } from '../../../core/promql/index.ts';
import { TableSeriesSource } from '../../../core/promql/table_source.ts';
import type { QueryOutput } from '../../../core/query/index.ts';
import { MemoryCatalog } from '../../sql/memory_context.ts';

function rowsOf(out: QueryOutput[]): unknown[][] {
  const o = out[0]!;
  if (o.kind !== 'records') throw new Error('expected records');
  return Array.from({ length: o.rel.len }, (_, i) => o.rel.cols.map((c) => c.v[i]));
}

/** A context whose scans wait until `release()`: a statement on it is running for as long as the test looks. */
function gated(cat: MemoryCatalog) {
  let n = 0;
  let scanStarted!: () => void;
  const started = new Promise<void>((r) => { scanStarted = r; });
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const slow = cat.context('public');
  const scan = slow.scan.bind(slow);
  slow.scan = async (schema, spec) => { n++; scanStarted(); await gate; return scan(schema, spec); };
  return { slow, started, release, scans: () => n };
}

describe('process list and KILL', () => {
  it('lists a running scan and cancels it by id', async () => {
    const cat = new MemoryCatalog();
    const ctx = cat.context('public');
    await executeSql(ctx, 'CREATE TABLE m (ts TIMESTAMP TIME INDEX, v DOUBLE)');
    await executeSql(ctx, "INSERT INTO m VALUES ('2024-01-01 00:00:00', 1)");
    // the scan of m waits until the test lets it go: the statement is running for as long as we look
    const { slow, started, release } = gated(cat);

    const running = executeSql(slow, 'SELECT count(*) FROM m');
    const outcome = running.then(() => 'finished', (e: Error & { code?: number }) => `${e.code}: ${e.message}`);
    await started;

    const other = cat.context('public');
    const listed = rowsOf(await executeSql(other, "SELECT id, query, schemas FROM information_schema.process_list WHERE query LIKE 'SELECT count%'"));
    expect(listed).toHaveLength(1);
    const [id, query, schemas] = listed[0] as [string, string, string];
    expect(query).toBe('SELECT count(*) FROM m');
    expect(schemas).toBe('public');
    expect(id).toMatch(/^memory:4000\/\d+$/);

    await executeSql(other, `KILL '${id}'`);
    expect(await outcome).toMatch(/^1005: Query memory:4000\/\d+ was cancelled/);
    release();
    // gone from the list, and a second KILL of the same id finds nothing
    expect(rowsOf(await executeSql(other, "SELECT id FROM information_schema.process_list WHERE query LIKE 'SELECT count%'"))).toHaveLength(0);
    await expect(executeSql(other, `KILL '${id}'`)).rejects.toThrow(/Process not found/);
  });

  it('lists a PromQL evaluation run registered (the Prometheus query API) and KILL stops the engine, not only the answer', async () => {
    const cat = new MemoryCatalog();
    const ctx = cat.context('public');
    await executeSql(ctx, 'CREATE TABLE up (ts TIMESTAMP TIME INDEX, host STRING PRIMARY KEY, greptime_value DOUBLE)');
    await executeSql(ctx, "INSERT INTO up VALUES ('1970-01-01 00:00:00', 'a', 1), ('1970-01-01 00:00:00', 'b', 2)");
    const { slow, started, release, scans } = gated(cat);

    const text = 'sum(up) + count(up{host="a"})';
    let engine!: Promise<unknown>;
    const answer = runRegistered(slow.processes!, text, 'public', '127.0.0.1:1/prometheus', (q) => {
      slow.signal = q.abort.signal;
      slow.queryId = q.queryId;
      engine = evalRange(text, 0, 60_000, 30_000, new TableSeriesSource(slow), { signal: q.abort.signal });
      return engine;
    });
    const outcome = answer.then(() => 'finished', (e: Error & { code?: number }) => `${e.code}: ${e.message}`);
    await started;
    const [row] = rowsOf(await executeSql(cat.context('public'), `SELECT id, client FROM information_schema.process_list WHERE query = '${text.replace(/'/g, "''")}'`));
    expect(row![1]).toBe('127.0.0.1:1/prometheus');
    await executeSql(cat.context('public'), `KILL '${row![0]}'`);
    expect(await outcome).toMatch(/^1005: Query memory:4000\/\d+ was cancelled/);
    // the engine itself stops when its scan answers: the second selector is never read
    release();
    await expect(engine).rejects.toMatchObject({ code: 1005 });
    expect(scans()).toBe(1);
  });

  it('KILL by bare number and SHOW PROCESSLIST agree on ids', async () => {
    const cat = new MemoryCatalog();
    const ctx = cat.context('public');
    const [row] = rowsOf(await executeSql(ctx, 'SHOW FULL PROCESSLIST'));
    const id = String(row![0]);
    expect(row![7]).toBe('SHOW FULL PROCESSLIST');
    // the statement finished: its number is free, KILL of it is an error naming the id
    await expect(executeSql(ctx, `KILL ${id.split('/')[1]}`)).rejects.toThrow(`Process not found: ${id.split('/')[1]}`);
    await expect(executeSql(ctx, 'KILL QUERY')).rejects.toThrow(/process id after KILL/);
  });
});
