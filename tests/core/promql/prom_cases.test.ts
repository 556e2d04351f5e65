// Runs Prometheus's own PromQL test files (shared/promql/cases) against the engine over a MemorySeriesSource.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTestFile } from './promtest_lang.ts';

/**
 * The cases live in `shared/promql/cases` beside the checkout (the worktree may sit deeper): look upwards for it. A
 * checkout without them (a clone on its own) skips this file, as the sqlness corpus test does.
 */
function findCases(): string | null {
  let d = dirname(new URL(import.meta.url).pathname);
  for (;;) {
    const c = join(d, 'shared', 'promql', 'cases');
    if (existsSync(c)) return c + '/';
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}
const dir = findCases() ?? '';
const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.test')).sort() : [];

/** Floor on the share of evals that give Prometheus's answer: all of them pass today, so any regression fails. */
const FLOOR = 1;

describe.skipIf(files.length === 0)('Prometheus PromQL test cases', () => {
  it('passes at least the floor of every eval, per file and overall', async () => {
    let total = 0;
    let passed = 0;
    let rangeTotal = 0;
    let rangePassed = 0;
    let atTotal = 0;
    let atPassed = 0;
    const lines: string[] = [];
    for (const f of files) {
      const r = await runTestFile(readFileSync(dir + f, 'utf8'));
      total += r.total;
      passed += r.passed;
      rangeTotal += r.rangeTotal;
      rangePassed += r.rangePassed;
      atTotal += r.atTotal;
      atPassed += r.atPassed;
      lines.push(`${f}: ${r.passed}/${r.total} instant, ${r.rangePassed}/${r.rangeTotal} as range queries, ${r.atPassed}/${r.atTotal} with @ pinned`);
      if (process.env.PROMQL_VERBOSE) for (const x of r.failures) lines.push(`  ${x}`);
    }
    lines.push(`total: ${passed}/${total} instant, ${rangePassed}/${rangeTotal} range, ${atPassed}/${atTotal} @ pinned`);
    console.log(lines.join('\n'));
    expect(total).toBeGreaterThan(400);
    expect(passed / total).toBeGreaterThanOrEqual(FLOOR);
    expect(rangePassed / rangeTotal).toBeGreaterThanOrEqual(FLOOR);
    expect(atPassed / atTotal).toBeGreaterThanOrEqual(FLOOR);
  });
});
