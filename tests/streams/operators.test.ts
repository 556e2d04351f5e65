// Marble tests (TestScheduler, simulated clock) for the flow operators.
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  FlowStore, assignWindows, compileFlowSql, emitOnInterval, incrementalAggregate, watermark, windowAssign,
} from '../../streams/index.ts';
import type { DecodedRows } from '../../streams/index.ts';

const scheduler = () => new TestScheduler((a, b) => expect(a).toEqual(b));

function rows(times: number[], group = 'g'): DecodedRows {
  return {
    table: 't', inputRows: times.length, n: times.length,
    eventTime: times.map(BigInt), rowKey: times.map((t) => `${group}${t}`), group: times.map(() => group),
    groupVals: times.map(() => [group]), vals: times.map((t) => [BigInt(t), 1]),
    maxEventTime: times.length ? BigInt(Math.max(...times)) : null, errors: 0,
  };
}

describe('emitOnInterval', () => {
  it('emits the first value at once, then at most once per interval with what arrived meanwhile', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // a@0 b@1 c@2 d@9 e@30: a leads; b, c, d wait for the interval (10); e comes after a quiet interval.
      const src = cold('abc 6ms d 20ms e|');
      expectObservable(src.pipe(emitOnInterval(10, undefined))).toBe('a 9ms x 19ms e|', {
        a: ['a'], x: ['b', 'c', 'd'], e: ['e'],
      });
    });
  });

  it('flushes the buffer on completion', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|').pipe(emitOnInterval(100, undefined))).toBe('a-(b|)', { a: ['a'], b: ['b'] });
    });
  });
});

describe('watermark', () => {
  it('tracks max event time minus lateness, before and after each value', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('abc|', { a: 10n, b: 5n, c: 20n });
      expectObservable(src.pipe(watermark(3n, (v: bigint) => v))).toBe('abc|', {
        a: { value: 10n, maxBefore: null, before: null, after: 7n },
        b: { value: 5n, maxBefore: 10n, before: 7n, after: 7n },
        c: { value: 20n, maxBefore: 10n, before: 7n, after: 17n },
      });
    });
  });

  it('advances with the scheduler clock while the source is idle', () => {
    const ts = scheduler();
    ts.run(({ hot, expectObservable }) => {
      const src = hot('a 25ms b', { a: 1_000_000n, b: 2_000_000n });
      // idle 10ms -> +10ms of event time (10_000_000 ns) per tick
      expectObservable(src.pipe(watermark(0n, (v: bigint) => v, { maxEventTime: null }, { afterMs: 10, scheduler: ts })), '^ 30ms !').toBe(
        'a 9ms x 9ms y 5ms b', {
          a: { value: 1_000_000n, maxBefore: null, before: null, after: 1_000_000n },
          x: { value: null, maxBefore: 1_000_000n, before: 1_000_000n, after: 11_000_000n },
          y: { value: null, maxBefore: 11_000_000n, before: 11_000_000n, after: 21_000_000n },
          b: { value: 2_000_000n, maxBefore: 21_000_000n, before: 21_000_000n, after: 21_000_000n },
        });
    });
  });
});

describe('windowAssign', () => {
  const tumble = { sizeNs: 10n, slideNs: 10n, originNs: 0n };
  const hop = { sizeNs: 20n, slideNs: 10n, originNs: 0n };

  it('assigns tumbling and hopping windows and drops rows whose windows are all final', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a|', { a: { value: rows([3, 15, 27]), maxBefore: 20n, before: 20n, after: 27n } });
      expectObservable(src.pipe(windowAssign(tumble, null))).toBe('a|', {
        a: { rows: rows([3, 15, 27]), starts: [20n], offsets: Int32Array.from([0, 0, 0, 1]), late: 2, expired: 0, watermark: 27n },
      });
    });
    const h = assignWindows({ value: rows([15]), maxBefore: null, before: null, after: 15n }, hop, null);
    expect(h.starts).toEqual([10n, 0n]);
    const partly = assignWindows({ value: rows([15]), maxBefore: 20n, before: 20n, after: 20n }, hop, null);
    expect(partly.starts).toEqual([10n]);
  });

  it('expires rows older than max event time - EXPIRE AFTER', () => {
    const a = assignWindows({ value: rows([1, 50]), maxBefore: 60n, before: null, after: 60n }, null, 20n);
    expect(a.expired).toBe(1);
    expect(a.starts.length).toBe(1);
  });
});

describe('incrementalAggregate', () => {
  it('applies rows, retracts overwrites and finalizes windows the watermark passed', () => {
    const plan = compileFlowSql(`CREATE FLOW f SINK TO s AS SELECT host, sum(v) AS s, date_bin(INTERVAL '10 ns', ts) AS w FROM t GROUP BY host, w`);
    const store = new FlowStore(plan);
    scheduler().run(({ cold, expectObservable }) => {
      const first = { value: rows([1, 2]), maxBefore: null, before: null, after: 2n };
      const again = { value: rows([2]), maxBefore: 2n, before: 2n, after: 12n };
      const src = cold('ab|', { a: first, b: again }).pipe(
        (o) => o.pipe(windowAssign(plan.window, null)),
        incrementalAggregate(store),
      );
      expectObservable(src).toBe('ab|', {
        a: { changed: 2, finalized: 0, late: 0, expired: 0, errors: 0, inputRows: 2, watermark: 2n },
        b: { changed: 1, finalized: 1, late: 0, expired: 0, errors: 0, inputRows: 1, watermark: 12n },
      });
    });
    const out = store.drain(0n, (e) => { throw e; });
    expect(out).toHaveLength(1);
    expect(out[0]!.final).toBe(true);
    // row g2 was written twice: counted once.
    expect(out[0]!.values.s).toBe(2);
  });
});
