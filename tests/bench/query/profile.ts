// Summarize a V8 .cpuprofile (from `npm run bench -- query --cpu-prof`): where the time
// goes below a root function (default executeSql, i.e. query execution without the load).
//
//   node --import tsx tests/bench/query/profile.ts <file.cpuprofile> [--root executeSql|all] [--top 30] [--after S] [--before S]
//
// Prints the root's total time, then the functions with the most self time and the most
// inclusive time inside the root's subtrees (recursion counted once).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function summarize(file: string, root = 'executeSql', top = 30, afterS = 0, beforeS = Infinity): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Self time per node (µs): each sample's delta is charged to the sampled node.
  const self = new Map<number, number>();
  // --after S / --before S: samples in that window of seconds from the profile's start only (skips start-up and the load,
  // or what follows the phase of interest)
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (at - p.startTime < afterS * 1e6 || at - p.startTime > beforeS * 1e6) continue;
    const d = p.timeDeltas[i + 1] ?? 0;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + d);
  }
  const label = (n: Node): string => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const where = url ? `${relative(process.cwd(), url)}:${n.callFrame.lineNumber + 1}` : '';
    return `${n.callFrame.functionName || '(anonymous)'} ${where}`.trim();
  };
  // root 'all': every sample. Async continuations lose their callers in V8 profiles, so a
  // root catches only the synchronous part of it; 'all' plus the per-file view is the fallback.
  const isRoot = (n: Node): boolean => root === 'all' || n.callFrame.functionName === root;
  // Nodes whose ancestors include the root.
  const under = new Map<number, boolean>();
  const inRoot = (id: number): boolean => {
    const c = under.get(id);
    if (c !== undefined) return c;
    const n = byId.get(id)!;
    const par = parent.get(id);
    const v = isRoot(n) || (par !== undefined && inRoot(par));
    under.set(id, v);
    return v;
  };
  let total = 0;
  let rootTotal = 0;
  const selfBy = new Map<string, number>();
  const fileBy = new Map<string, number>();
  const inclBy = new Map<string, number>();
  for (const [id, us] of self) {
    total += us;
    if (!inRoot(id)) continue;
    rootTotal += us;
    const n = byId.get(id)!;
    const l = label(n);
    selfBy.set(l, (selfBy.get(l) ?? 0) + us);
    const f = n.callFrame.url ? relative(process.cwd(), n.callFrame.url.replace(/^file:\/\//, '')).replace(/^.*node_modules\//, 'node_modules/') : `(${n.callFrame.functionName || 'program'})`;
    fileBy.set(f, (fileBy.get(f) ?? 0) + us);
    // Inclusive: charge every distinct function on the stack up to the root once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cn = byId.get(cur)!;
      const cl = label(cn);
      if (!seen.has(cl)) {
        seen.add(cl);
        inclBy.set(cl, (inclBy.get(cl) ?? 0) + us);
      }
      if (isRoot(cn)) break;
    }
  }
  const ms = (us: number): string => (us / 1000).toFixed(0).padStart(8);
  const pct = (us: number): string => `${((100 * us) / Math.max(1, rootTotal)).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>): string =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([l, us]) => `${ms(us)} ms ${pct(us)}  ${l}`)
      .join('\n');
  return [
    `${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(rootTotal / 1000).toFixed(0)} ms under ${root}()`,
    `\nself time under ${root}:`,
    list(selfBy),
    `\ninclusive time under ${root}:`,
    list(inclBy),
    `\nself time by file under ${root}:`,
    list(fileBy),
  ].join('\n');
}

if (process.argv[1] && /profile\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  const opt = (n: string, d: string): string => {
    const i = args.indexOf(`--${n}`);
    return i >= 0 && args[i + 1] ? args[i + 1] : d;
  };
  if (!file) {
    console.error('usage: node --import tsx tests/bench/query/profile.ts <file.cpuprofile> [--root executeSql|all] [--top 30] [--after S] [--before S]');
    process.exitCode = 2;
  } else console.log(summarize(file, opt('root', 'executeSql'), Number(opt('top', '30')), Number(opt('after', '0')), Number(opt('before', 'Infinity'))));
}
