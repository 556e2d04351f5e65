// A query's scans carry its cancellation into the region: the request's limits (deadline, client gone) and the running
// statement's KILL signal, joined by eitherSignal without leaving a listener behind on the session's signals.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from 'apache-arrow';
import type { QueryContext, ScanSpec } from '../../../core/query/index.ts';
import type { TableSchema } from '../../../core/index.ts';
import { eitherSignal, limitContext, type QueryLimits } from '../../../actors/gateway/query_limits.ts';

const limitsWith = (signal: AbortSignal): QueryLimits => ({ signal, deadline: 0, expired: () => new Error('late'), memoryBytes: 0, used: 0 });

/** A context whose scan hands back the spec it was given, and waits until told to answer. */
function recording() {
  const specs: ScanSpec[] = [];
  let answer: () => void = () => undefined;
  const ctx = {
    db: 'public',
    scan: (_s: TableSchema, spec: ScanSpec) => {
      specs.push(spec);
      return new Promise<RecordBatch[]>((resolve) => { answer = () => resolve([]); });
    },
  } as unknown as QueryContext;
  return { ctx, specs, answer: () => answer() };
}

describe('eitherSignal', () => {
  it("aborts with whichever aborts first, with that one's reason", async () => {
    for (const first of ['a', 'b'] as const) {
      const a = new AbortController(), b = new AbortController();
      const seen = eitherSignal(a.signal, b.signal, (s) => new Promise<unknown>((resolve) => s.addEventListener('abort', () => resolve(s.reason))));
      (first === 'a' ? a : b).abort(`by ${first}`);
      expect(await seen).toBe(`by ${first}`);
    }
  });

  it('an already aborted input is seen at once; one signal, or the same twice, is passed as it is', async () => {
    const a = new AbortController(), b = new AbortController();
    b.abort('gone');
    expect(await eitherSignal(a.signal, b.signal, async (s) => [s.aborted, s.reason])).toEqual([true, 'gone']);
    expect(await eitherSignal(a.signal, undefined, async (s) => s)).toBe(a.signal);
    expect(await eitherSignal(a.signal, a.signal, async (s) => s)).toBe(a.signal);
  });

  it('leaves no listener on its inputs once the call ends', async () => {
    const a = new AbortController(), b = new AbortController();
    for (let i = 0; i < 50; i++) await eitherSignal(a.signal, b.signal, async () => i);
    await eitherSignal(a.signal, b.signal, async () => { throw new Error('scan failed'); }).catch(() => undefined);
    expect([getEventListeners(a.signal, 'abort').length, getEventListeners(b.signal, 'abort').length]).toEqual([0, 0]);
  });
});

describe('limitContext hands the query\'s cancellation to the scan', () => {
  const schema = { name: 'm' } as TableSchema;

  it("KILL (the statement's signal on the context) reaches a scan under way", async () => {
    const r = recording();
    const limits = new AbortController();
    const g = limitContext(r.ctx, () => limitsWith(limits.signal));
    const kill = new AbortController();
    g.signal = kill.signal;
    const scan = g.scan(schema, { columns: ['v'] });
    await new Promise((resolve) => setImmediate(resolve));
    const seen = r.specs[0]!.signal!;
    expect([seen.aborted, r.specs[0]!.columns]).toEqual([false, ['v']]);
    kill.abort('KILL 3');
    expect([seen.aborted, seen.reason]).toEqual([true, 'KILL 3']);
    // (a region's scan throws that reason; the executor and the PromQL source check the statement's own signal too)
    r.answer();
    await scan;
    expect(getEventListeners(kill.signal, 'abort').length).toBe(0);
  });

  it("the request's deadline or lost client reaches it too; without limits the KILL signal alone", async () => {
    const r = recording();
    const limits = new AbortController();
    const g = limitContext(r.ctx, () => limitsWith(limits.signal));
    const scan = g.scan(schema, {});
    await new Promise((resolve) => setImmediate(resolve));
    limits.abort(new Error('query cancelled: the client went away'));
    expect(r.specs[0]!.signal!.aborted).toBe(true);
    r.answer();
    await expect(scan).rejects.toThrow('the client went away');

    const bare = limitContext(r.ctx, () => undefined);
    const kill = new AbortController();
    bare.signal = kill.signal;
    const plain = bare.scan(schema, {});
    expect(r.specs[1]!.signal).toBe(kill.signal);
    r.answer();
    await plain;
  });
});
