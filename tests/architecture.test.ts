// Checks the dependency direction actors -> {streams, storage} -> core by reading every import line.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  // core is pure: no actors, I/O or Node APIs, except node:crypto's hash functions (deterministic, no I/O; SQL's md5/sha*)
  core: { folders: ['core'], packages: /^(xstate|@nats-io\/|nats$|rxjs|node:(?!crypto$))/ },
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

/** Runtime (non-type) relative imports of a source file: `import type` and `import { type A, type B }` do not count. */
function runtimeImports(f: string): string[] {
  const out: string[] = [];
  const src = readFileSync(f, 'utf8');
  for (const m of src.matchAll(/^\s*(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"](\.[^'"]+)['"]/gms)) {
    if (m[1]) continue;
    const names = m[2]!.trim();
    if (/^\{[^}]*\}$/s.test(names) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type'))) continue;
    out.push(join(f, '..', m[3]!));
  }
  return out;
}

/** Strongly connected components with more than one file (Tarjan, iterative over the explicit stack of a DFS). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(relative(ROOT, w)); } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('architecture: shape of the tree', () => {
  const sources = ['core', 'storage', 'streams', 'actors'].flatMap((top) => files(join(ROOT, top)));

  it('no import cycle among runtime imports', () => {
    const graph = new Map(sources.map((f) => [f, runtimeImports(f)] as const));
    expect(importCycles(graph)).toEqual([]);
  });

  it('no source file over 500 lines', () => {
    const long = sources
      .map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 500);
    expect(long).toEqual([]);
  });

  it('file names are snake_case', () => {
    const bad = [...sources, ...files(join(ROOT, 'tests'))]
      .map((f) => relative(ROOT, f))
      .filter((p) => p.split('/').some((part) => !/^[a-z0-9_.]+$/.test(part)));
    expect(bad).toEqual([]);
  });

  it('every source folder has a README map', () => {
    const dirs = new Set(sources.map((f) => join(f, '..')));
    const missing = [...dirs].filter((d) => !existsSync(join(d, 'README.md'))).map((d) => relative(ROOT, d));
    expect(missing.sort()).toEqual([]);
  });
});
