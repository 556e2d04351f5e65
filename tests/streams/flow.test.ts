// createFlow end to end: interval emission on a simulated clock, bad records, late rows, retractions, stats, sink batches.
import { TestScheduler } from 'rxjs/testing';
import { VirtualTimeScheduler, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Hll, UddSketch } from '../../core/index.ts';
import type { EddyError } from '../../core/index.ts';
import { compileFlowSql, createFlow, toSinkBatch } from '../../streams/index.ts';
import type { CompileOptions, FlowEmission } from '../../streams/index.ts';
import { MIN, SEC, batchOf } from './helpers.ts';

const SQL = `CREATE FLOW f SINK TO out AS SELECT host, sum(v) AS s, count(*) AS c, date_bin(INTERVAL '1 minute', ts) AS w
  FROM t WHERE v < 1000 GROUP BY host, w`;

/** A watermark right at the max event time: a window is final once a later event passes its end. */
const EAGER = { allowedLateness: 0n };

function collect(sql = SQL, opts: CompileOptions = {}, scheduler = new VirtualTimeScheduler()) {
  const errors: EddyError[] = [];
  const flow = createFlow(compileFlowSql(sql, opts), { scheduler, onError: (e) => errors.push(e) });
  const out: FlowEmission[] = [];
  flow.output$.subscribe((e) => out.push(e));
  return { flow, out, errors, scheduler };
}

