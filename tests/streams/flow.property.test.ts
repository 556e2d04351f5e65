// Property: a flow fed random out-of-order batches with duplicates, overwrites and deletes ends with the same sink rows as
// running its SELECT over each window's table; a snapshot/restore mid-stream (and a replayed batch) changes nothing.
import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { compileFlowSql, createFlow, decodeSnapshot, encodeSnapshot } from '../../streams/index.ts';
import type { Flow, FlowCheckpointHead, FlowRow, FlowValue } from '../../streams/index.ts';
import { MIN, SEC, batchOf } from './helpers.ts';
import { reference } from './reference.ts';
import type { SrcRow } from './reference.ts';

const SELECT = `SELECT host, k, count(*) AS c, count(v) AS cv, sum(v) AS s, avg(v) AS a, min(v) AS mn, max(v) AS mx,
  first_value(v) AS f, last_value(v) AS l, count(DISTINCT v) AS d, approx_percentile_cont(v, 0.5) AS p,
  max(v) - min(v) AS spread, WINDOW AS w
  FROM t WHERE v IS NULL OR v > -80 GROUP BY host, k, w HAVING count(*) > 1`;

const WINDOWS = {
  tumble: { sql: "date_bin(INTERVAL '1 minute', ts)", windowNs: MIN, slideNs: MIN },
  hop: { sql: "hop(ts, '2 minutes', '1 minute')", windowNs: 2n * MIN, slideNs: MIN },
} as const;

const row = fc.record({
  host: fc.constantFrom('a', 'b', 'c'),
  k: fc.constantFrom('x', 'y'),
  v: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null, freq: 8 }),
  // 36 distinct times x 3 hosts: plenty of overwrites of the same (host, ts) key.
  ts: fc.integer({ min: 0, max: 35 }).map((i) => BigInt(i) * 10n * SEC),
});
// Now and then a batch deletes keys (host, ts) instead of writing rows.
const deletes = fc.array(row, { minLength: 1, maxLength: 6 }).map((rs) => rs.map((r) => ({ ...r, del: true })));
const batches = fc.array(fc.oneof({ weight: 4, arbitrary: fc.array(row, { minLength: 1, maxLength: 12 }) }, { weight: 1, arbitrary: deletes }), { minLength: 1, maxLength: 15 });

function toBatch(rows: SrcRow[]) {
  if (rows[0]?.del) return batchOf('t', rows.map((r) => ({ host: r.host, ts: r.ts })), { tags: ['host'] });
  return batchOf('t', rows.map((r) => ({ host: r.host, k: r.k, v: r.v, ts: r.ts })), { tags: ['host'] });
}

function feed(flow: Flow, rows: SrcRow[], position?: number): void {
  if (rows[0]?.del) flow.pushDeletes(toBatch(rows), position);
  else flow.push(toBatch(rows), position);
}

/** Applies emissions to a sink keyed like the table would be: upserts and deletes. */
class Sink {
  rows = new Map<string, Record<string, FlowValue>>();
  finals = new Map<string, Record<string, FlowValue>>();
  finalWindows = new Set<bigint>();
  take(rows: FlowRow[]): void {
    for (const r of rows) {
      const key = `${r.windowStart}|${r.key}`;
      if (r.deleted) this.rows.delete(key);
      else {
        const { update_at: _u, ...v } = r.values;
        this.rows.set(key, v);
        if (r.final) this.finals.set(key, v);
      }
      if (r.final) this.finalWindows.add(r.windowStart!);
    }
  }
}

const norm = (m: Iterable<Record<string, FlowValue>>): string[] =>
  [...m].map((v) => JSON.stringify(Object.keys(v).sort().map((k) => [k, typeof v[k] === 'bigint' ? String(v[k]) : v[k]]))).sort();

function run(plan: ReturnType<typeof compileFlowSql>, parts: SrcRow[][][], replayLast: boolean, incremental = false): Sink {
  const sink = new Sink();
  let flow: Flow | null = null;
  let snap: Uint8Array | null = null;
  // incremental checkpoints: parts stored by id, the last head and the ids it references
  const stored = new Map<number, Uint8Array>();
  let ck: { head: FlowCheckpointHead; ids: { id: number; final: boolean }[] } | null = null;
  let id = 1;
  for (let p = 0; p < parts.length; p++) {
    flow = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    if (snap) flow.restore(decodeSnapshot(snap));
    if (ck) flow.restoreParts(ck.head, ck.ids.map((x) => ({ ...x, bytes: stored.get(x.id)! })));
    flow.output$.subscribe((e) => sink.take(e.rows));
    if (replayLast && p > 0) {
      const prev = parts[p - 1]!;
      if (prev.length > 0) feed(flow, prev[prev.length - 1]!);
    }
    parts[p]!.forEach((b, i) => feed(flow!, b, i));
    flow.flush();
    if (incremental) {
      const c = flow.checkpointParts(() => id++);
      for (const x of c.parts) if (x.bytes) stored.set(x.id, x.bytes);
      c.commit();
      ck = { head: c.head, ids: c.parts.map((x) => ({ id: x.id, final: x.final })) };
    } else snap = encodeSnapshot(flow.snapshot());
    if (p < parts.length - 1) flow.flush();
  }
  flow!.close();
  return sink;
}

describe('flow property: incremental = batch over the final table', () => {
  for (const [name, w] of Object.entries(WINDOWS)) {
    it(`${name} windows, overwrites, deletes, out of order, lateness`, () => {
      const plan0 = compileFlowSql(`CREATE FLOW f SINK TO out AS ${SELECT.replace('WINDOW', w.sql)}`);
      fc.assert(
        fc.property(batches, fc.constantFrom(0n, 30n * SEC, 1000n * MIN, null), (bs, lateness) => {
          const plan = { ...plan0, allowedLatenessNs: lateness };
          const ref = reference(bs, { windowNs: w.windowNs, slideNs: w.slideNs, latenessNs: lateness });
          const sink = run(plan, [bs], false);
          expect(norm(sink.rows.values())).toEqual(norm(ref.rows.values()));
          // Final rows exist exactly for the windows the watermark closed, and equal the batch answer.
          const refFinal = [...ref.rows.values()].filter((r) => ref.closed.has(r.w as bigint));
          expect(norm(sink.finals.values())).toEqual(norm(refFinal));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('snapshot/restore mid-stream, whole or incremental (with the last batch replayed), equals an uninterrupted run', () => {
    const plan0 = compileFlowSql(`CREATE FLOW f SINK TO out AS ${SELECT.replace('WINDOW', WINDOWS.hop.sql)}`);
    fc.assert(
      fc.property(batches, fc.nat(), fc.nat(), fc.constantFrom(0n, 30n * SEC), fc.boolean(), fc.boolean(), (bs, cut, cut2, lateness, replay, incremental) => {
        const plan = { ...plan0, allowedLatenessNs: lateness };
        const at = cut % (bs.length + 1);
        const at2 = at + (cut2 % (bs.length - at + 1));
        const whole = run(plan, [bs], false);
        // two restarts: with incremental checkpoints, the second stores only the windows changed since the first
        const split = run(plan, [bs.slice(0, at), bs.slice(at, at2), bs.slice(at2)], replay, incremental);
        expect(norm(split.rows.values())).toEqual(norm(whole.rows.values()));
        expect(norm(split.finals.values())).toEqual(norm(whole.finals.values()));
      }),
      { numRuns: 150 },
    );
  });
});
