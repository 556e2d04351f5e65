// jsCall: each JetStream attempt bounded; "no responders" made again always, a timeout only when the call is safe to repeat.
import { describe, expect, it } from 'vitest';
import { errors as natsErrors } from '@nats-io/transport-node';
import { JetStreamApiError } from '@nats-io/jetstream';
import { isNoLeader, isTimeout, jsCall } from '../../../actors/runtime/js_call.ts';
import { NatsUnavailableError, StatusCode, toWireError } from '../../../core/index.ts';

const noLeader = () => Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' });
const never = () => new Promise<never>(() => undefined);

describe('jsCall', () => {
  it('calls again while nobody answers, then returns the answer', async () => {
    let calls = 0;
    const r = await jsCall(async () => { if (++calls < 3) throw noLeader(); return 'stored'; }, { what: 'x', safe: false });
    expect([r, calls]).toEqual(['stored', 3]);
  });

  it('an unanswered attempt ends at its bound; a safe call is made again and its answer returned', async () => {
    let calls = 0;
    const retried: unknown[] = [];
    const r = await jsCall(() => (++calls < 3 ? never() : Promise.resolve('read')), { what: 'x', safe: true, attemptMs: 30, onRetry: (e) => retried.push(e) });
    expect([r, calls]).toEqual(['read', 3]);
    expect(retried.every(isTimeout)).toBe(true);
  });

  it('an unsafe call that timed out is not made again: its outcome is unknown', async () => {
    let calls = 0;
    const e = await jsCall(() => { calls++; return never(); }, { what: 'x', safe: false, attemptMs: 30 }).catch((x: unknown) => x);
    expect(isTimeout(e)).toBe(true);
    expect(calls).toBe(1);
  });

  it('gives up after its budget with a 503 that names the call', async () => {
    let calls = 0;
    const e = await jsCall(() => { calls++; return never(); }, { what: 'reading the fence of region 7', safe: true, attemptMs: 20, budgetMs: 100 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NatsUnavailableError);
    expect((e as Error).message).toMatch(/^reading the fence of region 7: no answer came in 0 s \(\d+ attempts\)$/);
    expect(calls).toBeGreaterThan(1);
    expect(toWireError(e).code).toBe(StatusCode.StorageUnavailable);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const bad = new Error('wrong last sequence');
    await expect(jsCall(async () => { calls++; throw bad; }, { what: 'x', safe: true })).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('knows nats.js timeouts and a JetStream nobody answers; the latter is 503 on the wire, not an internal error', () => {
    expect(isTimeout(new natsErrors.TimeoutError())).toBe(true);
    expect(isNoLeader(noLeader())).toBe(true);
    expect(toWireError(noLeader()).code).toBe(StatusCode.StorageUnavailable);
    expect(toWireError(new Error('x')).code).toBe(StatusCode.Internal);
  });

  it("JetStream's 10008 answer (a stream changing its peers, as one moving to another server) is made again like no responders", async () => {
    const unavailable = () => new JetStreamApiError({ code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' });
    expect(isNoLeader(unavailable())).toBe(true);
    expect(isNoLeader(new JetStreamApiError({ code: 400, err_code: 10071, description: 'wrong last sequence: 3' }))).toBe(false);
    let calls = 0;
    const r = await jsCall(async () => { if (++calls < 3) throw unavailable(); return 'stored'; }, { what: 'x', safe: false });
    expect([r, calls]).toEqual(['stored', 3]);
    expect(toWireError(unavailable()).code).toBe(StatusCode.StorageUnavailable);
  });
});
