// Every benchmark answers --help with its flags and exits, without starting a server (an unknown name is refused).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const NAMES = ['ingest', 'flush', 'query', 'flow', 'prom', 'promql', 'index', 'logs', 'prom100k', 'pg', 'overload', 'cluster'];

describe('npm run bench -- <name> --help', () => {
  it('lists every benchmark', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tests/bench/run.ts', '--help']);
    for (const n of NAMES) expect(stdout).toMatch(new RegExp(`^\\s+${n}\\b`, 'm'));
  });

  it.each(NAMES)('%s prints its flags and starts nothing', async (name) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tests/bench/run.ts', name, '--help'], { timeout: 60_000 });
    expect(stdout).toContain(`npm run bench -- ${name} [flags]`);
    expect(stdout).toMatch(/^\s+--[a-z]/m);
    // a run would print its load or start-up lines (servers, data); help prints only the usage
    expect(stdout).not.toMatch(/starting|load average|listening/i);
  }, 60_000);

  it('refuses an unknown benchmark with exit code 2', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', 'tests/bench/run.ts', 'no-such-bench'])).rejects.toMatchObject({ code: 2 });
  });
});
