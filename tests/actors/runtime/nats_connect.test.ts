// The node's NATS transport guard (actors/runtime/nats_connect.ts) against a real nats-server going away.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ROOT, startNats } from '../../harness/index.ts';

const FIXTURE = new URL('./nats_socket_end.fixture.ts', import.meta.url).pathname;

/** Runs the fixture against a fresh nats-server, stops the server once it is connected; its exit code and output. */
async function publishAfterServerEnd(mode: 'plain' | 'guarded'): Promise<{ code: number | null; out: string }> {
  const nats = await startNats();
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, nats.url, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (d: Buffer) => { out += d; });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { out += d; if (/^connected$/m.test(out)) resolve(); });
    void exited.then(() => reject(new Error(`fixture exited before connecting:\n${out}`)));
  });
  await nats.cleanup();
  return { code: await exited, out };
}

describe('guarded NATS transport', () => {
  it('a publish and close between the server\'s FIN and the socket\'s close do not crash the process', async () => {
    const r = await publishAfterServerEnd('guarded');
    // The fixture hit the window it is about (the socket ending, not yet destroyed)...
    expect(r.out).toMatch(/window: writable=false ending=true destroyed=false/);
    // ...and the connection closed without an uncaught error.
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/closed cleanly/);
  }, 30_000);

  it('nats.js\'s own transport crashes in that window (why the guard exists; when this fails, nats.js has fixed it)', async () => {
    const r = await publishAfterServerEnd('plain');
    expect(r.out).toMatch(/window: writable=false ending=true destroyed=false/);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/ERR_STREAM_WRITE_AFTER_END/);
  }, 30_000);
});