describe('createFlow', () => {
  it('emits updates at most once per interval on the scheduler clock', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ cold, expectObservable }) => {
      const flow = createFlow(compileFlowSql(SQL), { scheduler: ts });
      const b1 = batchOf('t', [{ host: 'a', v: 1, ts: 0n }], { tags: ['host'] });
      const b2 = batchOf('t', [{ host: 'a', v: 2, ts: SEC }], { tags: ['host'] });
      const b3 = batchOf('t', [{ host: 'b', v: 3, ts: 2n * SEC }], { tags: ['host'] });
      cold('-a 99ms b 99ms c', { a: b1, b: b2, c: b3 }).subscribe((b) => flow.push(b));
      const sums = (e: FlowEmission) => e.rows.map((r) => `${r.values.host}=${r.values.s}`).join(',');
      // interval 1000 ms: the first update leads, the next two wait for the interval and go out together.
      expectObservable(flow.output$.pipe(map(sums))).toBe('-a 999ms b', { a: 'a=1', b: 'a=3,b=3' });
    });
  });

  it('reports a bad record and keeps going', () => {
    const { flow, out, errors } = collect(SQL.replace('WHERE v < 1000', ''));
    // v is a string column here: sum() converts '1' and '2', and cannot convert 'oops'.
    flow.push(batchOf('t', [{ host: 'a', v: '1', ts: 0n }, { host: 'a', v: 'oops', ts: SEC }, { host: 'a', v: '2', ts: 2n * SEC }], { tags: ['host'] }));
    flow.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/at row 1/);
    expect(flow.stats().errors).toBe(1);
    expect(out.at(-1)!.rows[0]!.values.s).toBe(3);
  });

  it('counts late and expired rows and ignores them', () => {
    const { flow, out } = collect(SQL.replace('SINK TO out', "SINK TO out EXPIRE AFTER '10 minutes'"), EAGER);
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 30n * MIN }], { tags: ['host'] }));
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 29n * MIN + SEC }, { host: 'a', v: 1, ts: 5n * MIN }], { tags: ['host'] }));
    flow.flush();
    expect(flow.stats().lateRowsDropped).toBe(2);
    expect(out.flatMap((e) => e.rows).every((r) => r.windowStart === 30n * MIN)).toBe(true);
  });

  it('by default (no watermark) a late row still updates its window, as in GreptimeDB', () => {
    const { flow, out } = collect();
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 30n * MIN }], { tags: ['host'] }));
    flow.push(batchOf('t', [{ host: 'a', v: 2, ts: 5n * MIN }, { host: 'a', v: 3, ts: 5n * MIN + SEC }], { tags: ['host'] }));
    flow.flush();
    const rows = out.flatMap((e) => e.rows);
    expect(rows.find((r) => r.windowStart === 5n * MIN)!.values).toMatchObject({ s: 5, c: 2 });
    expect(rows.every((r) => !r.final)).toBe(true);
    expect(flow.stats()).toMatchObject({ lateRowsDropped: 0, openWindows: 2 });
  });

  it('an overwrite that moves a row out of a group emits a delete; final rows when the watermark passes', () => {
    const { flow, out } = collect(SQL, EAGER);
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 0n }], { tags: ['host'] }));
    flow.flush();
    flow.push(batchOf('t', [{ host: 'a', v: 5000, ts: 0n }], { tags: ['host'] })); // WHERE now rejects it
    flow.flush();
    expect(out.at(-1)!.rows).toEqual([expect.objectContaining({ deleted: true, final: false, windowStart: 0n })]);
    flow.push(batchOf('t', [{ host: 'a', v: 7, ts: 10n * SEC }], { tags: ['host'] }));
    flow.advanceEventTime(MIN);
    flow.flush();
    const last = out.at(-1)!;
    expect(last.rows).toEqual([expect.objectContaining({ final: true, deleted: false, windowStart: 0n, windowEnd: MIN })]);
    expect(last.rows[0]!.values).toMatchObject({ host: 'a', s: 7, c: 1, w: 0n });
    expect(last.watermark).toBe(MIN);
    expect(flow.stats()).toMatchObject({ openWindows: 0, rowsIn: 3, batchesIn: 3 });
  });

  it('a row deleted from the source is retracted from its window: the group updates, an emptied group is deleted', () => {
    const { flow, out } = collect();
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 0n }, { host: 'a', v: 2, ts: SEC }, { host: 'b', v: 5, ts: SEC }], { tags: ['host'] }));
    flow.flush();
    flow.pushDeletes(batchOf('t', [{ host: 'a', ts: SEC }, { host: 'b', ts: SEC }, { host: 'c', ts: SEC }], { tags: ['host'] }));
    flow.flush();
    const last = out.at(-1)!.rows;
    expect(last.find((r) => r.values.host === 'a')!.values).toMatchObject({ s: 1, c: 1 });
    expect(last.filter((r) => r.deleted)).toHaveLength(1);
    expect(flow.stats()).toMatchObject({ openGroups: 1, watermark: null });
    // A deleted key written again counts again.
    flow.push(batchOf('t', [{ host: 'b', v: 7, ts: SEC }], { tags: ['host'] }));
    flow.flush();
    expect(out.at(-1)!.rows[0]!.values).toMatchObject({ host: 'b', s: 7, c: 1 });
  });

  it('a delete whose keys do not give the event time is retracted from whichever window holds the row', () => {
    const sql = `CREATE FLOW f SINK TO out AS SELECT count(*) AS c, date_bin(INTERVAL '1 minute', at) AS w FROM t GROUP BY w`;
    const { flow, out } = collect(sql);
    const b = batchOf('t', [{ host: 'a', at: 0, ts: 5n * MIN }, { host: 'a', at: 0, ts: 6n * MIN }], { tags: ['host'] });
    b.columns = b.columns.map((c) => (c.name === 'at' ? { ...c, type: 'timestamp', values: BigInt64Array.from([0n, 2n * MIN]) } : c));
    flow.push(b);
    flow.flush();
    flow.pushDeletes(batchOf('t', [{ host: 'a', ts: 6n * MIN }], { tags: ['host'] }));
    flow.flush();
    expect(out.at(-1)!.rows).toEqual([expect.objectContaining({ deleted: true, windowStart: 2n * MIN })]);
  });

  it('rows of an append-only source are distinct even with equal keys; a plain projection keeps each projected row', () => {
    const append = { rowKey: { tags: [], time: 'ts', appendOnly: true } };
    const { flow, out } = collect(`CREATE FLOW f SINK TO out AS SELECT count(*) AS c, date_bin(INTERVAL '1 minute', ts) AS w FROM t GROUP BY w`, append);
    flow.push(batchOf('t', [{ v: 1, ts: 0n }, { v: 1, ts: 0n }]));
    flow.push(batchOf('t', [{ v: 2, ts: 0n }]));
    flow.flush();
    expect(out.at(-1)!.rows[0]!.values.c).toBe(3);
    const plain = collect(`CREATE FLOW g SINK TO out AS SELECT host, v FROM t`, append);
    plain.flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 0n }, { host: 'b', v: 2, ts: 0n }, { host: 'b', v: 2, ts: 0n }]));
    plain.flow.flush();
    expect(plain.out.flatMap((e) => e.rows).map((r) => `${r.values.host}=${r.values.v}`).sort()).toEqual(['a=1', 'b=2']);
  });

  it('hll and uddsketch_state keep GreptimeDB sketch states that follow retractions', () => {
    const sql = `CREATE FLOW f SINK TO out AS SELECT host, hll(v) AS h, uddsketch_state(128, 0.01, v) AS u,
      date_bin('10s'::INTERVAL, ts) AS w FROM t GROUP BY host, w`;
    const { flow, out } = collect(sql);
    flow.push(batchOf('t', [{ host: 'a', v: 10, ts: 0n }, { host: 'a', v: 40, ts: SEC }, { host: 'a', v: 10, ts: 2n * SEC }], { tags: ['host'] }));
    flow.flush();
    let row = out.at(-1)!.rows[0]!.values;
    expect(Hll.decode(String(row.h)).count()).toBe(2);
    expect(UddSketch.decode(String(row.u)).quantile(0.99)).toBeCloseTo(40.04777053326359, 12);
    flow.pushDeletes(batchOf('t', [{ host: 'a', ts: SEC }], { tags: ['host'] }));
    flow.flush();
    row = out.at(-1)!.rows[0]!.values;
    expect(Hll.decode(String(row.h)).count()).toBe(1);
    expect(UddSketch.decode(String(row.u)).quantile(0.99)).toBeCloseTo(10.07469668951133, 12);
  });

  it('windowsToLoad reports each window a batch is the first to touch once, adjacent ones as one range', () => {
    const { flow } = collect();
    const b = batchOf('t', [{ host: 'a', v: 1, ts: 0n }, { host: 'a', v: 1, ts: MIN + SEC }, { host: 'a', v: 1, ts: 5n * MIN }], { tags: ['host'] });
    expect(flow.windowsToLoad(b)).toEqual([{ start: 0n, end: 2n * MIN }, { start: 5n * MIN, end: 6n * MIN }]);
    flow.push(b);
    expect(flow.windowsToLoad(batchOf('t', [{ host: 'b', v: 1, ts: 10n }, { host: 'b', v: 1, ts: 7n * MIN }], { tags: ['host'] })))
      .toEqual([{ start: 7n * MIN, end: 8n * MIN }]);
    expect(collect('CREATE FLOW g SINK TO out AS SELECT host, v FROM t', { rowKey: { tags: ['host'], time: 'ts' } }).flow.windowsToLoad(b)).toEqual([]);
  });

  it('the watermark can advance with the clock while the source is idle', () => {
    const scheduler = new VirtualTimeScheduler();
    const flow = createFlow(compileFlowSql(SQL, EAGER), { scheduler, idleAdvanceMs: 30_000 });
    const out: FlowEmission[] = [];
    flow.output$.subscribe((e) => out.push(e));
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 0n }], { tags: ['host'] }));
    scheduler.maxFrames = 70_000;
    scheduler.flush();
    expect(out.flatMap((e) => e.rows).some((r) => r.final)).toBe(true);
  });

  it('dictionary-coded and plain tag columns identify the same row (overwrite, not a second row)', () => {
    const { flow, out } = collect();
    const plain = batchOf('t', [{ host: 'a', v: 1, ts: 0n }], { tags: ['host'] });
    const dict = batchOf('t', [{ host: 'a', v: 5, ts: 0n }], { tags: ['host'] });
    const host = dict.columns.find((c) => c.name === 'host')!;
    host.values = Int32Array.from([1]);
    host.dict = ['z', 'a'];
    flow.push(plain);
    flow.push(dict);
    flow.flush();
    expect(out.at(-1)!.rows[0]!.values).toMatchObject({ host: 'a', s: 5, c: 1 });
  });

  it('turns rows into a sink batch', () => {
    const { flow, out } = collect();
    flow.push(batchOf('t', [{ host: 'a', v: 1, ts: 0n }, { host: 'b', v: 2, ts: 0n }], { tags: ['host'] }));
    flow.flush();
    const { batch } = toSinkBatch(flow.plan, out.flatMap((e) => e.rows));
    expect(batch.table).toBe('out');
    expect(batch.rows).toBe(2);
    expect(batch.columns.map((c) => `${c.name}:${c.type}:${c.semantic}`)).toEqual([
      'host:string:tag', 's:float64:field', 'c:float64:field', 'w:timestamp:timestamp', 'update_at:timestamp:field',
    ]);
  });
});
