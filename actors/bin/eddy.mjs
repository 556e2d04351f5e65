#!/usr/bin/env node
// Entry point of the `eddy` command: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
try {
  await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`eddy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
