// The package's root directory (where package.json is), found from this module's location: right for the sources
// (actors/runtime/) and for the bundle (dist/, actors/bin/bundle.mjs), whose modules all share the bundle's URL.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartupError } from '../../core/errors.ts';

function findRoot(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new StartupError(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(fileURLToPath(import.meta.url));

declare const __EDDY_BUNDLE__: boolean | undefined;
/** True in the esbuild bundle (its build defines __EDDY_BUNDLE__), false when the sources run (tsx, vitest). */
export const BUNDLED = typeof __EDDY_BUNDLE__ !== 'undefined' && __EDDY_BUNDLE__;
