// Checks the dependency direction actors -> {streams, storage} -> core by reading every import line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness/index.ts';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const RULES: Record<string, { folders: string[]; packages: RegExp | null }> = {
  core: { folders: ['core'], packages: /^(xstate|@nats-io\/|nats$|rxjs|node:)/ },
  storage: { folders: ['storage', 'core'], packages: /^(xstate|@nats-io\/|nats$|rxjs)/ },
  streams: { folders: ['streams', 'core'], packages: /^(xstate|@nats-io\/|nats$|apache-arrow)/ },
};

describe('architecture', () => {
  for (const [top, rule] of Object.entries(RULES)) {
    it(`${top}/ imports only ${rule.folders.join(', ')}`, () => {
      const bad: string[] = [];
      for (const f of files(join(ROOT, top))) {
        const src = readFileSync(f, 'utf8');
        for (const m of src.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
          const spec = m[1]!;
          if (spec.startsWith('.')) {
            const target = relative(ROOT, join(f, '..', spec)).split('/')[0]!;
            if (!rule.folders.includes(target)) bad.push(`${relative(ROOT, f)} -> ${spec}`);
          } else if (rule.packages && rule.packages.test(spec)) {
            bad.push(`${relative(ROOT, f)} -> ${spec}`);
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('no file outside core/subjects.ts spells an eddy.* subject', () => {
    const bad: string[] = [];
    for (const top of ['core', 'storage', 'streams', 'actors']) {
      for (const f of files(join(ROOT, top))) {
        if (f.endsWith('core/subjects.ts')) continue;
        if (/['"`]eddy\.(write|ingest|errors|region|wal|changes|flow|meta)\b/.test(readFileSync(f, 'utf8'))) bad.push(relative(ROOT, f));
      }
    }
    expect(bad).toEqual([]);
  });
});
