// Group commit of remote write (PromGroups) over the real decoder: a request is written at once while no group is in
// flight; requests that come meanwhile are written together, in arrival order, once it is done; a bad request is
// refused alone; a group's failure fails its requests only; a series-table clear splits a group.
import { describe, expect, it } from 'vitest';
import { PromGroups, type SealedGroup } from '../../../actors/gateway/prom_groups.ts';
import { RemoteWriteDecoder } from '../../../core/codec/prometheus/request_decoder.ts';
import { snappyEncode } from '../../../core/codec/prometheus/snappy.ts';
import { encodeWriteRequest } from '../../../core/proto/prometheus_remote.ts';

const req = (job: string, n: number, t0 = 1000): Uint8Array =>
  snappyEncode(encodeWriteRequest([{ labels: [['__name__', 'up'], ['job', job]], t: Array.from({ length: n }, (_, k) => t0 + k), v: new Float64Array(n).fill(1) }]));

/** The groups written, each held until released (the test decides when a write is done). */
function harness(maxSeries?: number, maxSamples?: number) {
  const dec = new RemoteWriteDecoder(maxSeries);
  const written: { g: SealedGroup; done: (e?: Error) => void }[] = [];
  const groups = new PromGroups({
    read: (data, beforeClear) => dec.read(data, beforeClear),
    build: (reqs) => dec.build(reqs),
    write: (g) => {
      let settle!: (e?: Error) => void;
      const done = new Promise<void>((res, rej) => { settle = (e) => (e ? rej(e) : res()); });
      written.push({ g, done: settle });
      return g.samples.map((n) => done.then(() => n));
    },
  }, 1, maxSamples);
  const jobsOf = (g: SealedGroup): string[] => {
    const col = g.batch.batch.columns.find((c) => c.name === 'job')!;
    return Array.from(col.values as Int32Array, (c) => col.dict![c]!);
  };
  return { groups, written, jobsOf };
}

describe('PromGroups', () => {
  it('writes a request at once when idle, and the requests that came meanwhile as one group, in order', async () => {
    const { groups, written, jobsOf } = harness();
    const a = groups.add('db', 'phy', req('a', 2));
    expect(written.length).toBe(1);
    const b = groups.add('db', 'phy', req('b', 1));
    const c = groups.add('db', 'phy', req('c', 3));
    expect(written.length).toBe(1); // held while a's write is in flight
    written[0]!.done();
    expect(await a).toBe(2);
    await Promise.resolve();
    expect(written.length).toBe(2);
    expect(jobsOf(written[1]!.g)).toEqual(['b', 'c', 'c', 'c']);
    expect(written[1]!.g.samples).toEqual([1, 3]);
    written[1]!.done();
    expect(await Promise.all([b, c])).toEqual([1, 3]);
  });

  it('refuses a bad request alone; a failed write fails its group only', async () => {
    const { groups, written, jobsOf } = harness();
    const a = groups.add('db', 'phy', req('a', 1));
    const bad = groups.add('db', 'phy', Uint8Array.of(0x05, 0x00));
    await expect(bad).rejects.toThrow(/snappy/);
    const b = groups.add('db', 'phy', req('b', 1));
    written[0]!.done(new Error('WAL append failed'));
    await expect(a).rejects.toThrow('WAL append failed');
    await Promise.resolve();
    await Promise.resolve();
    expect(jobsOf(written[1]!.g)).toEqual(['b']);
    written[1]!.done();
    expect(await b).toBe(1);
  });

  it('splits groups by table, by size and where the series table clears', async () => {
    const { groups, written } = harness(3, 4);
    const first = groups.add('db', 'phy', req('a', 1));
    const all = [
      groups.add('db', 'phy', req('b', 1)),
      groups.add('db', 'other', req('c', 1)), // another table: b's group is sealed
      groups.add('db', 'other', req('d', 5)), // the table holds 3 series, its most: c's group is sealed, the table cleared;
      // d alone reaches 4 samples: sealed
      groups.add('db', 'other', req('e', 1)),
      groups.add('db', 'other', req('f', 1)),
    ];
    for (let k = 0; k < 5; k++) {
      written[k]!.done();
      await (k === 0 ? first : all[k - 1]);
      for (let i = 0; i < 3; i++) await Promise.resolve();
    }
    expect(written.map((w) => `${w.g.physicalTable}:${w.g.samples.join('+')}`)).toEqual(['phy:1', 'phy:1', 'other:1', 'other:5', 'other:1+1']);
    expect(await Promise.all(all)).toEqual([1, 1, 5, 1, 1]);
  });
});
