// The region router's view of "not here": on a real nats-server, requests and scans to a region nobody serves fail at
// once with an error the router retries (no responders), not after a timeout; other errors are not retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EddyError, StatusCode, Subjects, RegionOps } from '../../../core/index.ts';
import { isMovedError } from '../../../actors/region/router.ts';
import { scanRegion } from '../../../actors/runtime/scan_client.ts';
import { startNats } from '../../harness/index.ts';

describe('router: moved / not-here answers', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc.close();
    await nats.cleanup();
  });

  // 'fast': with the moved error, not the request's 10 s timeout (a timeout is another error)
  it('a request to a region with no host fails fast as moved', async () => {
    const err = await nc.request(Subjects.region('4398046511104', RegionOps.write), 'x', { timeout: 10_000 }).catch((e: unknown) => e);
    expect(isMovedError(err)).toBe(true);
  });

  it('a scan of a region with no host fails fast as moved', async () => {
    const err = await scanRegion(nc, '4398046511105', {}).catch((e: unknown) => e);
    expect(isMovedError(err)).toBe(true);
  });

  it('a region that is closing is moved; a user error is not', () => {
    expect(isMovedError(new EddyError(StatusCode.RegionReadonly, 'region 1 is closing'))).toBe(true);
    expect(isMovedError(new EddyError(StatusCode.InvalidArguments, 'bad row'))).toBe(false);
    expect(isMovedError(new Error('other'))).toBe(false);
  });
});
