// A JetStream call that found no responder (a stream electing a leader) is made again; any other error is not.
import { describe, expect, it } from 'vitest';
import { isNoLeader, retryWhileNoLeader } from '../../../actors/runtime/no_leader.ts';
import { NatsUnavailableError, StatusCode, toWireError } from '../../../core/index.ts';

const noLeader = () => Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' });
const unavailable = (s: number) => new NatsUnavailableError(`no leader for ${s} s`);

describe('retryWhileNoLeader', () => {
  it('calls again while nobody answers, then returns the answer', async () => {
    let calls = 0;
    const r = await retryWhileNoLeader(async () => { if (++calls < 3) throw noLeader(); return 'stored'; }, unavailable);
    expect([r, calls]).toEqual(['stored', 3]);
  });

  it('throws any other error at once (a timeout may have been stored)', async () => {
    let calls = 0;
    const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
    await expect(retryWhileNoLeader(async () => { calls++; throw timeout; }, unavailable)).rejects.toBe(timeout);
    expect(calls).toBe(1);
  });

  it('a JetStream nobody answers is unavailable on the wire (503), not an internal error', () => {
    expect(isNoLeader(noLeader())).toBe(true);
    expect(toWireError(noLeader()).code).toBe(StatusCode.StorageUnavailable);
    expect(toWireError(new Error('x')).code).toBe(StatusCode.Internal);
  });
});
