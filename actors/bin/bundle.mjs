// Runs the node from an esbuild bundle of its TypeScript sources (dist/, built on first use and again when a source
// has changed), and from the sources through tsx when the bundle cannot be built or written. The bundle starts in
// about a third of tsx's CPU and without tsx's ~60 MiB of compiler state; npm packages stay outside it (resolved
// from node_modules as before). EDDY_BUNDLE=0 forces tsx.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const META = join(DIST, 'eddy.meta.json');
/** Entry points: the CLI and the parse worker thread's module (actors/runtime/parse_pool.ts starts it from dist/). */
const ENTRIES = { eddy: 'actors/cli.ts', parse_worker: 'actors/runtime/parse_worker.ts' };

/** Whether the bundle recorded in META is newer than every source it was built from (a missing source: stale). */
function fresh() {
  let meta;
  try { meta = JSON.parse(readFileSync(META, 'utf8')); } catch { return false; }
  if (meta.node !== process.version) return false;
  try {
    for (const f of meta.inputs) if (statSync(join(ROOT, f)).mtimeMs > meta.builtAt) return false;
    for (const name of Object.keys(ENTRIES)) statSync(join(DIST, `${name}.mjs`));
  } catch { return false; }
  return true;
}

async function build() {
  const esbuild = await import('esbuild');
  const builtAt = Date.now(); // before reading any source: an edit during the build makes the next start rebuild
  mkdirSync(DIST, { recursive: true });
  const tmp = join(DIST, `.build-${process.pid}-${builtAt}`);
  try {
    const r = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node.split('.')[0]}`,
      packages: 'external',
      define: { __EDDY_BUNDLE__: 'true' },
      metafile: true,
      logLevel: 'silent',
    });
    // several processes may build at once (a cluster starting): each writes its own directory and renames files in;
    // any complete set is as good as another
    for (const name of Object.keys(ENTRIES)) renameSync(join(tmp, `${name}.mjs`), join(DIST, `${name}.mjs`));
    const inputs = Object.keys(r.metafile.inputs).filter((f) => !f.includes('node_modules/'));
    writeFileSync(`${META}.${process.pid}`, JSON.stringify({ builtAt, node: process.version, inputs }));
    renameSync(`${META}.${process.pid}`, META);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The CLI module (`main(argv)`), from the bundle when it can be used. */
export async function loadCli() {
  if (process.env.EDDY_BUNDLE !== '0') {
    try {
      if (!fresh()) await build();
      return await import(pathToFileURL(join(DIST, 'eddy.mjs')).href);
    } catch {
      // no esbuild, a read-only install or a source that does not compile: tsx runs the sources (and names the error)
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../cli.ts');
}
