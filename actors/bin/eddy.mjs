#!/usr/bin/env node
// Entry point of the `eddy` command: runs the CLI in this process (no child to orphan), from the bundle of the
// TypeScript sources or through tsx (bundle.mjs decides).
import { loadCli } from './bundle.mjs';

const { main } = await loadCli();
try {
  await main(process.argv.slice(2));
} catch (e) {
  // A usage mistake (unknown flag, missing or bad value) exits 2, as command-line tools do; anything else 1.
  const usage = e instanceof Error && e.name === 'UsageError';
  process.stderr.write(`eddy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(usage ? 2 : 1);
}
