// Scan reports for the smart index over a real nats-server: batched per table (one message for many scans, none
// before the batch is due), published at once by flush() or when full, and decoded from either wire form.
import fc from 'fast-check';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects } from '../../../core/index.ts';
import { decodeWorkload, WorkloadReporter, type WorkloadReport } from '../../../actors/index/workload_wire.ts';
import { natsClient, startNats } from '../../harness/index.ts';

describe('workload reports', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let pub: NatsConnection;
  let sub: NatsConnection;
  beforeAll(async () => {
    nats = await startNats();
    pub = await natsClient(nats.url);
    sub = await natsClient(nats.url);
  });
  afterAll(async () => { await pub.close(); await sub.close(); await nats.cleanup(); });

  /** Messages received on the workload subjects, decoded. */
  async function listen(): Promise<{ got: WorkloadReport[][]; s: Subscription }> {
    const got: WorkloadReport[][] = [];
    const s = sub.subscribe(Subjects.indexWorkloadAll, { callback: (_e, m) => { got.push(decodeWorkload(m.data)); } });
    await sub.flush();
    return { got, s };
  }
  const report = (table: string, at: number) => ({ db: 'public', table, regionId: '1', at, rowsRead: 100, rowsOut: at });
  const preds = [{ column: 'host', op: 'in' as const, values: ['a'] }];

  it('publishes one message per table for many scans, only when flushed or full', async () => {
    const { got, s } = await listen();
    const r = new WorkloadReporter(pub, { delayMs: 60_000, maxReports: 5 });
    for (let i = 0; i < 3; i++) r.report(report('cpu', i), preds);
    r.report(report('mem', 9), preds);
    r.report(report('cpu', 99), undefined); // no predicates: nothing to report
    await pub.flush();
    await sub.flush();
    expect(got).toEqual([]);
    r.flush();
    await pub.flush();
    await sub.flush();
    expect(got.map((m) => m.map((x) => `${x.table}:${x.at}`))).toEqual([['cpu:0', 'cpu:1', 'cpu:2'], ['mem:9']]);
    expect(got[0]![0]!.preds).toEqual([{ column: 'host', op: 'in' }]);
    got.length = 0;
    for (let i = 0; i < 5; i++) r.report(report('cpu', i), preds);
    await pub.flush();
    await sub.flush();
    expect(got.map((m) => m.length)).toEqual([5]);
    s.unsubscribe();
  });

  it('reads a lone report (older nodes) and drops malformed ones', () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const one = { ...report('cpu', 1), preds: [{ column: 'host', op: 'in' }] };
    expect(decodeWorkload(enc(one))).toEqual([one]);
    expect(decodeWorkload(enc([one, { ...one, at: 'x' }, null, 3]))).toEqual([one]);
    expect(decodeWorkload(new TextEncoder().encode('{not json'))).toEqual([]);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => Array.isArray(decodeWorkload(b))));
  });
});
