// The embedded nats-server runs with Go's soft memory limit: 128MiB unless the environment sets GOMEMLIMIT (read
// back from the running server's /proc/<pid>/environ).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NATS_GOMEMLIMIT_DEFAULT, natsServerEnv } from '../../../actors/runtime/embedded_nats.ts';
import { startNats } from '../../harness/index.ts';

const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

describe('embedded nats-server environment', () => {
  it('GOMEMLIMIT defaults to 128MiB and a set one is kept', () => {
    expect(natsServerEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', GOMEMLIMIT: '128MiB' });
    expect(natsServerEnv({ PATH: '/bin', GOMEMLIMIT: '1GiB' })).toEqual({ PATH: '/bin', GOMEMLIMIT: '1GiB' });
  });

  it('the running server has it', async () => {
    const nats = await startNats();
    try {
      expect(environOf(nats.pid)).toContain(`GOMEMLIMIT=${process.env.GOMEMLIMIT || NATS_GOMEMLIMIT_DEFAULT}`);
    } finally {
      await nats.cleanup();
    }
  });
});
